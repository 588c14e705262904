"""Batch solves for policy papers: parameter grids and scenario sets, parallel, resumable.

A *case* is a scenario file plus overrides. Cases that differ only in the budget share one built model
(the budget is a mutable right-hand side), so they are solved in *chunks*: one build, then each budget in
ascending order. Chunks are the unit of work for a worker (a local process or a Dask worker); the
chunking depends only on the cases and ``chunk_size``, never on where they run, so results are the same
wherever run.

Only the coordinating process writes files: each finished case gets ``cases/<id>/`` (plan.csv,
regions.csv, summary.json, row.json), and ``results.csv`` / ``results.parquet`` are rebuilt atomically
from the row files after every chunk. ``row.json`` is written last, so ``--resume`` re-runs exactly the
cases without one; a killed run loses at most the chunks in flight and never duplicates a row.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import platform
import subprocess
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.errors import InputError
from planner.messages import msg
from planner.io.files import atomic_write_bytes, atomic_write_csv, atomic_write_text
from planner.io.output import summary_dict
from planner.config.scenario import apply_overrides, read_toml
from planner.paths import checkout_root
from planner.session import BUDGET_KEY, is_rhs_key

def _is_rhs(override: str) -> bool:
    """A --set override of a right-hand side (budget total, a target): the rule is planner.session's."""
    return is_rhs_key(override.partition("=")[0])


@dataclass(frozen=True)
class Case:
    case_id: str
    scenario: str                      # absolute path of the scenario file
    overrides: tuple[str, ...]         # key=value, TOML literals
    params: tuple[tuple[str, Any], ...] = field(default=())  # the varied inputs, for results columns

    @property
    def group(self) -> tuple:
        """Cases with the same group share a built model: they differ only in right-hand sides (the
        budget total and per-million target values), which a built model changes in place."""
        return (self.scenario, tuple(o for o in self.overrides if not _is_rhs(o)))

    @property
    def targets(self) -> dict[str, float]:
        out = {}
        for o in self.overrides:
            key, _, value = o.partition("=")
            if is_rhs_key(key) and key != BUDGET_KEY:
                out[key.split(".")[1]] = float(value)
        return out

    @property
    def budget(self) -> float | None:
        for o in self.overrides:
            if o.startswith(BUDGET_KEY + "="):
                return float(o.split("=", 1)[1])
        return None


def _parse_values(spec: str, source: str) -> list:
    """``LO:HI:N`` (N evenly spaced numbers) or ``v1,v2,...`` (TOML literals or words)."""
    from planner.config.scenario import parse_value

    if spec.count(":") == 2 and "," not in spec:
        lo, hi, n = spec.split(":")
        try:
            lo_f, hi_f, n_i = float(lo), float(hi), int(n)
        except ValueError:
            raise InputError(source, msg("batch.not_range", spec=spec), fix=msg("batch.fix_range_example")) from None
        if n_i < 1:
            raise InputError(source, msg("batch.n_below_one", spec=spec), fix=msg("batch.fix_range_example"))
        vals = np.linspace(lo_f, hi_f, n_i)
        return [int(v) if float(v).is_integer() else float(v) for v in vals]
    return [parse_value(v.strip()) for v in spec.split(",") if v.strip()]


def case_id(scenario_text: str, overrides: Iterable[str]) -> str:
    """A stable id from the scenario's text and the overrides: the same inputs give the same id."""
    h = hashlib.sha256(scenario_text.encode("utf-8"))
    for o in sorted(overrides):
        h.update(b"\0" + o.encode("utf-8"))
    return h.hexdigest()[:12]


