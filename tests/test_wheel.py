"""The project as a user gets it from `pip install planner`: a wheel that carries the library, the app,
the shipped scenarios and region tables, and solves a shipped example with no checkout in sight."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

# One xdist worker runs this module (make test: -n 2 --dist loadgroup): the wheel fixture builds in the
# checkout (pip wheel writes build/ and src/planner.egg-info), and two workers each building their own copy
# of the module-scoped fixture at once would race on those folders.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("wheel")]


def test_make_test_latest_runs_the_installed_wheel_not_the_checkout():
    import planner.paths

    assert planner.paths.IN_CHECKOUT is not bool(os.environ.get("PLANNER_EXPECT_WHEEL"))
    assert planner.paths.DEFAULT_SCENARIO.is_file() and (planner.paths.REGIONS_DIR / "provinces.csv").is_file()


def test_every_package_folder_is_listed_in_pyproject():
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(REPO / "src").parts) for p in (REPO / "src").rglob("__init__.py")}
    assert on_disk <= listed, f"add {sorted(on_disk - listed)} to [tool.setuptools] packages"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(REPO)],
                   check=True, capture_output=True, timeout=600)
    (whl,) = out.glob("planner-*.whl")
    return whl


def test_wheel_carries_library_app_scenarios_and_tables(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for must in ("planner/solver/highs.py", "planner/planning/model.py", "planner_app/app.py",
                 "planner_app/state.py", "planner/shipped/models/baseline.toml", "planner/shipped/models/sichuan.toml",
                 "planner/shipped/data/regions/provinces.csv", "planner/shipped/data/regions/stock_provinces.csv",
                 "planner/shipped/data/regions/provinces.geojson", "planner/shipped/data/regions/README.md",
                 "planner/messages/locale/en/LC_MESSAGES/planner.po", "planner/messages/locale/zh/LC_MESSAGES/planner.po"):
        assert must in names, must
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)


def test_installed_wheel_solves_a_shipped_example(wheel, tmp_path):
    """Install the wheel into a folder of its own (the test venv supplies the dependencies) and solve the
    shipped baseline from an unrelated working folder: no checkout is on the path."""
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    code = ("import sys, planner, planner.paths as p; "
            "print(planner.__file__); print(p.IN_CHECKOUT); print(p.DEFAULT_SCENARIO); "
            "sys.argv = ['planner', 'solve', str(p.MODELS_DIR / 'baseline.toml'), '--set', 'years.last_plan_year=2027', "
            "'--out', 'out', '--quiet']; from planner.cli import main; main()")
    proc = subprocess.run([sys.executable, "-c", code], cwd=work, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    where, in_checkout, default = proc.stdout.splitlines()[:3]
    assert where.startswith(str(site)) and in_checkout == "False"
    assert default.startswith(str(site)) and Path(default).is_file()
    summary = json.loads((work / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "optimal" and summary["verifier"]["ok"] is True
    assert (work / "out" / "plan.csv").is_file()
