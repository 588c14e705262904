"""Imports point down the data flow, and nothing imports in a circle (issue 26, item 4).

The contracts are the [tool.importlinter] section of pyproject.toml: planner's subpackages as layers
(config -> data -> planning -> solver ... -> cli), the library never importing the app or Streamlit, and no
circles between sibling modules. This runs `lint-imports` on them; a broken contract fails with its report.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import REPO

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=120)


def test_import_contracts_are_kept():
    run = lint()
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_contracts_cover_every_subpackage():
    """A new subpackage of planner gets a place in the layers (else nothing checks its arrows)."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["type"] == "layers")["layers"]
    listed = {m.strip() for layer in layers for m in layer.split("|")}
    src = REPO / "src" / "planner"
    ours = {f"planner.{p.name}" for p in src.iterdir() if (p / "__init__.py").is_file() and p.name != "shipped"}
    ours |= {f"planner.{p.stem}" for p in src.glob("*.py") if p.stem != "__init__"}
    assert ours == listed


def test_an_upward_import_breaks_the_contract(tmp_path):
    """The check bites: the same contracts with config put above data report data -> config as broken."""
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    flipped = text.replace('    "planner.data",\n    "planner.config",\n', '    "planner.config",\n    "planner.data",\n')
    assert flipped != text
    config = tmp_path / "pyproject.toml"
    config.write_text(flipped, encoding="utf-8")
    run = lint("--config", str(config))
    assert run.returncode != 0 and "planner.data" in run.stdout and "BROKEN" in run.stdout, run.stdout