def grid(scenario: str | Path, varies: list[str], fixed: list[str] | None = None) -> list[Case]:
    """The cross product of every ``--vary key=spec``, plus fixed ``--set`` overrides."""
    path = Path(scenario).resolve()
    text = path.read_text(encoding="utf-8-sig")
    axes = []
    for v in varies:
        if "=" not in v:
            raise InputError("--vary", msg("batch.vary_not_key", vary=v), fix=msg("batch.fix_vary_example"))
        key, spec = v.split("=", 1)
        axes.append([(key.strip(), val) for val in _parse_values(spec, "--vary")])
    cases = []
    for combo in itertools.product(*axes) if axes else [()]:
        ov = tuple(fixed or []) + tuple(f"{k}={_literal(val)}" for k, val in combo)
        cases.append(Case(case_id(text, ov), str(path), ov, tuple(combo)))
    # A misspelt key would fail every case: catch it before any solve, with a suggestion. A bad value
    # (a negative price, say) fails only its own cases, which are recorded while the rest finish.
    from planner.errors import InputErrors
    from planner.config.scenario import validate

    raw = read_toml(path)
    for c in {c.group: c for c in cases}.values():
        try:
            validate(apply_overrides(raw, list(c.overrides), "--vary/--set"), f"{path.name} with {' '.join(c.overrides)}")
        except InputErrors as e:
            keys = [err for err in e.errors if "unknown key" in str(err) or "required key" in str(err)]
            if keys:
                raise InputErrors(keys) from None
    return cases


