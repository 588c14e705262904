"""A rival HiGHS run: the same model with another random seed, in its own process, beside the main run.

Why: on Sichuan by county x 5 years, HiGHS's time to a proven 1 % depends on its seed more than on any
setting (131.5 s with seed 1, 238.8 s with seed 0, issue 24), and one HiGHS run keeps one core busy. On a
machine with a second core, a second run with another seed costs no wall time. The two runs are one
answer: the better plan and the higher bound (both bound the same optimum). The first run that proves the
requested gap ends the race.

The rival reads the model from an MPS file written by the main HiGHS object at the moment the solve
starts (what-if changes included), so this file runs as a script with only highspy and numpy: it does
not import the planner. Its answer comes back as files, the metadata written last, by rename. Its
stderr goes to a file beside them (why a rival ended without an answer). It watches the process that
started it: if that dies (killed, crashed), the rival interrupts HiGHS and removes its folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

META, PLAN, LOG = "answer.json", "plan.npy", "stderr.txt"
POLL_EVERY_S = 0.25  # how often the main run's interrupt check looks at the rival
WATCH_EVERY_S = 1.0  # how often the rival checks that the process that started it is alive
# the race info's status when the main run proved the gap and ended the rival (HighsModel._with_rival)
# How a race ended when the rival gave no plan that counts (HighsModel._with_rival; solve._race_words words
# them for the planner). A rival that failed has "failed: <its last stderr line>".
FIRST_RUN_PROVED = "stopped: the first run proved the gap"
ENDED = "ended"
REJECTED = "plan rejected: it breaks a row of the model"
FAILED = "failed"
GRACE_S = 2.0  # how long past the rival's end the main run waits for its answer (writing it, HiGHS's loose clock)


class Rival:
    """One rival run. ``write`` is called with a path and writes the model there (MPS). ``end`` is when
    the rival must have answered, on the wall clock (``time.time()``): the rival's HiGHS gets what is left
    of it once Python has started and the model is read, so a slow start (a large MPS file) shortens its
    run instead of making its answer come after the main run stopped waiting (``until_end``)."""

    def __init__(self, write, seed: int, end: float, mip_rel_gap: float):
        self.folder = Path(tempfile.mkdtemp(prefix="planner-rival-"))
        self.seed = int(seed)
        self.end = float(end)
        model = self.folder / "model.mps"
        try:
            write(str(model))
            # stderr to a file, not a pipe nobody reads (a chatty rival would block on a full pipe): why a
            # rival ended without an answer is its last lines (failure)
            with open(self.folder / LOG, "wb") as log:
                self._proc = subprocess.Popen(
                    [sys.executable, __file__, str(model), str(self.folder), str(self.seed), repr(self.end),
                     repr(float(mip_rel_gap)), str(os.getpid())],
                    stdout=subprocess.DEVNULL, stderr=log)
        except BaseException:  # a model that cannot be written (disk full) or no process: no folder left behind
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        self._polled, self._answer = -np.inf, None
        self.failure: str | None = None  # set by stop(): why a rival that ended by itself left no answer

    def answer(self) -> dict | None:
        """The rival's answer once it has finished, else None (never waits)."""
        if self._answer is None and (self.folder / META).exists():
            meta = json.loads((self.folder / META).read_text(encoding="utf-8"))
            x = np.load(self.folder / PLAN) if meta.get("has_plan") else None
            self._answer = {**meta, "x": x}
        return self._answer

    def proved(self) -> bool:
        """True once the rival has proved the requested gap (checked at most every POLL_EVERY_S)."""
        now = time.monotonic()
        if now - self._polled < POLL_EVERY_S:
            return False
        self._polled = now
        a = self.answer()
        return a is not None and a["status"] == "optimal"

    def until_end(self) -> float:
        """Seconds the main run waits for the answer: until the rival's end, plus ``GRACE_S``."""
        return max(0.0, self.end - time.time()) + GRACE_S

    def wait(self, seconds: float, stop=None) -> dict | None:
        """The answer, waiting at most ``seconds`` for it, and no longer once ``stop()`` is true (a Stop
        asked while the main run waits); the process is ended either way, an interrupt included."""
        end = time.monotonic() + max(0.0, seconds)
        try:
            while True:
                try:
                    self._proc.wait(timeout=max(0.0, min(POLL_EVERY_S, end - time.monotonic())))
                    break
                except subprocess.TimeoutExpired:
                    if time.monotonic() >= end or (stop is not None and stop()):
                        break
            return self.answer()
        finally:
            self.stop()

    def stop(self) -> None:
        """End the rival and remove its files; a rival that had ended by itself without an answer leaves
        the reason in ``failure``."""
        ended_itself = self._proc.poll() is not None
        if not ended_itself:
            self._proc.kill()
            self._proc.wait()
        elif self.answer() is None and self.folder.exists():
            self.failure = _last_line(self.folder / LOG) or f"exit code {self._proc.returncode}"
        shutil.rmtree(self.folder, ignore_errors=True)


