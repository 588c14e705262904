"""Progress while HiGHS works, and Ctrl-C: the best plan so far, verified, written and labelled."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO

SICHUAN = str(REPO / "models" / "sichuan.toml")


def _planner(*args: str) -> list[str]:
    return [sys.executable, "-c", "from planner.cli import app; app()", *args]


@pytest.mark.slow
def test_ctrl_c_keeps_the_best_plan_so_far(tmp_path: Path):
    """Sichuan with a 10-minute limit: once a progress line shows a plan, SIGINT (what Ctrl-C sends) stops
    HiGHS; the plan is verified, written, and labelled as stopped on request, not optimal."""
    out = tmp_path / "stopped"
    proc = subprocess.Popen(_planner("solve", SICHUAN, "--time-limit", "600", "--out", str(out),
                                     "--set", "solver.compute_duals=false"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines = []
    try:
        for line in proc.stderr:               # progress goes to stderr
            lines.append(line)
            if ": best plan" in line:        # a progress line with a plan (not the banner)
                proc.send_signal(signal.SIGINT)
                break
        stdout, rest = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    text = stdout + "".join(lines) + rest
    assert proc.returncode == 0, text
    assert "Stopping: keeping the best plan so far" in text
    assert "stopped on request: the best plan found so far, NOT proven optimal" in text
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "interrupted" and summary["verifier"]["ok"]
    assert summary["objective"] is not None  # the bound may not be proven yet this early
    assert (out / "plan.csv").stat().st_size > 0


def test_progress_lines_show_plan_bound_and_gap():
    from planner.reporting.progress import progress_line
    from planner.solver import Progress

    assert progress_line(Progress(3.25, 105.0, 100.0)) == \
        "  HiGHS    3.2 s: best plan 105.0, proven bound 100.0, gap 4.76%"
    assert progress_line(Progress(0.5, None, None)) == "  HiGHS    0.5 s: no plan yet"