def _literal(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    return json.dumps(v, ensure_ascii=False)


def files_cases(paths: Iterable[str | Path], fixed: list[str] | None = None) -> list[Case]:
    """One case per scenario file (a directory contributes every .toml inside it)."""
    out = []
    for p in paths:
        p = Path(p)
        files = sorted(p.glob("*.toml")) if p.is_dir() else [p]
        for f in files:
            f = f.resolve()
            ov = tuple(fixed or [])
            out.append(Case(case_id(f.read_text(encoding="utf-8-sig"), ov), str(f), ov, (("scenario_file", f.name),)))
    if not out:
        raise InputError(", ".join(map(str, paths)), msg("batch.no_scenarios"), fix=msg("batch.fix_give_files"))
    return out


def chunks(cases: list[Case], chunk_size: int) -> list[list[Case]]:
    """Group cases sharing a model, budgets ascending, cut into chunks of at most ``chunk_size``."""
    groups: dict[tuple, list[Case]] = {}
    for c in cases:
        groups.setdefault(c.group, []).append(c)
    out = []
    for members in groups.values():
        members.sort(key=lambda c: (c.budget is None, c.budget or 0.0, c.case_id))
        out += [members[i:i + chunk_size] for i in range(0, len(members), chunk_size)]
    return out


# ------------------------------------------------------------------------------------------- workers
def solve_chunk(chunk: list[Case], time_limit: float | None, gap: float | None) -> list[dict]:
    """Solve a chunk on one built model (in whichever process runs it); returns, per case, its result
    row and the bytes of its files. Never raises: a failing case is reported in its row."""
    from planner.config.scenario import load_scenario
    from planner.errors import PlannerError
    from planner.session import planner_for
    from planner.studies.sweep import row as sweep_row

    out = []
    cache: dict = {}  # one built model for the chunk while cases differ only in right-hand sides
    for case in chunk:
        t0 = time.perf_counter()
        try:
            loaded = load_scenario(case.scenario, [*case.overrides, "solver.threads=1", "solver.compute_duals=false"])
            planner = planner_for(cache, loaded)
            result = planner.solve(time_limit=time_limit, gap=gap)
            row = sweep_row(planner.scenario.budget.total_wan_cny, result)  # the figure the case states
            rep = result.report
            row.update(build_seconds=rep.build_seconds, handoff_seconds=rep.handoff_seconds, error="")
            row.update(_units_by(result))
            files = {"plan.csv": result.plan.to_csv(index=False).encode(),
                     "regions.csv": result.regions.to_csv(index=False).encode(),
                     "summary.json": json.dumps(summary_dict(result), ensure_ascii=False, indent=1).encode()}
        except (PlannerError, ValueError, KeyError) as e:
            row, files = {"status": "failed", "error": str(e)}, {}
            cache.clear()  # the next case rebuilds
        except Exception as e:  # noqa: BLE001 - one case's crash must not stop the batch
            row, files = {"status": "failed", "error": f"{e.__class__.__name__}: {e}",
                          "traceback": traceback.format_exc()}, {}
            cache.clear()
        row.update(case_id=case.case_id, scenario=Path(case.scenario).name, overrides=" ".join(case.overrides),
                   wall_seconds=time.perf_counter() - t0, worker=f"{platform.node()}:{os.getpid()}")
        for k, v in case.params:
            row[k] = v
        out.append({"row": row, "files": files})
    return out


def _units_by(result) -> dict:
    p = result.plan
    d = {f"units_{m}": float(v) for m, v in p.groupby("modality")["new_units"].sum().items()}
    d.update({f"units_tier_{t}": float(v) for t, v in p.groupby("tier")["new_units"].sum().items()})
    return d


# ------------------------------------------------------------------------------------------- runner
@dataclass
class Progress:
    done: int
    total: int
    failed: int
    elapsed: float

    @property
    def eta(self) -> float | None:
        return None if self.done == 0 else self.elapsed / self.done * (self.total - self.done)


def with_policy_cost(df: pd.DataFrame) -> pd.DataFrame:
    """A one-key sweep's cost of each value against the first case (list the lever off, or at its least, first):
    the change in the objective (万元-equivalent) and in unmet exams, and the range the solves prove: with
    objectives o and bounds b, the true change of case i lies in [b_i - o_0, o_i - b_0], since every bound is
    at most and every objective at least its case's optimum. Empty where a case has no plan."""
    if not {"objective", "bound"} <= set(df.columns):
        return df
    has = (df["objective"].notna() & df["bound"].notna()).to_numpy()
    if not has[0]:
        return df   # nothing to compare with
    o0, b0 = float(df["objective"].iloc[0]), float(df["bound"].iloc[0])
    out = df.copy()
    out["objective_change_vs_first"] = np.where(has, df["objective"] - o0, np.nan)
    out["objective_change_at_least"] = np.where(has, df["bound"] - o0, np.nan)
    out["objective_change_at_most"] = np.where(has, df["objective"] - b0, np.nan)
    if "unmet_thousand_exams" in df.columns:
        out["unmet_change_vs_first_thousand_exams"] = np.where(
            has, df["unmet_thousand_exams"] - float(df["unmet_thousand_exams"].iloc[0]), np.nan)
    return out


class BatchRunner:
    def __init__(self, cases: list[Case], out: str | Path, time_limit: float | None = None,
                 gap: float | None = None, chunk_size: int = 5, workers: int | None = None,
                 scheduler: str | None = None, resume: bool = False):
        self.cases, self.out = cases, Path(out)
        self.time_limit, self.gap, self.chunk_size = time_limit, gap, max(1, chunk_size)
        self.workers = workers or max(1, (os.cpu_count() or 1))
        self.scheduler, self.resume = scheduler, resume

    # files --------------------------------------------------------------------------------------
    def case_dir(self, cid: str) -> Path:
        return self.out / "cases" / cid

    def finished(self) -> set[str]:
        return {p.parent.name for p in (self.out / "cases").glob("*/row.json")}

    def _record(self, item: dict) -> None:
        row, files = item["row"], item["files"]
        d = self.case_dir(row["case_id"])
        for name, data in files.items():
            atomic_write_bytes(d / name, data)
        atomic_write_text(d / "row.json", json.dumps(row, ensure_ascii=False, default=float))  # last: marks done

    def collect(self) -> pd.DataFrame:
        """results.csv and results.parquet from the row files (one row per case, never duplicated)."""
        rows = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((self.out / "cases").glob("*/row.json"))]
        order = {c.case_id: i for i, c in enumerate(self.cases)}
        df = pd.DataFrame(rows)
        if len(df):
            df["_order"] = df["case_id"].map(order).fillna(len(order))
            df = df.sort_values(["_order", "case_id"]).drop(columns=["_order", "traceback"], errors="ignore")
            varied = [k for k, _ in self.cases[0].params] if self.cases else []
            first = ["case_id", *varied, "status", "objective", "bound", "gap"]
            df = df[[c for c in first if c in df.columns] + [c for c in df.columns if c not in first]]
            if len(varied) == 1:
                df = with_policy_cost(df)
        atomic_write_csv(self.out / "results.csv", df)
        buf = __import__("io").BytesIO()
        df.to_parquet(buf, index=False)
        atomic_write_bytes(self.out / "results.parquet", buf.getvalue())
        return df

    def manifest(self) -> dict:
        import pyomo

        from planner import __version__
        from planner.solver import version as highs_version

        def git_commit() -> str | None:
            if checkout_root() is None:  # an installed wheel: its version says what it is
                return None
            try:
                return subprocess.run(["git", "-C", str(checkout_root()), "rev-parse", "HEAD"], capture_output=True,
                                      text=True, timeout=5).stdout.strip() or None
            except (OSError, subprocess.SubprocessError):
                return None

        scen_hash = {p: hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in {c.scenario for c in self.cases}}
        return {
            "created": time.strftime("%Y-%m-%dT%H:%M:%S"), "planner": __version__, "git_commit": git_commit(),
            "python": platform.python_version(), "pyomo": pyomo.version.version,
            "highs": highs_version(),
            "time_limit_s": self.time_limit, "mip_rel_gap": self.gap, "chunk_size": self.chunk_size,
            "scheduler": self.scheduler or f"processes x {self.workers}", "threads_per_solve": 1,
            "random_seed": "from each scenario's solver.random_seed",
            "scenario_sha256": scen_hash,
            "cases": [{"case_id": c.case_id, "scenario": c.scenario, "overrides": list(c.overrides),
                       "input_sha256": hashlib.sha256((scen_hash[c.scenario] + "\0" + "\0".join(c.overrides))
                                                      .encode()).hexdigest()} for c in self.cases],
        }

    # running ------------------------------------------------------------------------------------
    def run(self, progress: Callable[[Progress], None] | None = None) -> pd.DataFrame:
        self.out.mkdir(parents=True, exist_ok=True)
        done = self.finished()
        if done and not self.resume:
            raise InputError(str(self.out), msg("batch.already_done", n=len(done)), fix=msg("batch.fix_resume"))
        atomic_write_text(self.out / "manifest.json", json.dumps(self.manifest(), ensure_ascii=False, indent=1))
        todo = [c for c in self.cases if c.case_id not in done]
        work = chunks(todo, self.chunk_size)
        t0 = time.perf_counter()
        state = {"done": len(self.cases) - len(todo), "failed": 0}

        last_collect = [0.0]

        def absorb(items: list[dict]) -> None:
            for item in items:
                self._record(item)
                state["done"] += 1
                state["failed"] += item["row"]["status"] == "failed"
            if time.perf_counter() - last_collect[0] > 2.0:  # results files stay current, cheaply
                self.collect()
                last_collect[0] = time.perf_counter()
            if progress:
                progress(Progress(state["done"], len(self.cases), state["failed"], time.perf_counter() - t0))

        if progress:
            progress(Progress(state["done"], len(self.cases), 0, 0.0))
        if self.scheduler:
            self._run_dask(work, absorb)
        elif self.workers == 1 or len(work) <= 1:
            for ch in work:
                absorb(solve_chunk(ch, self.time_limit, self.gap))
        else:
            self._run_processes(work, absorb)
        return self.collect()

    def _run_processes(self, work, absorb) -> None:
        import multiprocessing as mp
        from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

        # "spawn": each worker is a fresh interpreter (no forked HiGHS or Pyomo state), one HiGHS thread each
        with ProcessPoolExecutor(max_workers=self.workers, mp_context=mp.get_context("spawn")) as pool:
            pending = {pool.submit(solve_chunk, ch, self.time_limit, self.gap) for ch in work}
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in finished:
                    absorb(f.result())

    def _run_dask(self, work, absorb) -> None:
        from dask.distributed import Client, LocalCluster, as_completed

        if self.scheduler == "local":
            cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address=None)
            client = Client(cluster)
        else:
            cluster, client = None, Client(self.scheduler)
        try:
            futures = [client.submit(solve_chunk, ch, self.time_limit, self.gap, pure=False) for ch in work]
            for f in as_completed(futures):
                absorb(f.result())
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
