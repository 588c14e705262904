"""Where the shipped scenarios, region tables and the app live, and where outputs go by default.

In a checkout (``make run``, ``make test``, an editable install) that is the repository: ``models/``,
``data/regions/``, ``app/``, and outputs under ``results/`` and ``runs/``. An installed wheel carries the
same files inside the package (``planner/shipped/models``, ``planner/shipped/data/regions``; the app is the
``planner_app`` package), so ``pip install planner`` on a Dask worker or a planner's laptop gives a working
``planner solve``; outputs then go under the current folder.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT = PACKAGE_DIR.parents[1]


def _is_checkout(root: Path) -> bool:
    # models/ beside src/planner: a clone, or a copy of those folders (benchmarks/bench_model.py makes one)
    return (root / "models").is_dir() and (root / "src" / "planner").is_dir()


IN_CHECKOUT = _is_checkout(_CHECKOUT)
SHIPPED = _CHECKOUT if IN_CHECKOUT else PACKAGE_DIR / "shipped"
MODELS_DIR = SHIPPED / "models"
REGIONS_DIR = SHIPPED / "data" / "regions"
DEFAULT_SCENARIO = MODELS_DIR / "baseline.toml"


def app_script() -> Path:
    """The Streamlit entry script (``streamlit run`` takes a file). Found, not imported: the library never
    imports the app (the import-linter contract in pyproject.toml), and `planner app` runs it in Streamlit's
    own process anyway."""
    spec = importlib.util.find_spec("planner_app")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("planner_app is not installed: pip install -e . installs the app with the library")
    return Path(spec.origin).resolve().parent / "app.py"


def output_root() -> Path:
    """Where ``results/`` and ``runs/`` go when the user names no folder: the checkout, else the current folder."""
    return _CHECKOUT if IN_CHECKOUT else Path.cwd()


def checkout_root() -> Path | None:
    """The repository, when running from one (for the git commit in batch manifests)."""
    return _CHECKOUT if IN_CHECKOUT else None
