"""The map's Year box follows the plan's years (issue 25, part 4): after plan years change and a new solve
it shows the plan's last year, not the last year of the plan before."""

from __future__ import annotations

from tests.conftest import started_app, wkey


def year_box(at):
    return next(s for s in at.selectbox if s.key and s.key.startswith("plan_map_year"))


def test_the_year_box_starts_on_the_plans_last_year_whenever_the_plan_years_change(tmp_path, monkeypatch):
    at = started_app(tmp_path, monkeypatch)
    last = wkey(at, "edit_years_last_plan_year")
    at.number_input(key=last).set_value(2026).run()      # one plan year first: fast
    at.button(key="solve_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert year_box(at).options == ["2026"] and year_box(at).value == 2026
    at.number_input(key=last).set_value(2027).run()
    at.button(key="solve_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    box = year_box(at)
    assert box.options == ["2026", "2027"] and box.value == 2027, (box.options, box.value)
    box.set_value(2026).run()                               # a year picked for the same plan years stays
    assert year_box(at).value == 2026
    at.number_input(key=last).set_value(2027).run()        # an edit that changes nothing keeps it too
    at.button(key="solve_button").click().run()
    assert year_box(at).value == 2026
