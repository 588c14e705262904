"""`planner` command line: a thin layer over planner.api. Errors are printed for people, not as tracebacks."""

from __future__ import annotations

import contextlib
import math
import signal
import sys
import threading
from pathlib import Path
from typing import Annotated, Optional

import typer

from planner.errors import PlannerError
from planner.messages import language, msg, render, text

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Plan where new CT, MRI, DR and mobile imaging units go, within a budget.")

ScenarioArg = Annotated[Optional[Path], typer.Argument(help="scenario TOML (default: models/baseline.toml)")]
SetOpt = Annotated[Optional[list[str]], typer.Option("--set", help="override a scenario value, e.g. "
                                                     "--set budget.total_wan_cny=5000000 (repeatable)")]


def _time_limit_ok(value: float | None) -> float | None:
    """--time-limit is checked before anything is solved or written."""
    if value is not None and not (math.isfinite(value) and value > 0):
        raise typer.BadParameter(_say("cli.bad_time_limit", seconds=value))
    return value


def _gap_ok(value: float | None) -> float | None:
    """--gap is a fraction: 0 asks for a proven optimum, 0.01 for a plan within 1 % of the best bound."""
    if value is not None and not (math.isfinite(value) and 0 <= value < 1):
        raise typer.BadParameter(_say("cli.bad_gap", gap=value))
    return value


