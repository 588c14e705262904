"""The rest of the library's input errors are message codes (issue 26, item 2): planner.data.travel, the studies
(planner.studies.frontier / alternatives), Planner.set_targets, planner.distributed.batch, planner.io.export,
planner.location and planner.reporting.report.

Each English reads byte for byte as the f-string it replaced (the old text is written out below), and the Chinese,
said from the error's codes, holds no English word and keeps every number and quoted name. Then the library and
the CLI raise them: the English as before, the Chinese with --lang zh.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from planner.errors import InputError
from planner.messages import msg
from planner.paths import DEFAULT_SCENARIO
from planner.studies import cannot_solve
from tests.test_chinese_messages import check


def check_coded(error: InputError) -> str:
    """The error is made of codes and its Chinese (error.render("zh"), as the app says it) passes check(). Where the
    error names a command or function rather than a file ('frontier', 'p_median()', a temporary folder), that name
    is what the planner typed and stays as it is: it is set aside as 'source.csv' before checking."""
    assert error.coded, (str(error), error.problem, error.fix)
    english, chinese = str(error), error.render("zh")
    assert english.startswith(error.file) and chinese.startswith(error.file), (english, chinese)
    return check("source.csv" + english[len(error.file):], "source.csv" + chinese[len(error.file):])


E = InputError
# the English of each message as the f-strings wrote it before, then the message as the library now makes it
MESSAGES = [
    # planner.data.travel
    ("travel.csv: missing column(s) from_code, minutes. Fix: give columns from_code, to_code and minutes",
     E("travel.csv", msg("travel.missing_columns", columns="from_code, minutes"),
       fix=msg("travel.fix_give_columns", start="from_code", end="to_code", value="minutes"))),
    ("travel.csv, row 3, column 'minutes': travel costs must be numbers >= 0 (value: -5). Fix: correct or remove "
     "the row", E("travel.csv", msg("travel.negative_cost"), row=3, column="minutes", value=-5.0,
                  fix=msg("travel.fix_correct_row"))),
    # planner.studies.frontier / alternatives
    ("frontier: unknown equity measure 'equal'. Fix: use 'shortfall' or 'travel'",
     E("frontier", msg("study.unknown_measure", measure="equal"), fix=msg("study.fix_measure"))),
    # the pre-solve errors inside: checks.* codes here (planner.checks.errors are still English strings on this
    # branch; a string is passed on as it is, see test_the_pre_solve_errors_are_joined_by_spaces...)
    ("frontier: the scenario cannot be solved as it stands: MRI is not allowed at any tier (eligibility): no MRI "
     "can be bought. Fix: fix the scenario (planner check) first",
     E("frontier", cannot_solve([msg("checks.not_allowed", mod="MRI")]), fix=msg("study.fix_check_first"))),
    ("alternatives: the scenario cannot be solved as it stands: CT is not allowed at any tier (eligibility): no CT "
     "can be bought the budget 10 万元 is below the price of the cheapest unit (450 万元): nothing can be bought. "
     "Fix: fix the scenario (planner check) first",
     E("alternatives", cannot_solve([msg("checks.not_allowed", mod="CT"),
                                     msg("checks.budget_below_price", budget=10.0, price=450.0)]),
       fix=msg("study.fix_check_first"))),
    ("frontier: no shortfall measure in this scenario. Fix: set a per-million target (shortfall) or "
     "access.exam_types (travel)", E("frontier", msg("study.no_measure", measure=msg("study.measure_shortfall")),
                                     fix=msg("study.fix_no_measure"))),
    ("frontier: no travel measure in this scenario. Fix: set a per-million target (shortfall) or "
     "access.exam_types (travel)", E("frontier", msg("study.no_measure", measure=msg("study.measure_travel")),
                                     fix=msg("study.fix_no_measure"))),
    ("alternatives: k = 0, within = 5.0 %. Fix: ask for 1 or more alternatives within a percentage above 0 and at "
     "most 100", E("alternatives", msg("study.bad_alternatives", k=0, within=5.0), fix=msg("study.fix_alternatives"))),
    ("alternatives: no best plan to start from (infeasible): budget must be a number >= 0. Fix: give HiGHS more time or "
     "fix the scenario",
     E("alternatives", msg("study.no_best_plan", status="infeasible", message=msg("locate.bad_budget")),
       fix=msg("study.fix_more_time"))),
    # planner.api
    ("set_targets: unknown modality 'PET'. Fix: use one of ['CT', 'MRI']",
     E("set_targets", msg("api.unknown_modality", name="PET"), fix=msg("api.fix_use_one_of", modalities=["CT", "MRI"]))),
    # planner.distributed.batch
    ("--vary: '1e6:5e6:x' is not LO:HI:N with numbers. Fix: e.g. 1000000:5000000:9",
     E("--vary", msg("batch.not_range", spec="1e6:5e6:x"), fix=msg("batch.fix_range_example"))),
    ("--vary: '1:5:0': N must be at least 1. Fix: e.g. 1000000:5000000:9",
     E("--vary", msg("batch.n_below_one", spec="1:5:0"), fix=msg("batch.fix_range_example"))),
    ("--vary: 'budget' is not key=LO:HI:N or key=v1,v2. Fix: e.g. --vary budget.total_wan_cny=1e6:5e6:5",
     E("--vary", msg("batch.vary_not_key", vary="budget"), fix=msg("batch.fix_vary_example"))),
    ("runs/: no scenario .toml files found. Fix: give files or a folder of them",
     E("runs/", msg("batch.no_scenarios"), fix=msg("batch.fix_give_files"))),
    ("out/: already holds 3 finished cases. Fix: add --resume to continue that run, or choose another --out folder",
     E("out/", msg("batch.already_done", n=3), fix=msg("batch.fix_resume"))),
    # planner.io.export
    ("model.txt: cannot tell the model file format from the suffix '.txt'. Fix: end the file name in .mps (MPS, "
     "read by every MIP solver) or .lp (CPLEX LP format)",
     E("model.txt", msg("export.unknown_format", said=msg("export.the_suffix", suffix=".txt")),
       fix=msg("export.fix_format"))),
    ("model: cannot tell the model file format from a name without a suffix. Fix: end the file name in .mps (MPS, "
     "read by every MIP solver) or .lp (CPLEX LP format)",
     E("model", msg("export.unknown_format", said=msg("export.no_suffix")), fix=msg("export.fix_format"))),
    ("--writer: unknown writer 'gurobi'. Fix: use one of highs, pyomo",
     E("--writer", msg("export.unknown_writer", writer="gurobi"), fix=msg("export.fix_writer", writers="highs, pyomo"))),
    ("out.mps: is a folder. Fix: give a file name ending in .mps or .lp",
     E("out.mps", msg("export.is_folder"), fix=msg("export.fix_file_name"))),
    ("baseline.lp: is the scenario's own file: exporting would overwrite it. Fix: give another file name ending in "
     ".mps or .lp", E("baseline.lp", msg("export.own_file"), fix=msg("export.fix_other_name"))),
    # planner.location
    ("p_median(), column 'cost': cost must be a 2-D (demand x candidate) matrix, got shape (3,). Fix: pass one row "
     "per demand point and one column per candidate site",
     E("p_median()", msg("locate.cost_shape", shape=(3,)), column="cost", fix=msg("locate.fix_cost_shape"))),
    ("p_median(), column 'cost': cost must be numeric. Fix: use np.inf for unreachable pairs",
     E("p_median()", msg("locate.cost_not_numeric"), column="cost", fix=msg("locate.fix_inf"))),
    ("p_median(), row 1, column 'cost': cost from demand 'b' to site 'x' is missing or negative (value: -1). Fix: "
     "give a cost >= 0, or np.inf when the site cannot serve that demand point",
     E("p_median()", msg("locate.cost_bad", demand="b", site="x"), row=1, column="cost", value=-1.0,
       fix=msg("locate.fix_cost_bad"))),
    ("p_median(), column 'weights': weights has 2 values but cost has 3 demand rows. Fix: give one weight per row "
     "of cost", E("p_median()", msg("locate.weights_size", size=2, n=3), column="weights",
                  fix=msg("locate.fix_weights_size"))),
    ("p_median(), row 0, column 'weights': weight of demand 'a' is not a number >= 0 (value: -2). Fix: give "
     "weights >= 0", E("p_median()", msg("locate.weight_bad", demand="a"), row=0, column="weights", value=-2.0,
                       fix=msg("locate.fix_weights"))),
    ("p_median(), column 'existing': existing must be candidate positions 0..1 (value: 5). Fix: give column "
     "positions of cost, not labels", E("p_median()", msg("locate.not_positions", name="existing", last=1),
                                        column="existing", value=5.0, fix=msg("locate.fix_positions"))),
    ("max_cover(), column 'site_cost': site_cost must hold 2 numbers >= 0, one per candidate site. Fix: pass an "
     "array of length 2", E("max_cover()", msg("locate.per_site", name="site_cost", m=2), column="site_cost",
                            fix=msg("locate.fix_per_site", m=2))),
    ("p_median(), column 'p': p (new sites) must be a whole number from 0 to 2, the candidates not already open "
     "(value: 3). Fix: lower p or add candidate sites",
     E("p_median()", msg("locate.bad_p", free=2), column="p", value=3, fix=msg("locate.fix_bad_p"))),
    ("p_median(), column 'p': no site would be open (value: 0). Fix: give p >= 1 or some existing sites",
     E("p_median()", msg("locate.none_open"), column="p", value=0, fix=msg("locate.fix_none_open"))),
    ("set_cover(), row 2, column 'cost': 1 demand point(s) have no candidate site within limit 30: 'c'. Fix: add a "
     "candidate site that can reach them, or drop them from the demand",
     E("set_cover()", msg("locate.unreachable", n=1, what=msg("locate.within_limit", limit=30.0), names="'c'"),
       row=2, column="cost", fix=msg("locate.fix_unreachable"))),
    ("p_center(), row 0, column 'cost': 6 demand point(s) have no candidate site at finite cost: 0, 1, 2, 3, 4 .... "
     "Fix: add a candidate site that can reach them, or drop them from the demand",
     E("p_center()", msg("locate.unreachable", n=6, what=msg("locate.at_finite_cost"), names="0, 1, 2, 3, 4 ..."),
       row=0, column="cost", fix=msg("locate.fix_unreachable"))),
    ("set_cover(), column 'limit': limit must be a number >= 0 in the units of cost (value: -1)",
     E("set_cover()", msg("locate.bad_limit"), column="limit", value=-1)),
    ("max_cover(), column 'p': give exactly one of p (number of new sites) or budget. Fix: pass p=... or budget=... "
     "(with site_cost)", E("max_cover()", msg("locate.p_or_budget"), column="p", fix=msg("locate.fix_p_or_budget"))),
    ("max_cover(), column 'budget': budget must be a number >= 0 (value: -3)",
     E("max_cover()", msg("locate.bad_budget"), column="budget", value=-3.0)),
    ("p_median(), column 'capacity': the 2 largest capacities cannot hold the total weight 12.5. Fix: raise "
     "capacities or p", E("p_median()", msg("locate.capacity_short", n=2, total=12.5), column="capacity",
                          fix=msg("locate.fix_capacity"))),
    ("scenario.toml: unknown exam type 'PET'. Fix: use one of ['CT', 'MRI']",
     E("scenario.toml", msg("locate.unknown_exam_type", exam_type="PET"),
       fix=msg("locate.fix_exam_type", exam_types=["CT", "MRI"]))),
    ("regions.csv: missing column 'population'. Fix: give columns code, population (and centroid_lon, centroid_lat "
     "unless a travel table is given)",
     E("regions.csv", msg("locate.missing_column", column="population"), fix=msg("locate.fix_region_columns"))),
    ("regions.csv, row 4, column 'population': population must be a number >= 0 (value: 'many'). Fix: correct "
     "the cell", E("regions.csv", msg("locate.bad_population"), row=4, column="population", value="many",
                   fix=msg("locate.fix_correct_cell"))),
    ("regions.csv: no travel table and no centroid_lon, centroid_lat columns. Fix: give a travel table (--travel) "
     "or the regions' centroids in degrees",
     E("regions.csv", msg("locate.no_travel"), fix=msg("locate.fix_no_travel"))),
    ("locate: unknown model 'p-mediann'. Fix: use one of p-median, max-cover, set-cover, p-center",
     E("locate", msg("locate.unknown_model", model="p-mediann"),
       fix=msg("locate.fix_model", models="p-median, max-cover, set-cover, p-center"))),
    ("locate: p-median needs the number of new sites. Fix: give --p N",
     E("locate", msg("locate.needs_p", model="p-median"), fix=msg("locate.fix_needs_p"))),
    ("locate: set-cover needs a travel limit. Fix: give --limit MINUTES",
     E("locate", msg("locate.needs_limit", model="set-cover"), fix=msg("locate.fix_needs_limit"))),
    # planner.reporting.report
    ("runs/: results folder not found. Fix: give the --out folder of a finished `planner sweep` or `planner batch` "
     "run", E("runs/", msg("report.no_folder"), fix=msg("report.fix_finished_run"))),
    ("runs/results.csv: results.csv is missing, so there is nothing to report. Fix: give the --out folder of a "
     "`planner sweep` or `planner batch` run, or finish the run with `--resume`",
     E("runs/results.csv", msg("report.no_results_csv"), fix=msg("report.fix_finish_run"))),
    ("runs/results.csv: results.csv has no cases. Fix: re-run the sweep (or `--resume` it) until at least one case "
     "has finished", E("runs/results.csv", msg("report.no_cases"), fix=msg("report.fix_rerun"))),
    ("runs/results.csv: column 'status' is missing: this is not a planner results file. Fix: give the --out folder "
     "of a `planner sweep` or `planner batch` run",
     E("runs/results.csv", msg("report.not_results", column="status"), fix=msg("report.fix_out_folder"))),
    ("runs/results.csv, column 'case_id': map case '999' is not a case of this run. Fix: choose from 1234, 5678",
     E("runs/results.csv", msg("report.case_unknown", case="999"), column="case_id",
       fix=msg("report.fix_choose_from", ids="1234, 5678"))),
    ("runs/results.csv, column 'case_id': map case '12' matches several cases. Fix: choose from 1234, 1278",
     E("runs/results.csv", msg("report.case_ambiguous", case="12"), column="case_id",
       fix=msg("report.fix_choose_from", ids="1234, 1278"))),
    ("runs/results.csv, column 'case_id': map case '1234' failed, so it has no plan to map. Fix: choose a case "
     "whose status is not 'failed'", E("runs/results.csv", msg("report.case_failed", case="1234"), column="case_id",
                                       fix=msg("report.fix_not_failed"))),
    ("runs/cases/1234/regions.csv, column 'modality': no modality 'PET' in the plan. Fix: choose one of CT, MRI",
     E("runs/cases/1234/regions.csv", msg("report.no_modality", modality="PET"), column="modality",
       fix=msg("report.fix_choose_modality", modalities="CT, MRI"))),
    ("map_cases: 7 cases given, at most 6 maps fit on one figure. Fix: choose at most 6 case ids",
     E("map_cases", msg("report.too_many_maps", n=7, most=6), fix=msg("report.fix_fewer_maps", most=6))),
    ("--lang: unknown report language 'fr'. Fix: use en (English) or zh (中文)",
     E("--lang", msg("report.unknown_language", given="fr"), fix=msg("report.fix_language"))),
]


@pytest.mark.parametrize("english, error", MESSAGES, ids=[en[:70] for en, _ in MESSAGES])
def test_messages_read_as_before_and_are_chinese(english, error):
    assert str(error) == english
    check_coded(error)


def test_every_new_code_is_tested():
    """Each code of the sections this file covers is in MESSAGES (a code added later needs its case here)."""
    from planner.messages import catalog

    def codes(m):
        yield m.code
        for v in m.params.values():
            if hasattr(v, "code"):
                yield from codes(v)

    used = {c for _, e in MESSAGES for part in (e.problem, e.fix) if part for c in codes(part)}
    ours = {c for c in catalog("en") if c.split(".")[0] in ("travel", "study", "api", "batch", "export", "locate",
                                                           "report")}
    assert ours - used == set()


def test_the_pre_solve_errors_are_joined_by_spaces_each_in_the_language_of_the_whole():
    errs = [msg("locate.bad_budget"), "an English sentence.", msg("locate.none_open")]
    said = cannot_solve(errs)
    assert str(said) == ("the scenario cannot be solved as it stands: budget must be a number >= 0 an English "
                         "sentence. no site would be open")
    assert said.render("zh") == "情景按现状无法求解: `budget` 必须是 >= 0 的数字 an English sentence. 没有任何站点开设"
    assert str(cannot_solve(["only one."])) == "the scenario cannot be solved as it stands: only one."


# ------------------------------------------------------------------------------ raised by the library itself
def raised(call, *args, **kw) -> InputError:
    with pytest.raises(InputError) as exc:
        call(*args, **kw)
    return exc.value


def test_location_models_raise_codes():
    from planner.location import models as loc

    cost = pd.DataFrame([[1.0, 5.0], [2.0, -1.0], [np.inf, np.inf]], index=list("abc"), columns=list("xy"))
    e = raised(loc.p_median, cost, None, 1)
    assert str(e) == ("p_median(), row 1, column 'cost': cost from demand 'b' to site 'y' is missing or negative "
                      "(value: -1). Fix: give a cost >= 0, or np.inf when the site cannot serve that demand point")
    check_coded(e)
    cost.iloc[1, 1] = 3.0
    e = raised(loc.p_median, cost, None, 1)
    assert str(e) == ("p_median(), row 2, column 'cost': 1 demand point(s) have no candidate site at finite cost: "
                      "'c'. Fix: add a candidate site that can reach them, or drop them from the demand")
    check_coded(e)
    e = raised(loc.set_cover, cost.iloc[:2], 1.5)
    assert str(e) == ("set_cover(), row 1, column 'cost': 1 demand point(s) have no candidate site within limit 1.5: "
                      "'b'. Fix: add a candidate site that can reach them, or drop them from the demand")
    assert "在上限 1.5 以内没有候选点" in check_coded(e)
    e = raised(loc.max_cover, cost.iloc[:2], None, 10.0)
    assert e.code == "locate.p_or_budget"
    e = raised(loc.p_median, cost.iloc[:2], [1.0, 1.0], 5)
    assert str(e).startswith("p_median(), column 'p': p (new sites) must be a whole number from 0 to 2, the "
                             "candidates not already open (value: 5)")
    e = raised(loc.p_median, cost.iloc[:2], [10.0, 10.0], 1, capacity=[5.0, 5.0])
    assert str(e) == ("p_median(), column 'capacity': the 1 largest capacities cannot hold the total weight 20. "
                      "Fix: raise capacities or p")
    check_coded(e)


def test_the_location_front_end_raises_codes(tmp_path):
    from planner.location.regions import LocationInstance, from_table, solve

    table = tmp_path / "regions.csv"
    table.write_text("code,people\n1,5\n", encoding="utf-8")
    e = raised(from_table, table)
    assert str(e) == (f"{table}: missing column 'population'. Fix: give columns code, population (and centroid_lon, "
                      "centroid_lat unless a travel table is given)")
    table.write_text("code,population\n1,5\n2,-1\n", encoding="utf-8")
    e = raised(from_table, table)
    assert e.row == 3 and e.code == "locate.bad_population"
    inst = LocationInstance(cost=pd.DataFrame([[1.0]]), weights=np.ones(1), existing=[], source="t")
    e = raised(solve, inst, "p-mediann")
    assert str(e) == "locate: unknown model 'p-mediann'. Fix: use one of p-median, max-cover, set-cover, p-center"
    e = raised(solve, inst, "max-cover", p=1)
    assert str(e) == "locate: max-cover needs a travel limit. Fix: give --limit MINUTES"
    assert check_coded(e).endswith("`max-cover` 需要出行时间上限。修正: 请给出 `--limit MINUTES` (分钟数)")


def test_travel_pairs_raise_codes():
    from planner.data.travel import matrix_from_pairs

    e = raised(matrix_from_pairs, ["1", "2"], pd.DataFrame({"from_code": ["1"], "to_code": ["2"]}))
    assert str(e) == "travel pairs: missing column(s) minutes. Fix: give columns from_code, to_code and minutes"
    check_coded(e)
    e = raised(matrix_from_pairs, ["1", "2"], pd.DataFrame({"from_code": ["1", "2"], "to_code": ["2", "1"],
                                                            "minutes": [3.0, -4.0]}))
    assert e.code == "travel.negative_cost" and e.row == 2 and e.value == -4.0


def test_batch_specs_raise_codes(tmp_path):
    from planner.distributed.batch import files_cases, grid

    e = raised(grid, DEFAULT_SCENARIO, ["budget.total_wan_cny=1:5:x"])
    assert str(e) == "--vary: '1:5:x' is not LO:HI:N with numbers. Fix: e.g. 1000000:5000000:9"
    e = raised(grid, DEFAULT_SCENARIO, ["budget.total_wan_cny"])
    assert str(e) == ("--vary: 'budget.total_wan_cny' is not key=LO:HI:N or key=v1,v2. Fix: e.g. --vary "
                      "budget.total_wan_cny=1e6:5e6:5")
    check_coded(e)
    e = raised(files_cases, [tmp_path])
    assert str(e) == f"{tmp_path}: no scenario .toml files found. Fix: give files or a folder of them"


def test_report_inputs_raise_codes(tmp_path):
    from planner.reporting.report.results import Results
    from planner.reporting.report.style import report_style

    e = raised(Results, tmp_path / "nowhere")
    assert e.code == "report.no_folder"
    e = raised(Results, tmp_path)
    assert str(e) == (f"{tmp_path / 'results.csv'}: results.csv is missing, so there is nothing to report. Fix: give "
                      "the --out folder of a `planner sweep` or `planner batch` run, or finish the run with `--resume`")
    (tmp_path / "results.csv").write_text("case_id,error\n1,\n", encoding="utf-8")
    e = raised(Results, tmp_path)
    assert e.code == "report.not_results" and "column 'status' is missing" in str(e)
    with pytest.raises(InputError) as exc, report_style("fr"):
        pass
    assert str(exc.value) == "--lang: unknown report language 'fr'. Fix: use en (English) or zh (中文)"


def test_studies_and_set_targets_raise_codes():
    from planner import Planner
    from planner.planning.checks import CheckReport
    from planner.studies.alternatives import alternatives
    from planner.studies.frontier import frontier

    planner = Planner.from_file(DEFAULT_SCENARIO)
    e = raised(frontier, planner, "equal")
    assert str(e) == "frontier: unknown equity measure 'equal'. Fix: use 'shortfall' or 'travel'"
    e = raised(alternatives, planner, k=0)
    assert str(e) == ("alternatives: k = 0, within = 5.0 %. Fix: ask for 1 or more alternatives within a percentage "
                      "above 0 and at most 100")
    e = raised(planner.set_targets, {"PET": 1.0})
    assert str(e) == f"set_targets: unknown modality 'PET'. Fix: use one of {planner.inputs.modalities}"
    planner.checks = CheckReport(errors=["first problem.", "second problem"])
    e = raised(frontier, planner, "shortfall")
    assert str(e) == ("frontier: the scenario cannot be solved as it stands: first problem. second problem. Fix: fix "
                      "the scenario (planner check) first")
    assert e.render("zh") == "frontier: 情景按现状无法求解: first problem. second problem。修正: 请先修正情景 (`planner check`)"


# ------------------------------------------------------------------------------ the command line, in Chinese
def test_the_cli_says_an_unknown_frontier_measure_in_chinese():
    from planner.cli import app

    res = CliRunner().invoke(app, ["--lang", "zh", "frontier", str(DEFAULT_SCENARIO), "--measure", "equal"])
    assert res.exit_code == 2
    assert "错误: frontier: 未知的公平性度量 'equal'。修正: 请使用 'shortfall' 或 'travel'" in res.output, res.output
    res = CliRunner().invoke(app, ["--lang", "en", "frontier", str(DEFAULT_SCENARIO), "--measure", "equal"])
    assert "frontier: unknown equity measure 'equal'. Fix: use 'shortfall' or 'travel'" in res.output, res.output


def test_the_cli_says_an_export_to_a_folder_in_chinese(tmp_path):
    from planner.cli import app

    folder = tmp_path / "model.mps"
    folder.mkdir()
    res = CliRunner().invoke(app, ["--lang", "zh", "export", str(DEFAULT_SCENARIO), str(folder)])
    assert res.exit_code == 2
    assert f"错误: {folder}: 是一个文件夹。修正: 请给出以 `.mps` 或 `.lp` 结尾的文件名" in res.output, res.output
    res = CliRunner().invoke(app, ["--lang", "zh", "export", str(DEFAULT_SCENARIO), str(tmp_path / "model.txt")])
    assert res.exit_code == 2
    assert "无法从后缀 '.txt'判断模型文件格式" in res.output and "cannot tell" not in res.output, res.output
