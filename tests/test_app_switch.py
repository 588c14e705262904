"""Choosing another scenario resets every input to that scenario (issue 13, item 1)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.conftest import APP, REPO

SMALL = (REPO / "tests" / "data" / "app_models" / "small.toml").read_text(encoding="utf-8").replace(
    "../../../data/regions/", (REPO / "data" / "regions").as_posix() + "/")


def _models(folder: Path) -> Path:
    folder.mkdir()
    (folder / "small.toml").write_text(SMALL, encoding="utf-8")
    tight = SMALL.replace('name = "small"', 'name = "tight"').replace("total_wan_cny = 4_000_000",
                                                                      "total_wan_cny = 1_000_000")
    (folder / "tight.toml").write_text(tight, encoding="utf-8")
    return folder


def _widget(at: AppTest, kind: str, prefix: str):
    """An input by the start of its key (editor keys carry the loaded scenario's generation)."""
    found = [w for w in getattr(at, kind) if w.key and w.key.startswith(prefix)]
    assert len(found) == 1, [w.key for w in getattr(at, kind)]
    return found[0]


def test_choosing_a_scenario_resets_the_budget_and_the_solve_uses_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANNER_RUNS", str(tmp_path / "runs.sqlite"))
    monkeypatch.setenv("PLANNER_MODELS", str(_models(tmp_path / "models")))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert _widget(at, "number_input", "edit_budget_total").value == 4_000_000
    _widget(at, "number_input", "edit_budget_total").set_value(3_000_000).run()   # an edit on small.toml
    _widget(at, "selectbox", "scenario_choice").select("tight.toml").run()
    assert not at.exception, [e.value for e in at.exception]
    assert _widget(at, "number_input", "edit_budget_total").value == 1_000_000
    at.button(key="solve_button").click().run()
    spend = next(m.value for m in at.metric if m.label == "Spend")
    assert float(spend.split()[0].replace(",", "")) <= 100.0, spend   # 1,000,000 万元 = 100 亿元
    # and back: small.toml's own budget, not the edit made before the switch
    _widget(at, "selectbox", "scenario_choice").select("small.toml").run()
    assert _widget(at, "number_input", "edit_budget_total").value == 4_000_000