@contextlib.contextmanager
def _ctrl_c_stops(planner):
    """While solving, the first Ctrl-C stops HiGHS and keeps the best plan so far (verified, written and
    labelled 'interrupted'); a second one quits at once. Only the main thread may own signal handlers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)

    def stop(signum, frame):
        planner.cancel()
        signal.signal(signal.SIGINT, previous)
        typer.secho("\n" + _say("cli.stopping"), err=True, fg=typer.colors.YELLOW)

    signal.signal(signal.SIGINT, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _progress_lines(quiet: bool):
    """Incumbent, bound and gap on stderr as HiGHS improves them (not with --quiet)."""
    if quiet:
        return None
    from planner.reporting.progress import progress_line

    last = {"words": None, "at": -1e9}

    def show(p) -> None:
        # HiGHS's stream repeats an unchanged plan and bound every 2 s (a heartbeat for the app): in a
        # terminal print a line when the plan or the bound changes, and otherwise every 15 s
        line = progress_line(p, _LANG)
        words = line.split(":", 1)[1]
        if words != last["words"] or p.seconds - last["at"] >= 15:
            last["words"], last["at"] = words, p.seconds
            typer.echo(line, err=True)

    return show


# The language of the messages: --lang, else PLANNER_LANG, else LANG/LC_ALL starting with zh (issue 26, item 2).
_LANG = "en"


@app.callback()
def _options(
    lang: Annotated[Optional[str], typer.Option(
        "--lang", metavar="[en|zh]", help="language of the messages: en or zh (default: PLANNER_LANG, else zh when "
                                          "LANG is zh_CN.UTF-8 or another zh locale, else en)")] = None,
) -> None:
    """Plan where new CT, MRI, DR and mobile imaging units go, within a budget."""
    global _LANG
    try:
        _LANG = language(lang)
    except ValueError:
        raise typer.BadParameter(f"{lang!r}: give en or zh", param_hint="--lang") from None


def _say(code: str, **params) -> str:
    return render(code, _LANG, **params)


def _names(kind: str, codes: list[str]) -> list[str] | str:
    """Tiers or modalities named in a line: the list of codes in English (as it always printed), their labels
    joined by 、 in Chinese."""
    if _LANG == "en":
        return list(codes)
    from planner.messages import labels

    said = labels.tier if kind == "tier" else labels.modality
    return "、".join(said(c, _LANG) for c in codes)


def _fail(e: Exception) -> None:
    # an input error says itself from its message codes; a part not yet a code stays in English
    words = e.render(_LANG) if hasattr(e, "render") else str(e)
    first = _say("cli.error", text="")
    typer.secho(first + words.replace("\n", "\n" + " " * len(first)), fg=typer.colors.RED, err=True)
    raise typer.Exit(code=2)


@app.command()
def solve(
    scenario: ScenarioArg = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="folder for results (default results/<name>)")] = None,
    set_: SetOpt = None,
    time_limit: Annotated[Optional[float], typer.Option("--time-limit", help="seconds (default: scenario)", callback=_time_limit_ok)] = None,
    gap: Annotated[Optional[float], typer.Option("--gap", help="relative MIP gap, e.g. 0.01 (default: scenario)", callback=_gap_ok)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="print only where results went")] = False,
) -> None:
    """Solve a scenario, verify the plan, print a summary and write results."""
    from planner.api import Planner
    from planner.io.output import write_results
    from planner.config.scenario import load_scenario
    from planner.paths import output_root
    from planner.reporting.summary import text_summary

    try:
        loaded = load_scenario(scenario, set_ or [])
        planner = Planner(loaded)
        if not quiet:
            typer.echo(_say("cli.solving"), err=True)
        with _ctrl_c_stops(planner):
            result = planner.solve(time_limit=time_limit, gap=gap, progress=_progress_lines(quiet))
    except PlannerError as e:
        _fail(e)
        return
    if time_limit is not None:
        loaded.scenario.solver.time_limit_s = time_limit
    if gap is not None:
        loaded.scenario.solver.mip_rel_gap = gap
    dest = out or (output_root() / "results" / loaded.scenario.name)
    write_results(result, loaded, dest)
    if not quiet:
        typer.echo(text_summary(result, lang=_LANG))  # warnings included
    else:
        for w in result.warnings:
            typer.secho(_say("cli.warning", text=w), fg=typer.colors.YELLOW, err=True)
    typer.echo(_say("cli.results_written", dest=dest))
    if not result.report.has_plan:
        raise typer.Exit(code=1)
    if result.verifier is not None and not result.verifier.ok:
        typer.secho(_say("cli.verifier_violations"), fg=typer.colors.RED, err=True)
        raise typer.Exit(code=3)


@app.command()
def check(scenario: ScenarioArg = None, set_: SetOpt = None) -> None:
    """Validate the inputs and run the pre-solve checks, without solving."""
    from planner.api import Planner
    from planner.config.scenario import load_scenario

    try:
        planner = Planner(load_scenario(scenario, set_ or []))
    except PlannerError as e:
        _fail(e)
        return
    inp = planner.inputs
    typer.echo(_say("cli.check_scenario", name=inp.scenario.name, regions=len(inp.regions),
                    tiers=_names("tier", inp.tiers), modalities=_names("modality", inp.modalities),
                    first=inp.years[0], last=inp.years[-1]))
    typer.echo(_say("cli.check_stock", year=inp.scenario.years.base_year, units=[
        msg("cli.check_stock_units", mod=m, n=inp.stock_base[:, :, i].sum()) for i, m in enumerate(inp.modalities)]))
    typer.echo(_say("cli.check_required_spend", need=planner.checks.required_spend_wan, budget=inp.budget_total_wan))
    for w in planner.checks.warnings:
        typer.secho(_say("cli.warning", text=w), fg=typer.colors.YELLOW)
    if planner.checks.errors:
        for e in planner.checks.errors:
            typer.secho(_say("cli.problem", text=e), fg=typer.colors.RED)
        raise typer.Exit(code=1)
    typer.echo(_say("cli.all_checks_passed"))


@app.command()
def export(
    scenario: Annotated[Path, typer.Argument(help="scenario TOML")],
    out: Annotated[Path, typer.Argument(help="file to write: OUT.mps or OUT.lp (the suffix picks the format)")],
    writer: Annotated[str, typer.Option("--writer", help="highs (fast; the matrices the planner solves) or "
                                                         "pyomo (the Pyomo model's writer)")] = "highs",
    set_: SetOpt = None,
) -> None:
    """Write a scenario's planning model as an MPS or LP file, to solve with any solver or benchmark one."""
    from planner.io.export import export_model, model_format

    try:
        model_format(out)  # a wrong suffix is reported before the model is built
        loaded, planner = _load_planner(scenario, set_)
        done = export_model(planner.build(), out, writer, keep=(Path(loaded.source),))
    except (PlannerError, OSError) as e:
        _fail(e)
        return
    for problem in planner.checks.errors:   # messages: said in --lang (a str + Message raised TypeError)
        typer.secho(_say("cli.export_no_feasible_plan", text=problem), fg=typer.colors.YELLOW, err=True)
    if planner.scenario.equity.objective != "efficiency":
        typer.echo(_say("cli.export_equity_note", measure=_measure(planner.scenario.equity.objective
                                                                   .removeprefix("min_max_"))), err=True)
    typer.echo(done.line(_LANG))


def _load_planner(scenario, set_):
    from planner.api import Planner
    from planner.config.scenario import load_scenario

    loaded = load_scenario(scenario, set_ or [])
    return loaded, Planner(loaded)


