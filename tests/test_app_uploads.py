"""App upload safety: size limit, allowed types only, no path from an upload is ever followed."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.conftest import REPO as REPO_ROOT

from planner_app import state  # the app's session module; its upload handling needs no running app


@dataclass
class Upload:
    """What st.file_uploader hands the app: a name and the bytes."""

    name: str
    data: bytes

    def getvalue(self) -> bytes:
        return self.data


@pytest.fixture(autouse=True)
def fake_session(monkeypatch):
    monkeypatch.setattr(state.st, "session_state", {})


TOML = (REPO_ROOT / "tests" / "data" / "tiny" / "tiny.toml").read_bytes()
REGIONS = (REPO_ROOT / "tests" / "data" / "tiny" / "regions.csv").read_bytes()
STOCK = (REPO_ROOT / "tests" / "data" / "tiny" / "stock.csv").read_bytes()


def test_a_scenario_with_its_tables_loads():
    state.load_upload([Upload("tiny.toml", TOML), Upload("regions.csv", REGIONS), Upload("stock.csv", STOCK)])
    loaded = state.st.session_state["loaded"]
    assert loaded.scenario.name == "tiny" and loaded.path(loaded.scenario.regions.table).name == "regions.csv"


def test_only_toml_csv_excel_and_geojson_are_read():
    with pytest.raises(ValueError, match=r"plan\.pkl: only \.toml, \.csv, \.xlsx and \.geojson files are read"):
        state.load_upload([Upload("tiny.toml", TOML), Upload("plan.pkl", b"\x80\x04K\x01.")])


def test_upload_size_limit(monkeypatch):
    monkeypatch.setattr(state, "MAX_UPLOAD_BYTES", 2_000)  # the scenario (~1 KB) fits, the table does not
    with pytest.raises(ValueError, match=r"^regions\.csv: 5\.0 KB is over the 2\.0 KB upload limit$"):
        state.load_upload([Upload("tiny.toml", TOML), Upload("regions.csv", b"x" * 5_000)])


def test_paths_inside_an_uploaded_scenario_are_not_followed(tmp_path):
    """A table path like ../../../etc/passwd is reduced to its file name and looked up among the uploads
    (and the repository's own region data) only."""
    evil = TOML.replace(b'table = "regions.csv"', b'table = "../../../../etc/passwd"')
    with pytest.raises(ValueError, match="upload a file called passwd"):
        state.load_upload([Upload("tiny.toml", evil), Upload("stock.csv", STOCK)])
    # an uploaded file's own name cannot climb out of the upload folder either
    state.load_upload([Upload("../../tiny.toml", TOML), Upload("../regions.csv", REGIONS), Upload("stock.csv", STOCK)])
    loaded = state.st.session_state["loaded"]
    assert loaded.base_dir.name.startswith("planner-upload-")
    assert loaded.path(loaded.scenario.regions.table).parent == loaded.base_dir
