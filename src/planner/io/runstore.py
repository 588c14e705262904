"""A local store of solved runs in one SQLite file, so a planner finds yesterday's runs after a restart.

Each run is kept as the very files `planner solve --out` writes (plan.csv, regions.csv, summary.json,
scenario.toml, inputs/...), so exporting a run gives exactly the CLI's contract, and a stored run can
be replayed with `planner solve <export>/scenario.toml`.

Location: ``$PLANNER_RUNS`` if set, else ``runs/runs.sqlite`` in the repository.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from planner.io.files import atomic_write_bytes
from planner.io.output import write_results
from planner.planning.results import PlanResult
from planner.config.scenario import LoadedScenario
from planner.paths import output_root

SCHEMA = """
create table if not exists runs (
    id integer primary key autoincrement,
    name text not null,
    scenario text not null,
    created real not null,
    status text, objective real, gap real, spend_cny real, budget_cny real, unmet_thousand_exams real
);
create table if not exists files (
    run_id integer not null references runs(id) on delete cascade,
    path text not null,
    data blob not null,
    primary key (run_id, path)
);
"""


def default_path() -> Path:
    return Path(os.environ.get("PLANNER_RUNS", output_root() / "runs" / "runs.sqlite"))


@dataclass
class StoredRun:
    id: int
    name: str
    summary: dict
    plan: pd.DataFrame
    regions: pd.DataFrame
    spend: pd.DataFrame
    files: dict[str, bytes]


class RunStore:
    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            con.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=30)
        con.execute("pragma foreign_keys = on")
        con.execute("pragma journal_mode = wal")  # readers never block the writer (several sessions)
        return con

    def save(self, result: PlanResult, loaded: LoadedScenario, name: str | None = None) -> int:
        """Store a solved run (all its output files) in one transaction; returns the run id."""
        with tempfile.TemporaryDirectory() as tmp:
            write_results(result, loaded, tmp)
            files = {str(p.relative_to(tmp)): p.read_bytes() for p in Path(tmp).rglob("*") if p.is_file()}
        s = json.loads(files["summary.json"])
        with self._connect() as con:
            cur = con.execute(
                "insert into runs (name, scenario, created, status, objective, gap, spend_cny, budget_cny, "
                "unmet_thousand_exams) values (?,?,?,?,?,?,?,?,?)",
                (name or f"{s['scenario']} {time.strftime('%Y-%m-%d %H:%M')}", s["scenario"], time.time(),
                 s["status"], s["objective"], s["gap"], s["spend_total_cny"], s["budget_total"],
                 s["unmet_thousand_exams"]))
            run_id = int(cur.lastrowid)
            con.executemany("insert into files (run_id, path, data) values (?,?,?)",
                            [(run_id, p, sqlite3.Binary(b)) for p, b in files.items()])
        return run_id

    def list(self) -> pd.DataFrame:
        with self._connect() as con:
            df = pd.read_sql_query("select * from runs order by created desc, id desc", con)
        df["created"] = pd.to_datetime(df["created"], unit="s").dt.strftime("%Y-%m-%d %H:%M")
        return df

    def _files(self, run_id: int) -> dict[str, bytes]:
        with self._connect() as con:
            rows = con.execute("select path, data from files where run_id = ?", (run_id,)).fetchall()
        if not rows:
            raise KeyError(f"no run with id {run_id}")
        return {p: bytes(b) for p, b in rows}

    def load(self, run_id: int) -> StoredRun:
        files = self._files(run_id)
        with self._connect() as con:
            (name,) = con.execute("select name from runs where id = ?", (run_id,)).fetchone()

        def csv(path: str) -> pd.DataFrame:
            return pd.read_csv(io.BytesIO(files[path]), dtype={"region_code": str, "base_code": str,
                                                               "target_code": str})
        return StoredRun(id=run_id, name=name, summary=json.loads(files["summary.json"]), plan=csv("plan.csv"),
                         regions=csv("regions.csv"), spend=csv("spend.csv"), files=files)

    def rename(self, run_id: int, name: str) -> None:
        with self._connect() as con:
            con.execute("update runs set name = ? where id = ?", (name, run_id))

    def delete(self, run_id: int) -> None:
        with self._connect() as con:
            con.execute("delete from runs where id = ?", (run_id,))

    def export(self, run_id: int, folder: str | Path) -> Path:
        """Write a stored run's files into ``folder`` (the same files `planner solve --out` writes)."""
        folder = Path(folder)
        files = self._files(run_id)
        for rel, data in sorted(files.items(), key=lambda kv: kv[0] == "summary.json"):  # summary last
            atomic_write_bytes(folder / rel, data)
        return folder