def _write_study(loaded, suffix: str, out: Path | None, tables: dict, results, names) -> Path:
    """Write a multi-plan study: its tables (CSV) and each plan's result folder. Returns the folder."""
    from planner.io.files import atomic_write_csv
    from planner.io.output import write_results
    from planner.paths import output_root

    dest = out or (output_root() / "results" / f"{loaded.scenario.name}-{suffix}")
    dest.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        atomic_write_csv(dest / name, table)
    for name, r in zip(names, results):
        if r is not None and r.report.has_plan:   # None: a frontier point not solved (its row says why)
            write_results(r, loaded, dest / name)
    return dest


StudyOut = Annotated[Optional[Path], typer.Option("--out", help="folder (default results/<name>-<study>)")]
SolveTimeOpt = Annotated[Optional[float], typer.Option("--time-limit", help="seconds per solve (default: scenario)", callback=_time_limit_ok)]
SolveGapOpt = Annotated[Optional[float], typer.Option("--gap", help="relative MIP gap (default: scenario)", callback=_gap_ok)]


def _study_line(done: int, total: int, label: str, result) -> None:
    """One stderr line per plan of a frontier or alternatives run (they solve several MIPs in a row)."""
    rep = result.report
    gap = "" if rep.gap is None else msg("cli.study_gap", gap=rep.gap)
    typer.echo(_say("cli.study_plan", done=done, total=total, label=_plan_label(label), **_status(rep.status),
                    gap=gap), err=True)


def _measure(name: str):
    """A frontier's measure named in a sentence: shortfall / travel (缺口 / 出行), another name as it is."""
    from planner.studies.frontier import MEASURE_WORDS

    return msg(MEASURE_WORDS[name]) if name in MEASURE_WORDS else name


def _status(code: str) -> dict:
    """A solver status as a line's parameters: status_code, which the English says, and status, its words from
    the labels catalog (value.status.optimal: 最优), which the Chinese says."""
    from planner.messages import catalog

    words = f"value.status.{code}"
    return {"status_code": code, "status": msg(words) if words in catalog("en") else code}


# The labels the studies give their plans (planner.studies.frontier / alternatives), said in --lang
_PLAN_LABELS = {"efficiency": "cli.plan_efficiency", "equity": "cli.plan_equity", "best": "cli.plan_best"}


def _plan_label(label: str):
    import re

    if label in _PLAN_LABELS:
        return msg(_PLAN_LABELS[label])
    alt = re.fullmatch(r"alternative[ _](\d+)", label)
    if alt:
        return msg("cli.plan_alternative", n=int(alt.group(1)))
    eps = re.fullmatch(r"ε = (.+)", label)
    return msg("cli.plan_epsilon", eps=eps.group(1)) if eps else label


# A study table's columns the labels catalog has no entry for (the app names them in its own words)
_STUDY_COLUMNS = {"point": "cli.column_point", "plan": "cli.column_plan", "measure": "cli.column_measure",
                  "above_best_pct": "cli.column_above_best_pct", "units_moved_pct": "cli.column_units_moved_pct"}


def _table(df, floats: str):
    """A study's table as printed: its machine columns and status codes in English (as written to the CSV),
    the columns' labels, statuses and plan labels in Chinese."""
    from planner.messages import labels

    if _LANG != "en":
        df = df.copy()
        for col in ("point", "plan"):
            if col in df:
                df[col] = [text(_plan_label(v), _LANG) for v in df[col]]
        if "status" in df:
            df["status"] = [text(_status(v)["status"], _LANG) for v in df["status"]]
        df.columns = [_say(_STUDY_COLUMNS[c]) if c in _STUDY_COLUMNS else labels.header(c, _LANG) for c in df.columns]
    return df.to_string(index=False, float_format=lambda v: format(v, floats))