def _last_line(path: Path, limit: int = 200) -> str | None:
    """The last non-empty line of a (text) file, at most ``limit`` characters, or None."""
    try:
        with open(path, "rb") as f:
            f.seek(max(0, f.seek(0, os.SEEK_END) - 4096))
            lines = [ln.strip() for ln in f.read().decode("utf-8", "replace").splitlines() if ln.strip()]
    except OSError:
        return None
    return lines[-1][:limit] if lines else None


def _parent_alive(parent: int) -> bool:
    """Whether the process that started this one still runs: once it dies this process is handed to
    another parent (init), whatever is left of the old one (a zombie, a reused pid)."""
    if os.getppid() != parent:
        return False
    if os.name == "nt":  # os.kill(pid, 0) would end the process there
        return True
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _watch_parent(parent: int, folder: str, orphaned: threading.Event, done: threading.Event) -> None:
    """Every WATCH_EVERY_S: if the main process has died (killed, crashed; its Rival.stop never ran), set
    ``orphaned``, which interrupts HiGHS at its next check, and let the run remove the folder. If HiGHS
    does not come back within a few seconds (reading the model, a phase without checks), remove the
    folder here and end the process."""
    while not done.wait(WATCH_EVERY_S):
        if not _parent_alive(parent):
            orphaned.set()
            if not done.wait(3.0):
                shutil.rmtree(folder, ignore_errors=True)
                os._exit(1)
            return


def _run(model: str, folder: str, seed: int, end: float, mip_rel_gap: float, parent: int) -> None:
    orphaned, done = threading.Event(), threading.Event()
    threading.Thread(target=_watch_parent, args=(parent, folder, orphaned, done), daemon=True).start()
    try:
        _solve(model, folder, seed, end, mip_rel_gap, orphaned)
    finally:
        done.set()
        if orphaned.is_set():  # nobody will read an answer or remove the folder
            shutil.rmtree(folder, ignore_errors=True)


def _solve(model: str, folder: str, seed: int, end: float, mip_rel_gap: float, orphaned: threading.Event) -> None:
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.readModel(model)
    h.setOptionValue("time_limit", max(0.0, end - time.time()))  # what is left of the end once the model is read
    h.setOptionValue("mip_rel_gap", mip_rel_gap)
    h.setOptionValue("random_seed", seed)
    h.setOptionValue("threads", 1)

    def check(event) -> None:  # as planner.solver.compat.on_interrupt_checks (not imported: see the top)
        event.interrupt(orphaned.is_set())

    h.cbSimplexInterrupt += check
    h.cbIpmInterrupt += check
    h.cbMipInterrupt += check
    h.run()
    if orphaned.is_set():
        return
    ms, info = h.getModelStatus(), h.getInfo()
    has_plan = bool(info.primal_solution_status)
    status = {highspy.HighsModelStatus.kOptimal: "optimal",
              highspy.HighsModelStatus.kInfeasible: "infeasible"}.get(ms, "time_limit" if has_plan else "no_solution")
    out = Path(folder)
    if has_plan:
        np.save(out / PLAN, np.asarray(h.getSolution().col_value, dtype=float))
    bound = float(info.mip_dual_bound)
    meta = {"status": status, "has_plan": has_plan, "bound": bound if np.isfinite(bound) else None,
            "seconds": float(h.getRunTime()), "nodes": int(info.mip_node_count), "seed": seed,
            "detail": h.modelStatusToString(ms)}
    tmp = out / (META + ".tmp")
    tmp.write_text(json.dumps(meta), encoding="utf-8")
    os.replace(tmp, out / META)  # the answer appears whole or not at all


if __name__ == "__main__":
    a = sys.argv[1:]
    _run(a[0], a[1], int(a[2]), float(a[3]), float(a[4]), int(a[5]))
