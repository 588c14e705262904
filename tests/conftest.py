from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app" / "app.py")
SMALL_MODELS = str(REPO / "tests" / "data" / "app_models")


@pytest.fixture(autouse=True)
def _keep_main_module():
    """Streamlit's script runner (AppTest) sets sys.modules["__main__"] to the app script it runs and
    leaves it there. A Dask LocalCluster started later in the same process spawns workers that re-run
    __main__'s file: AppTest.from_function's temporary script, which fails (NameError: __args), and the
    worker never starts. Each test gets back the __main__ it started with."""
    import sys

    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main


def started_app(tmp_path: Path, monkeypatch):
    """The Streamlit app under AppTest, with its own run store and the small test scenario list, after
    its first run (which must raise nothing)."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PLANNER_RUNS", str(tmp_path / "runs.sqlite"))
    monkeypatch.setenv("PLANNER_MODELS", SMALL_MODELS)
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def wkey(at, name: str) -> str:
    """The app's key for an input widget of the loaded scenario (app/state.py wkey: the key carries the
    scenario load's generation, so a newly chosen scenario gets new widgets)."""
    return f"{name}@{at.session_state['inputs_gen']}"


def write_case(folder: Path, toml: str, **tables: str) -> Path:
    """Write a scenario TOML and its CSV tables into ``folder``; returns the TOML path."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    path = folder / "scenario.toml"
    path.write_text(textwrap.dedent(toml).lstrip(), encoding="utf-8")
    return path


@pytest.fixture
def case(tmp_path):
    def make(toml: str, **tables: str) -> Path:
        return write_case(tmp_path, toml, **tables)

    return make


# One tier, CT only, one plan year; regions and stock come from each test.
ONE_TIER_CT = """
name = "hand"
[regions]
table = "regions.csv"
stock = "stock.csv"
{extra_regions}
[years]
base_year = 2025
first_plan_year = 2026
last_plan_year = {last_year}
population_year = 2026
population_growth_pct_per_year = 0.0

[modalities.CT]
price_wan_cny = 100
running_cost_wan_cny_per_year = {opex}
capacity_exams_per_unit_per_year = 10000
service_life_years = {life}
exam_rate_per_1000_per_year = 50
target_per_million = 0

[tiers.hospital]
rank = 1

[eligibility]
hospital = {{ CT = 100 }}

[referral]
CT = {{ hospital = 1.0 }}

[budget]
total_wan_cny = {budget}
include_running_cost = {running}

[staffing]
enabled = false

[weights]
unmet_wan_cny_per_thousand_exams = 10
cost_weight = {cost_weight}

[solver]
time_limit_s = 30
mip_rel_gap = 0.0
"""


def one_tier_ct(budget=300, last_year=2026, life=10, opex=0, running="false", cost_weight=0.0,
                extra_regions="") -> str:
    return ONE_TIER_CT.format(budget=budget, last_year=last_year, life=life, opex=opex, running=running,
                              cost_weight=cost_weight, extra_regions=extra_regions)


def regions_layer(deck: dict) -> dict:
    """The plan's regions in a deck's JSON (widgets.deck gives it id 'regions'; a national map draws the
    China context layers under it)."""
    return next(ly for ly in deck["layers"] if ly.get("id") == "regions")


# The browser tests' `planner app` servers, one of each configuration per run (session-scoped; started only
# when a test asks for one). Registered here so tests/test_e2e_browser.py and tests/test_e2e_switch.py share them.
from tests.app_servers import app_url, small_app_url, two_scenarios_url  # noqa: E402, F401
