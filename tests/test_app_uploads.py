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


def test_an_upload_no_table_is_named_after_is_reported_and_can_be_assigned():
    """Issue 13, item 2: a stock table uploaded as 四川设备2025.csv (the scenario names stock.csv) was
    ignored in silence. It is now listed as unused, and assigning it to regions.stock makes it the table."""
    renamed = STOCK  # the same table under a name the scenario does not give
    files = [Upload("tiny.toml", TOML), Upload("regions.csv", REGIONS), Upload("stock.csv", STOCK),
             Upload("四川设备2025.csv", renamed)]
    state.load_upload(files)
    match = state.st.session_state["loaded"].uploads
    assert match.unused == ["四川设备2025.csv"] and match.roles["stock"] == ("stock.csv", "uploaded")
    assert "四川设备2025.csv: not used (no table of the scenario has this name; assign it to a table)" in match.words()
    state.load_upload(files, assign={"stock": "四川设备2025.csv"})
    loaded = state.st.session_state["loaded"]
    assert loaded.uploads.roles["stock"] == ("四川设备2025.csv", "assigned")
    assert loaded.uploads.unused == ["stock.csv"]
    assert loaded.path(loaded.scenario.regions.stock).name == "四川设备2025.csv"
    with pytest.raises(ValueError, match=r"nope\.csv \(for regions\.stock\) is not among the uploaded tables"):
        state.load_upload(files, assign={"stock": "nope.csv"})
    # a table the scenario names but nobody uploaded can be filled by assigning an upload to it
    only_renamed = [Upload("tiny.toml", TOML), Upload("regions.csv", REGIONS), Upload("四川设备2025.csv", renamed)]
    with pytest.raises(ValueError, match="upload a file called stock.csv with it, or assign one of the uploaded"):
        state.load_upload(only_renamed)
    state.load_upload(only_renamed, assign={"stock": "四川设备2025.csv"})
    assert state.st.session_state["loaded"].uploads.unused == []


def test_a_bad_uploaded_table_is_named_as_the_planner_uploaded_it():
    """Issue 13, item 9: an error in an uploaded table names the file by its upload name, not the temporary
    folder the app saved it in."""
    from planner.api import Planner
    from planner.errors import PlannerError

    bad = STOCK.decode("utf-8").splitlines()
    header, first = bad[0].split(","), bad[1].split(",")
    first[header.index("units")] = "-3"
    broken = "\n".join([bad[0], ",".join(first), *bad[2:]]).encode("utf-8")
    files = [Upload("tiny.toml", TOML), Upload("regions.csv", REGIONS), Upload("四川设备2025.csv", broken)]
    state.load_upload(files, assign={"stock": "四川设备2025.csv"})
    with pytest.raises(PlannerError) as err:
        Planner(state.st.session_state["loaded"])
    text = str(err.value)
    assert "四川设备2025.csv (uploaded), row 2, column 'units'" in text, text
    assert "planner-upload-" not in text