@app.command()
def frontier(
    scenario: ScenarioArg = None,
    out: StudyOut = None,
    measure: Annotated[str, typer.Option("--measure", help="shortfall (largest per-million shortfall) or "
                                                            "travel (longest travel to the nearest unit)")] = "shortfall",
    points: Annotated[int, typer.Option("--points", help="plans on the frontier, both ends included")] = 5,
    set_: SetOpt = None, time_limit: SolveTimeOpt = None, gap: SolveGapOpt = None,
) -> None:
    """Efficiency-equity frontier: from the most efficient plan to the one leaving no region furthest behind."""
    from planner.studies.frontier import frontier as run_frontier

    try:
        loaded, planner = _load_planner(scenario, set_)
        fr = run_frontier(planner, measure, points, time_limit, gap, progress=_study_line)
    except PlannerError as e:
        _fail(e)
        return
    dest = _write_study(loaded, "frontier", out, {"frontier.csv": fr.table}, fr.results,
                        [f"point_{i}" for i in range(len(fr.results))])
    cols = ["point", "status", "gap", "measure", "weighted_sum_objective", "spend_wan_cny", "unmet_thousand_exams"]
    typer.echo(_say("cli.frontier_heading", measure=_measure(measure), unit=fr.unit_words))
    typer.echo(_table(fr.table[cols], ",.3f"))
    typer.echo(text(fr.conclusion_words(), _LANG))
    for point, why in zip(fr.table["point"], fr.table["why_no_plan"]):
        if why:
            typer.echo(_say("cli.frontier_why", point=_plan_label(point), text=why))
    typer.echo(_say("cli.frontier_written", dest=dest))


@app.command()
def alternatives(
    scenario: ScenarioArg = None,
    out: StudyOut = None,
    k: Annotated[int, typer.Option("-k", "--count", help="how many alternative plans")] = 3,
    within: Annotated[float, typer.Option("--within", help="percent above the best objective allowed")] = 5.0,
    set_: SetOpt = None, time_limit: SolveTimeOpt = None, gap: SolveGapOpt = None,
) -> None:
    """Plans within a percentage of the best one but materially different, and how they differ."""
    from planner.studies.alternatives import alternatives as run_alternatives

    try:
        loaded, planner = _load_planner(scenario, set_)
        alt = run_alternatives(planner, k, within, time_limit, gap, progress=_study_line)
    except PlannerError as e:
        _fail(e)
        return
    names = ["best"] + [f"alternative_{i}" for i in range(1, len(alt.results))]
    dest = _write_study(loaded, "alternatives", out, {"alternatives.csv": alt.table, "by_region.csv": alt.by_region},
                        alt.results, names)
    typer.echo(_say("cli.alternatives_heading", n=len(alt.results) - 1, within=within))
    cols = ["plan", "status", "weighted_sum_objective", "above_best_pct", "units_bought", "units_moved_pct"]
    typer.echo(_table(alt.table[cols], ",.2f"))
    typer.echo(_say("cli.alternatives_differences"))
    for line in alt.difference_words():
        typer.echo("  " + text(line, _LANG))
    if len(alt.results) - 1 < k:
        typer.echo(_say("cli.alternatives_only", found=len(alt.results) - 1, k=k, within=within))
    typer.echo(_say("cli.alternatives_written", dest=dest))


@app.command()
def locate(
    source: Annotated[Path, typer.Argument(help="a scenario TOML (its regions, travel and population) or a "
                                                "region table CSV: code, population[, centroid_lon, centroid_lat, "
                                                "candidate, existing]")],
    model: Annotated[str, typer.Option("--model", help="p-median, max-cover, set-cover or p-center")] = "p-median",
    p: Annotated[Optional[int], typer.Option("--p", help="number of NEW sites (existing ones stay open)")] = None,
    limit: Annotated[Optional[float], typer.Option("--limit", help="travel limit, minutes (covering models)")] = None,
    exam_type: Annotated[str, typer.Option("--exam-type", help="with a scenario: whose units are the sites")] = "CT",
    travel: Annotated[Optional[Path], typer.Option("--travel", help="with a table: from_code,to_code,minutes|km")] = None,
    road_graph: Annotated[bool, typer.Option("--road-graph", help="the travel table is a road network's edges")] = False,
    out: Annotated[Optional[Path], typer.Option("--out", help="folder (default results/locate-<model>)")] = None,
    set_: SetOpt = None,
    time_limit: Annotated[float, typer.Option("--time-limit", help="seconds", callback=_time_limit_ok)] = 300.0,
) -> None:
    """Classic location models (p-median, maximal covering, set covering, p-center) on regions."""
    from planner.location import regions as loc
    from planner.paths import output_root

    try:
        if source.suffix.lower() == ".toml":
            inst = loc.from_scenario(source, exam_type, set_ or [])
        else:
            inst = loc.from_table(source, travel, road_graph)
        result = loc.solve(inst, model, p, limit, time_limit)
    except PlannerError as e:
        _fail(e)
        return
    dest = loc.write(result, inst, out or output_root() / "results" / f"locate-{model}")
    typer.echo(_say("cli.locate_result", name=model, **_status(result.status),
                    objective=result.objective, bound=result.bound, gap=result.gap * 100,
                    existing=len(result.existing), new=len(result.new_sites),
                    sites=", ".join(str(result.site_labels[j]) for j in result.new_sites[:20])))
    typer.echo(_say("cli.locate_written", dest=dest))


