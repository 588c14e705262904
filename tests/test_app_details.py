"""Smaller things a planner noticed (issue 25, part 4), each asserted on the helper that decides it."""

from __future__ import annotations

import pytest
import streamlit as st


def quick_summary(how: str) -> dict:
    """A quick plan's summary as planner.io.output writes it: the English status and its message's data."""
    from planner.messages import as_data, msg

    n = int(how.split(" ")[0].replace(",", ""))
    words = msg("status.quick", how=msg("status.quick_added" if "added" in how else "status.quick_dropped", n=n),
                gap=msg("status.gap_of", gap=0.07), against=msg("status.against_bound"))
    assert str(words) == (f"first plan, made at once from the previous plan ({how}), not yet optimised for the new "
                          "budget (gap 7.00% of the objective, against the previous proven bound)")
    return {"status": "quick", "objective": 225755.0, "bound": 210000.0, "gap": 0.07, "changeable_gap": None,
            "status_message": str(words), "status_message_data": as_data(words)}


def test_the_chinese_quick_plan_status_carries_the_count_the_english_gives(monkeypatch):
    from planner_app import widgets

    monkeypatch.setattr(st, "session_state", {"lang": "zh"})
    dropped = widgets.status_text(quick_summary("223 purchase(s) dropped to fit the smaller budget"))
    added = widgets.status_text(quick_summary("1,204 unit(s) added with the larger budget"))
    assert "删去 223 项购置" in dropped and "增购或删减" not in dropped, dropped
    assert "新增 1,204 台设备" in added, added
    monkeypatch.setattr(st, "session_state", {"lang": "en"})
    assert "223 purchase(s) dropped" in widgets.status_text(quick_summary("223 purchase(s) dropped to fit the "
                                                                          "smaller budget"))


def test_gini_cards_and_the_equity_table_show_the_same_rounded_figures(monkeypatch):
    import numpy as np
    import pandas as pd

    from planner_app import equity_view

    monkeypatch.setattr(st, "session_state", {"lang": "en"})
    rng = np.random.default_rng(25)
    values = [0.0645, 0.06449999999999, 0.0645000000001, 0.1235, 0.0125, *rng.uniform(0, 0.5, 40)]
    for before, after in zip(values, values[1:]):
        eq = pd.DataFrame({"modality": ["CT", "CT"], "when": ["before", "after"], "gini": [before, after],
                           "theil": [before / 2, after / 2], "min_per_million": [1.0, 2.0],
                           "target_per_million": [20.0, 20.0], "largest_shortfall_per_million": [5.0, 4.0]})
        row = equity_view.equity_frame(eq, ["CT"]).iloc[0]
        cells = [row["Gini before"], row["Gini after"], row["Theil before"], row["Theil after"]]
        # the table holds the figures already at 3 decimals: the browser has nothing left to round
        assert all(c == round(c, 3) for c in cells), cells
        shown, delta = equity_view.gini_card(eq, "CT")
        assert shown == f"{row['Gini before']:.3f} → {row['Gini after']:.3f}", (shown, cells)
        change = round(row["Gini after"] - row["Gini before"], 3)
        assert delta == (f"{change:+.3f}" if change else None)


def test_tier_tables_list_tiers_in_one_order_by_rank(tmp_path, monkeypatch):
    """The small scenario's [eligibility] lists tertiary first, its [tiers] grassroots first: the editors show
    both (and the referral table's columns) by rank."""
    from tests.conftest import started_app

    at = started_app(tmp_path, monkeypatch)
    frames = [d.value for d in at.dataframe]
    tiers = next(f for f in frames if "unmet-demand weight" in f.columns)
    elig = next(f for f in frames if "CT" in f.columns and "MOBILE_DR" in f.columns and "grassroots" not in f.columns)
    ref = next(f for f in frames if "grassroots" in f.columns and "tertiary" in f.columns)
    ranked = ["grassroots", "secondary", "tertiary"]
    assert list(tiers.index) == ranked and list(elig.index) == ranked, (tiers.index, elig.index)
    assert [c for c in ref.columns if c in ranked] == ranked


