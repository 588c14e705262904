"""Batch solves: the same results in-process and on Dask, resumable after kill -9, failures recorded."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from planner.distributed.batch import BatchRunner, chunks, grid
from planner.errors import PlannerError
from tests.conftest import REPO as REPO_ROOT

TINY = REPO_ROOT / "tests" / "data" / "tiny" / "tiny.toml"
PLANNER = str(Path(sys.executable).parent / "planner")
KEY = ["case_id", "status", "objective", "bound", "spend_wan_cny", "unmet_thousand_exams"]


def test_grid_ids_chunks_and_hand_values(tmp_path):
    cases = grid(TINY, ["budget.total_wan_cny=0:1000:5", "modalities.CT.price_wan_cny=100,250"])
    assert len(cases) == 10 and len({c.case_id for c in cases}) == 10
    assert grid(TINY, ["budget.total_wan_cny=0:1000:5", "modalities.CT.price_wan_cny=100,250"]) == cases  # stable ids
    ch = chunks(cases, 3)
    assert [len(c) for c in ch] == [3, 2, 3, 2]                     # two models, budgets ascending in each
    assert all({c.group for c in chunk} == {chunk[0].group} for chunk in ch)
    df = BatchRunner(cases, tmp_path, workers=1, chunk_size=3).run()
    # tiny: units of 100 万元 close 10 thousand exams each, 145 unmet with none bought
    at100 = df[df["modalities.CT.price_wan_cny"] == 100].set_index("budget.total_wan_cny")
    assert at100["unmet_thousand_exams"].to_dict() == {0: 145, 250: 125, 500: 95, 750: 75, 1000: 45}
    at250 = df[df["modalities.CT.price_wan_cny"] == 250].set_index("budget.total_wan_cny")
    assert at250["units_bought"].to_dict() == {0: 0, 250: 1, 500: 2, 750: 3, 1000: 4}
    assert (df["verifier_ok"]).all()
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert {c["case_id"] for c in manifest["cases"]} == set(df["case_id"]) and manifest["highs"].startswith("1.")


@pytest.mark.dask
def test_in_process_and_dask_local_cluster_agree(tmp_path):
    cases = grid(TINY, ["budget.total_wan_cny=0:1000:6", "modalities.CT.price_wan_cny=100,150"])
    a = BatchRunner(cases, tmp_path / "a", workers=1, chunk_size=2).run()
    b = BatchRunner(cases, tmp_path / "b", workers=2, chunk_size=2, scheduler="local").run()
    pd.testing.assert_frame_equal(a[KEY].reset_index(drop=True), b[KEY].reset_index(drop=True))
    assert b["worker"].nunique() == 2  # really ran on two Dask workers


def test_a_failing_case_is_recorded_and_the_rest_finish(tmp_path):
    # a negative price is a bad value for that case only; a hard target the budget cannot pay fails checks
    cases = grid(TINY, ["modalities.CT.price_wan_cny=100,-5,150"])
    cases += grid(TINY, ["modalities.CT.target_per_million=500"], ["modalities.CT.target_hard=true"])
    df = BatchRunner(cases, tmp_path, workers=1).run().set_index("modalities.CT.price_wan_cny", drop=False)
    assert df["status"].tolist().count("failed") == 2 and df["status"].tolist().count("optimal") == 2
    bad = df[df["status"] == "failed"]["error"].tolist()
    assert any("price_wan_cny" in e and "greater than 0" in e for e in bad)
    assert any("hard targets" in e and "budget allows" in e for e in bad)


def test_unknown_key_fails_before_any_solve(tmp_path):
    with pytest.raises(PlannerError, match="did you mean 'budget.total_wan_cny'"):
        grid(TINY, ["budget.total=1,2"])


@pytest.mark.slow
def test_kill_minus_9_then_resume_gives_every_case_once(tmp_path):
    args = [PLANNER, "sweep", str(TINY), "--vary", "budget.total_wan_cny=0:2400:25", "--chunk-size", "1",
            "--workers", "1", "--quiet"]
    full = tmp_path / "full"
    subprocess.run([*args, "--out", str(full)], check=True, capture_output=True, timeout=300)
    part = tmp_path / "part"
    proc = subprocess.Popen([*args, "--out", str(part)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while len(list(part.glob("cases/*/row.json"))) < 5 and time.time() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    killed_at = len(list(part.glob("cases/*/row.json")))
    assert 5 <= killed_at < 25, killed_at
    # without --resume the folder is refused, so nothing is overwritten by mistake
    again = subprocess.run([*args, "--out", str(part)], capture_output=True, text=True)
    assert again.returncode == 2 and "--resume" in again.stderr
    subprocess.run([*args, "--out", str(part), "--resume"], check=True, capture_output=True, timeout=300)
    a = pd.read_csv(full / "results.csv").sort_values("case_id").reset_index(drop=True)
    b = pd.read_csv(part / "results.csv").sort_values("case_id").reset_index(drop=True)
    assert len(b) == 25 and b["case_id"].is_unique
    pd.testing.assert_frame_equal(a[KEY], b[KEY])


def test_target_sweeps_reuse_the_model_and_match_cold_solves(tmp_path):
    """Targets are right-hand sides too: one model serves every target value, with cold-solve results."""
    from planner import Planner
    soft = ["weights.unmet_wan_cny_per_thousand_exams=0", "modalities.CT.target_per_million=1"]
    cases = grid(TINY, ["modalities.CT.target_per_million=1,4,10"], soft[:1])
    assert len(chunks(cases, 5)) == 1  # one model for all three
    df = BatchRunner(cases, tmp_path, workers=1).run().set_index("modalities.CT.target_per_million")
    for target in (1, 4, 10):
        cold = Planner.from_file(TINY, [soft[0], f"modalities.CT.target_per_million={target}"]).solve()
        assert df.loc[target, "objective"] == pytest.approx(cold.report.objective)
    assert df["verifier_ok"].all()
    # tiny: 3.5 M people; at 10 per million the target is 35 units (3 exist): 3 bought with 300 万元
    assert df.loc[10, "units_bought"] == 3