def _progress_printer(quiet: bool):
    """A one-line progress display: done/total, failures, elapsed and time left."""
    def show(p) -> None:
        if quiet:
            return
        eta = "?" if p.eta is None else msg("cli.batch_seconds", s=p.eta)
        bar = "#" * int(30 * p.done / max(p.total, 1))
        typer.echo(f"\r[{bar:<30}] " + _say("cli.batch_progress", done=p.done, total=p.total, failed=p.failed,
                                            elapsed=p.elapsed, eta=eta), nl=p.done == p.total, err=True)
    return show


def _run_batch(cases, out: Path, time_limit, gap, chunk_size, workers, scheduler, resume, quiet) -> None:
    from planner.distributed.batch import BatchRunner

    runner = BatchRunner(cases, out, time_limit=time_limit, gap=gap, chunk_size=chunk_size, workers=workers,
                         scheduler=scheduler, resume=resume)
    df = runner.run(progress=_progress_printer(quiet))
    failed = int((df["status"] == "failed").sum()) if len(df) else 0
    typer.echo(_say("cli.batch_done", n=len(df), out=out, failed=failed))
    if failed:
        for _, r in df[df["status"] == "failed"].head(5).iterrows():   # the error as results.csv keeps it
            typer.secho(_say("cli.batch_failed", case=r["case_id"], overrides=r.get("overrides", ""), error=r["error"]),
                        fg=typer.colors.RED, err=True)


BatchOpts = {
    "out": typer.Option("--out", help="results folder"),
    "time_limit": typer.Option("--time-limit", help="seconds per solve (default: scenario)", callback=_time_limit_ok),
    "gap": typer.Option("--gap", help="relative MIP gap (default: scenario)", callback=_gap_ok),
    "chunk_size": typer.Option("--chunk-size", help="cases solved on one built model (budget-only differences)"),
    "workers": typer.Option("--workers", help="parallel processes or Dask workers (default: CPU count)"),
    "scheduler": typer.Option("--scheduler", help="Dask scheduler address, or 'local' for a LocalCluster"),
    "resume": typer.Option("--resume", help="continue an interrupted run: only unfinished cases are solved"),
    "quiet": typer.Option("--quiet", help="no progress line"),
}


@app.command()
def sweep(
    scenario: Annotated[Path, typer.Argument(help="scenario TOML")],
    vary: Annotated[list[str], typer.Option("--vary", help="key=LO:HI:N or key=v1,v2 (repeatable: a grid)")],
    out: Annotated[Path, BatchOpts["out"]],
    set_: SetOpt = None,
    time_limit: Annotated[Optional[float], BatchOpts["time_limit"]] = None,
    gap: Annotated[Optional[float], BatchOpts["gap"]] = None,
    chunk_size: Annotated[int, BatchOpts["chunk_size"]] = 5,
    workers: Annotated[Optional[int], BatchOpts["workers"]] = None,
    scheduler: Annotated[Optional[str], BatchOpts["scheduler"]] = None,
    resume: Annotated[bool, BatchOpts["resume"]] = False,
    quiet: Annotated[bool, BatchOpts["quiet"]] = False,
) -> None:
    """Solve a grid of cases (e.g. --vary budget.total_wan_cny=1000000:5000000:20) and tabulate them."""
    from planner.distributed.batch import grid

    try:
        cases = grid(scenario, vary, set_ or [])
        _run_batch(cases, out, time_limit, gap, chunk_size, workers, scheduler, resume, quiet)
    except PlannerError as e:
        _fail(e)


@app.command()
def batch(
    scenarios: Annotated[list[Path], typer.Argument(help="scenario TOML files or folders of them")],
    out: Annotated[Path, BatchOpts["out"]],
    set_: SetOpt = None,
    time_limit: Annotated[Optional[float], BatchOpts["time_limit"]] = None,
    gap: Annotated[Optional[float], BatchOpts["gap"]] = None,
    workers: Annotated[Optional[int], BatchOpts["workers"]] = None,
    scheduler: Annotated[Optional[str], BatchOpts["scheduler"]] = None,
    resume: Annotated[bool, BatchOpts["resume"]] = False,
    quiet: Annotated[bool, BatchOpts["quiet"]] = False,
) -> None:
    """Solve a set of scenario files (one case each) and tabulate them."""
    from planner.distributed.batch import files_cases

    try:
        cases = files_cases(scenarios, set_ or [])
        _run_batch(cases, out, time_limit, gap, 1, workers, scheduler, resume, quiet)
    except PlannerError as e:
        _fail(e)


