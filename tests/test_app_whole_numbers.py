"""Editors show whole numbers without decimals (issue 25, part 4): "480", not "480.00" minutes; years and
counts (int in the schema), minutes and the time limit in seconds get whole-number inputs, in both the
Plan page's editors and the scenario editors."""

from __future__ import annotations

import pytest

from tests.conftest import started_app, wkey

WHOLE = ["edit_years_first_plan_year", "edit_years_last_plan_year", "edit_years_base_year",
         "edit_years_population_year", "edit_mobile_max_neighbours", "edit_solver_threads", "edit_solver_random_seed",
         "edit_mobile_max_travel_minutes", "edit_mobile_working_minutes_per_day", "edit_time_limit",
         "edit_access_limit", "edit_access_cap", "edit_eq_max_travel"]


def test_whole_number_fields_show_no_decimals_and_read_back_the_same_scenario(tmp_path, monkeypatch):
    at = started_app(tmp_path, monkeypatch)
    for name in WHOLE:
        box = at.number_input(key=wkey(at, name))
        assert box.proto.format == "%d", (name, box.proto.format)
        assert box.value is None or isinstance(box.value, int), (name, box.value)
    assert at.number_input(key=wkey(at, "edit_mobile_working_minutes_per_day")).value == 480
    # fractions stay where they mean something
    assert at.number_input(key=wkey(at, "edit_mobile_detour_factor")).value == pytest.approx(1.3)
    assert at.session_state["edited"].scenario == at.session_state["loaded"].scenario   # nothing changed by it
    at.number_input(key=wkey(at, "edit_mobile_working_minutes_per_day")).set_value(450).run()
    assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
    assert at.session_state["edited"].scenario.mobile.working_minutes_per_day == 450.0


def test_a_field_given_with_a_fraction_keeps_it(monkeypatch):
    from streamlit.testing.v1 import AppTest

    def app():
        import streamlit as st

        from planner_app import widgets

        st.session_state["v"] = widgets.whole_input(st, "minutes", 37.5, min_value=0, step=10, key="m")

    at = AppTest.from_function(app).run()
    assert at.number_input(key="m").value == 37.5 and at.number_input(key="m").proto.format != "%d"
