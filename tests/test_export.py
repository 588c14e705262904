"""`planner export`: the MPS and LP files hold the model `planner solve` optimises, from either writer."""

from __future__ import annotations

import shutil

import highspy
import pytest
from typer.testing import CliRunner

from planner import Planner
from planner.cli import app
from planner.io.export import export_model, names
from planner.solver import compat
from tests.conftest import REPO as REPO_ROOT

runner = CliRunner()
TINY = str(REPO_ROOT / "tests" / "data" / "tiny" / "tiny.toml")
ACCESS = str(REPO_ROOT / "tests" / "data" / "access" / "access.toml")
# Access with hosts only in A and B: travel every region has whatever opens makes an objective constant
# (45), so the tests see whether each writer keeps it.
CASES = {"tiny": (TINY, []), "access-offset": (ACCESS, ["regions.facilities='facilities_ab.csv'"])}


def read_back(path) -> tuple[highspy.Highs, list[str], list[str]]:
    """A fresh HiGHS that has read the file and solved it to optimality; its column and row names."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    assert h.readModel(str(path)) != highspy.HighsStatus.kError
    h.setOptionValue("mip_rel_gap", 0.0)
    h.run()
    # this run started the thread's HiGHS scheduler with HiGHS's default thread count: restart it, so the
    # planner's next solve in this thread may choose its own (see planner.solver.compat.prepare_threads)
    highspy.Highs.resetGlobalScheduler(True)
    compat.forget_scheduler()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    lp = h.getLp()
    return h, list(lp.col_names_), list(lp.row_names_)


def counts(h: highspy.Highs) -> dict[str, int]:
    lp = h.getLp()
    return {"rows": h.getNumRow(), "columns": h.getNumCol(), "nonzeros": h.getNumNz(),
            "integer_columns": sum(t == highspy.HighsVarType.kInteger for t in lp.integrality_)}


@pytest.fixture(scope="module", params=sorted(CASES))
def planned(request):
    path, overrides = CASES[request.param]
    p = Planner.from_file(path, overrides)
    return p, p.build()


@pytest.mark.parametrize("suffix", [".mps", ".lp"])
def test_both_writers_give_the_same_model(planned, suffix, tmp_path):
    _, pm = planned
    nonempty_rows = len(set(pm.matrix()[0].nonzero()[0]))
    objectives = {}
    for writer in ("highs", "pyomo"):
        done = export_model(pm, tmp_path / f"{writer}{suffix}", writer)
        assert done.size == pm.size and done.offset == pm.objective_offset
        h, col_names, row_names = read_back(done.path)
        got = counts(h)
        if writer == "highs":
            # HiGHS writes exactly the matrices the planner solves, named family(i) and block(i) (an LP
            # file is read back with its columns in order of first appearance, from the objective on)
            assert got == pm.size
            cols, rows = names(pm)
            assert row_names == rows and sorted(col_names) == sorted(cols)
            assert col_names == cols or suffix == ".lp"
        else:
            # Pyomo writes the objective's constant as a column ONE_VAR_CONSTANT fixed at 1 (in an MPS file
            # also held by a row c_e_ONE_VAR_CONSTANT), and may leave out a row without any column (it
            # cannot bind). Without those, the model's columns, integers and nonempty rows are all there.
            extra_cols = sum(n == "ONE_VAR_CONSTANT" for n in col_names)
            extra_rows = sum("ONE_VAR_CONSTANT" in n for n in row_names)
            assert extra_cols == (pm.objective_offset != 0)
            assert got["columns"] - extra_cols == pm.size["columns"]
            assert got["integer_columns"] == pm.size["integer_columns"]
            assert nonempty_rows <= got["rows"] - extra_rows <= pm.size["rows"]
        # the objective HiGHS reports includes the constant read from the file
        objectives[writer] = h.getInfo().objective_function_value
    assert objectives["pyomo"] == pytest.approx(objectives["highs"], rel=1e-6)
    if pm.objective_offset:
        assert objectives["highs"] >= pm.objective_offset  # the constant was not lost on the way


def test_the_exported_optimum_is_planner_solves(planned, tmp_path):
    p, pm = planned
    done = export_model(pm, tmp_path / "model.mps")
    h, _, _ = read_back(done.path)
    result = p.solve(gap=0.0)
    assert result.report.status == "optimal"
    assert h.getInfo().objective_function_value == pytest.approx(result.report.objective, rel=1e-6)


def test_cli_writes_the_file_atomically(tmp_path):
    res = runner.invoke(app, ["export", TINY, str(tmp_path / "tiny.mps"), "--set", "budget.total_wan_cny=200"])
    assert res.exit_code == 0, res.output
    assert "10 rows, 12 columns (3 integer), 21 nonzeros written to" in res.output
    assert [f.name for f in tmp_path.iterdir()] == ["tiny.mps"]  # no temporary file left beside it
    h, _, _ = read_back(tmp_path / "tiny.mps")
    assert h.getLp().row_upper_[-1] == pytest.approx(200)  # the --set override reached the budget row
    res = runner.invoke(app, ["export", TINY, str(tmp_path / "tiny.lp"), "--writer", "pyomo"])
    assert res.exit_code == 0, res.output
    assert "pyomo writer" in res.output and (tmp_path / "tiny.lp").read_text().startswith("\\* Source Pyomo")


def test_cli_rejects_a_bad_suffix_writer_or_target(tmp_path):
    res = runner.invoke(app, ["export", TINY, str(tmp_path / "tiny.txt")])
    assert res.exit_code == 2
    assert "'.txt'" in res.output and "end the file name in .mps" in res.output and ".lp" in res.output
    assert "Traceback" not in res.output and not list(tmp_path.iterdir())  # nothing written
    res = runner.invoke(app, ["export", TINY, str(tmp_path / "tiny.mps"), "--writer", "cplex"])
    assert res.exit_code == 2 and "unknown writer 'cplex'" in res.output and not list(tmp_path.iterdir())
    # a scenario file that happens to end in .lp is never overwritten by its own model
    case = shutil.copytree(REPO_ROOT / "tests" / "data" / "tiny", tmp_path / "case")
    scenario = (case / "tiny.toml").rename(case / "scenario.lp")
    before = scenario.read_bytes()
    res = runner.invoke(app, ["export", str(scenario), str(scenario)])
    assert res.exit_code == 2 and "scenario's own file" in res.output
    assert scenario.read_bytes() == before