def density_regions():
    import pandas as pd

    rows = []
    for code, pop in (("A", 1_000_000), ("B", 3_000_000)):
        for mod, before, after, target in (("CT", 20, 30, 25.0), ("DR", 40, 60, 50.0), ("MOBILE_DR", 0, 2, 0.0),
                                           ("MOBILE_CT", 1, 1, 3.0)):
            rows.append({"region_code": code, "modality": mod, "year": 2030, "population": pop,
                         "units_before": before, "units_after": after, "target_per_million": target})
    return pd.DataFrame(rows)


def test_the_density_chart_leaves_out_mobile_modalities_without_a_target(monkeypatch):
    import pandas as pd

    from planner_app import labels, widgets

    for lang in ("en", "zh"):
        monkeypatch.setattr(st, "session_state", {"lang": lang})
        chart = widgets.density_chart(density_regions(), 2030, mobile=["MOBILE_CT", "MOBILE_DR"])
        # a mobile modality with a target of its own keeps its bars; mobile DR (no target) has none
        shown = {labels.modality(m) for m in ("CT", "DR", "MOBILE_CT")}
        assert set(chart.data["modality"]) == shown, set(chart.data["modality"])


@pytest.mark.parametrize("lang, names", [("en", {"CT", "DR", "mobile CT", "mobile DR"}),
                                         ("zh", {"CT", "DR", "移动CT", "移动DR"})])
def test_charts_name_modalities_by_their_screen_names_in_both_languages(lang, names, monkeypatch):
    """The English density chart's x axis showed MOBILE_CT (中文 relabelled it); so did the units chart's."""
    import pandas as pd

    from planner_app import widgets

    monkeypatch.setattr(st, "session_state", {"lang": lang})
    density = widgets.density_chart(density_regions(), 2030)   # no mobile modality left out: all four drawn
    plan = pd.DataFrame({"modality": ["CT", "MOBILE_CT", "MOBILE_DR", "DR"], "tier": ["grassroots"] * 4,
                         "new_units": [1, 2, 3, 4]})
    units = widgets.units_chart(plan)
    for chart in (density, units):
        assert set(chart.data["modality"]) == names, set(chart.data["modality"])