@app.command()
def report(
    results_dir: Annotated[Path, typer.Argument(help="folder written by planner sweep or planner batch")],
    out: Annotated[Optional[Path], typer.Option("--out", help="where to write (default RESULTS_DIR/report)")] = None,
    cases: Annotated[Optional[list[str]], typer.Option("--case", help="case ids for the small-multiple maps")] = None,
    modality: Annotated[str, typer.Option("--modality", help="modality for the maps")] = "CT",
    lang: Annotated[str, typer.Option("--lang", help="en or zh: language of the tables and figures")] = "en",
    font: Annotated[Optional[Path], typer.Option("--font", help="font file with Chinese characters for the "
                                                 "figures (default $PLANNER_CJK_FONT, else an installed one)")] = None,
) -> None:
    """Paper-ready tables (CSV, Markdown, LaTeX) and figures (PNG, SVG) from a sweep or batch.

    --lang zh writes them in Chinese, budget and spend in 亿元, with a CJK font (e.g. fonts-wqy-microhei);
    without one it stops before writing anything.
    """
    from planner.reporting.report.build import make_report

    try:
        files = make_report(results_dir, out, map_cases=cases or None, modality=modality, lang=lang, font=font)
    except PlannerError as e:
        _fail(e)
        return
    typer.echo(_say("cli.report_written", n=len(files), dest=out or results_dir / "report"))
    for f in files:
        typer.echo(f"  {f.name}")


@app.command("app", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def run_app(ctx: typer.Context) -> None:
    """Start the Streamlit app on 127.0.0.1 (pass Streamlit options through, e.g. --server.port 8600).

    Streamlit's own environment variables (STREAMLIT_SERVER_PORT, ...) work too. Nothing is fetched from
    the internet: maps are drawn from the repository's boundaries without tiles.
    """
    import os
    import subprocess

    from planner.paths import app_script

    cmd = [sys.executable, "-m", "streamlit", "run", str(app_script()), *app_args(ctx.args, os.environ)]
    raise typer.Exit(subprocess.call(cmd))


# Streamlit options `planner app` sets unless given on its command line or in Streamlit's environment variable.
# The flags, not a .streamlit/config.toml: Streamlit reads that from the current folder, and `planner app` runs
# from any folder (an installed wheel has no checkout). client.toolbarMode "minimal": no Deploy button and no
# developer or viewer menu (Rerun, Clear cache, Print, Settings: English words a planner does not need).
# server.maxUploadSize: MB, as planner.session.MAX_UPLOAD_BYTES (the uploaders say it in the planner's words).
APP_DEFAULTS = {"server.address": "127.0.0.1", "browser.gatherUsageStats": "false", "server.maxUploadSize": "50",
                "server.headless": "true", "client.toolbarMode": "minimal"}


def app_args(args: list[str], environ) -> list[str]:
    """The command line of `streamlit run`: the user's options, then APP_DEFAULTS not set either way."""
    import re

    out = list(args)
    for key, value in APP_DEFAULTS.items():
        # Streamlit's variable: STREAMLIT_ + the key in snake case (client.toolbarMode: STREAMLIT_CLIENT_TOOLBAR_MODE)
        env = "STREAMLIT_" + re.sub(r"(?<=[a-z])(?=[A-Z])", "_", key).replace(".", "_").upper()
        if not any(a.startswith(f"--{key}") for a in out) and env not in environ:
            out += [f"--{key}", value]
    return out


def main() -> None:
    """Entry point: a planner never sees a traceback; an unexpected failure is logged to a file."""
    try:
        app(standalone_mode=True)
    except KeyboardInterrupt:
        typer.echo(_say("cli.interrupted"), err=True)
        sys.exit(130)
    except Exception as e:  # noqa: BLE001 - last line of defence for people, not programmers
        import tempfile
        import traceback

        fd, log = tempfile.mkstemp(prefix="planner-error-", suffix=".log")
        with open(fd, "w", encoding="utf-8") as fh:
            traceback.print_exc(file=fh)
        typer.secho(_say("cli.internal_error", kind=e.__class__.__name__, error=e, log=log), fg=typer.colors.RED,
                    err=True)
        sys.exit(70)


if __name__ == "__main__":  # pragma: no cover
    main()