def test_a_map_draws_only_the_mobile_arcs_of_units_that_serve_its_modality():
    import pandas as pd

    from planner_app import widgets

    mobile = pd.DataFrame({"base_code": ["A", "A", "B", "B"], "target_code": ["C", "D", "C", "C"],
                           "modality": ["MOBILE_DR", "MOBILE_CT", "MOBILE_DR", "MOBILE_DR"],
                           "year": [2030, 2030, 2030, 2029], "exams_k": [1.0, 2.0, 3.0, 4.0]})
    serves = {"MOBILE_CT": "CT", "MOBILE_DR": "DR"}
    arcs = {m: widgets.mobile_arcs(mobile, serves, m, 2030) for m in ("CT", "MRI", "DR", "MOBILE_DR")}
    assert list(arcs["CT"]["modality"]) == ["MOBILE_CT"]
    assert arcs["MRI"].empty   # no mobile MRI: no lines on the MRI map
    assert list(arcs["DR"]["exams_k"]) == [1.0, 3.0] and list(arcs["MOBILE_DR"]["exams_k"]) == [1.0, 3.0]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_uploads_name_their_own_files_keep_the_earlier_scenario_named_and_say_what_they_replace(lang, tmp_path,
                                                                                                monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import APP, REPO, SMALL_MODELS

    words = {"en": ("tiny.toml loaded", "The page still shows the earlier scenario, tiny.toml (uploaded).",
                    "tiny.toml loaded: it replaced the earlier tiny.toml"),
             "zh": ("已载入 tiny.toml", "页面仍显示之前的情景: tiny.toml (已上传)。",
                    "已载入 tiny.toml: 替换了之前上传的同名文件 tiny.toml")}[lang]
    tiny = REPO / "tests" / "data" / "tiny"
    tables = [(n, (tiny / n).read_bytes(), "text/csv") for n in ("regions.csv", "stock.csv")]
    toml = (tiny / "tiny.toml").read_bytes()
    monkeypatch.setenv("PLANNER_RUNS", str(tmp_path / "runs.sqlite"))
    monkeypatch.setenv("PLANNER_MODELS", SMALL_MODELS)
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"] = lang

    def load(files) -> None:
        at.file_uploader(key="upload_files").set_value(files).run()
        at.button(key="load_upload").click().run()
        assert not at.exception, [e.value for e in at.exception]

    at.run()
    load([("tiny.toml", toml, "text/plain"), *tables])
    assert words[0] in [s.value for s in at.success]
    load([("other.toml", b"name = [\n", "text/plain")])   # broken: not valid TOML
    error = next(e.value for e in at.error if "other.toml" in e.value)
    # the uploaded file's own name, never the folder the app saved it in; and which scenario is still shown
    assert "planner-upload-" not in error and "/tmp" not in error and error.startswith("other.toml"), error
    assert words[1] in error, error
    assert any("tiny.toml" in c.value for c in at.caption)
    load([("tiny.toml", toml.replace(b'name = "tiny"', b'name = "tiny2"'), "text/plain"), *tables])
    assert words[2] in [s.value for s in at.success], [s.value for s in at.success]
    assert at.session_state["loaded"].scenario.name == "tiny2"


def test_no_stop_button_is_left_once_the_solve_has_finished(tmp_path, monkeypatch):
    from tests.conftest import started_app

    at = started_app(tmp_path, monkeypatch)
    at.button(key="solve_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value.startswith("Solver status: optimal") for s in at.success)
    assert "stop_solve" not in [b.key for b in at.button], [b.key for b in at.button]


def test_sichuans_six_eligibility_warnings_fold_into_one_line_that_says_what_to_do(monkeypatch):
    from planner.api import Planner, load_scenario
    from planner_app import plan_page
    from tests.conftest import REPO

    warnings = Planner(load_scenario(REPO / "models" / "sichuan.toml")).checks.warnings
    assert len(warnings) == 6
    other = "mobile units are based at a facility of an eligible tier, but the scenario has no facilities table, " \
            "so any region may base them: add regions.facilities to apply the rule"
    for lang, words in (("en", ("6 modality × tier pairs", "in 15–49 regions each", "raise the limits")),
                        ("zh", ("6 个设备类型 × 层级组合", "每项涉及 15–49 个地区", "提高上限"))):
        monkeypatch.setattr(st, "session_state", {"lang": lang})
        folded = plan_page.folded_warnings([*warnings, other])
        assert len(folded) == 2, folded   # one line for the six, the other warning as it is
        (line, details), (single, none) = sorted(folded, key=lambda f: -len(f[1]))
        assert all(w in line for w in words), line
        assert len(details) == 6 and none == [] and "regions.facilities" in single
        assert "15" in details[0] and any("49" in d for d in details)   # each with its own count
    # a lone warning of the kind stays as it is
    monkeypatch.setattr(st, "session_state", {"lang": "en"})
    assert plan_page.folded_warnings(warnings[:1]) == [(plan_page.screen_words(plan_page.say(warnings[0])), [])]


def test_planner_app_hides_the_deploy_button_and_keeps_uploads_at_50_mb():
    """Issue 25, part 4: Streamlit's toolbar (Deploy, Rerun, Clear cache: English a planner does not need) is
    off unless the planner's command line or Streamlit's environment variable says otherwise."""
    from planner import session
    from planner.cli import app_args

    args = app_args(["--server.port", "8600"], {})
    assert args[:2] == ["--server.port", "8600"]
    opts = dict(zip(args[::2], args[1::2]))
    assert opts["--client.toolbarMode"] == "minimal"
    assert int(opts["--server.maxUploadSize"]) * 2**20 == session.MAX_UPLOAD_BYTES
    kept = app_args(["--client.toolbarMode=viewer"], {"STREAMLIT_SERVER_MAX_UPLOAD_SIZE": "10"})
    assert not any(a.startswith("--client.toolbarMode") for a in kept[1:])
    assert "--server.maxUploadSize" not in kept   # Streamlit's own variable wins over the default


@pytest.mark.parametrize("lang, words", [("en", "at most 50 MB a file"), ("zh", "每个文件不超过 50 MB")])
def test_the_uploaders_say_in_the_planners_words_how_to_upload_and_the_limit(lang, words, tmp_path, monkeypatch):
    from tests.conftest import started_app

    at = started_app(tmp_path, monkeypatch)
    at.radio(key="lang").set_value(lang).run()
    captions = [c.value for c in at.caption if words in c.value]
    assert len(captions) == 2, [c.value for c in at.caption]   # the scenario upload and the table upload
