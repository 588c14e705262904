"""A solve that runs beside the page: progress as HiGHS improves the plan, and a Stop that keeps the best one.

The solve runs in its own thread, not in Streamlit's script thread. Streamlit answers any click by
stopping the script run at its next page write and starting a new run at once (``runner.fastReruns``),
so a solve inside the script thread either blocks the page or would be abandoned halfway through HiGHS.
Here each script run only *watches* the job kept in the session: it shows the latest progress, and
Stop asks the planner to cancel (HiGHS keeps its best plan, verified and labelled 'interrupted'). The
run that sees the job finished takes its result.

After a budget change on a solved model the job first makes the quick plan (``Planner.quick_plan``: the
previous purchases kept or trimmed to the new budget, verified, in about a second), which the page shows
at once below the progress while HiGHS improves on it, labelled (``label``) as the one plan on the page.
The quick plan and the solve share one deadline, the scenario's time limit.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import streamlit as st

from planner import Planner
from planner.api import quick_plan_seconds
from planner.config.scenario import LoadedScenario
from planner.errors import PlannerError
from planner.planning.results import PlanResult
from planner.solver import Progress
from planner.solver.deadline import Deadline

POLL_S = 0.5


@dataclass
class SolveJob:
    planner: Planner
    edited: LoadedScenario
    budget_wan: float
    latest: Progress | None = None
    quick: PlanResult | None = None      # the plan at once after a budget what-if, while HiGHS works
    result: PlanResult | None = None
    error: str | None = None
    exc: PlannerError | None = None      # the error itself, so the page says it from its message codes
    stop_asked: bool = False
    done: threading.Event = field(default_factory=threading.Event)
    quick_tried: threading.Event = field(default_factory=threading.Event)   # set once quick is made or not
    started: float = field(default_factory=time.perf_counter)

    def start(self) -> "SolveJob":
        threading.Thread(target=self._run, name="planner-solve", daemon=True).start()
        return self

    def _run(self) -> None:
        try:
            # A what-if on a built model has one deadline, as Planner.resolve_with_budget: the quick plan
            # draws its part from it (api.quick_plan_seconds) and the solve gets what is
            # left. A first solve builds the model inside solve(), whose deadline starts after the build.
            deadline = Deadline(self.planner.scenario.solver.time_limit_s) if self.planner.built else None
            try:
                if not self.stop_asked and deadline is not None:
                    self.quick = self.planner.quick_plan(quick_plan_seconds(deadline))
            finally:
                self.quick_tried.set()
            self.result = self.planner.solve(time_limit=deadline, progress=self._progress)
        except PlannerError as e:
            self.error, self.exc = str(e), e
        except Exception as e:  # noqa: BLE001  shown on the page, never lost in a thread
            self.error = f"{type(e).__name__}: {e}"
        finally:
            self.done.set()

    def _progress(self, p: Progress) -> None:
        self.latest = p

    def stop(self) -> None:
        self.stop_asked = True
        self.planner.cancel()


def running() -> SolveJob | None:
    job = st.session_state.get("solve_job")
    return job if isinstance(job, SolveJob) else None


def start(planner: Planner, edited: LoadedScenario) -> SolveJob:
    job = SolveJob(planner, edited, float(edited.scenario.budget.total_wan_cny)).start()
    st.session_state["solve_job"] = job
    return job


def watch(job: SolveJob, words, stop_label: str, waiting_label: str, done_label: str,
          show_quick=None, label=None) -> SolveJob:
    """Show the job's progress until it ends; returns the finished job (and forgets it in the session).
    ``show_quick(result)``, if given, draws the quick plan once it is there, below the progress, until
    the solve ends; ``label(job)`` names it above (what it is and its budget), refreshed at every poll."""
    box = st.status(waiting_label, expanded=True)
    line, stop_slot = box.empty(), box.empty()
    if stop_slot.button(stop_label, key="stop_solve", disabled=job.stop_asked):
        job.stop()
    label_slot, quick_slot = st.empty(), st.empty()
    shown = False
    while not job.done.is_set():
        line.markdown(words(job.latest, time.perf_counter() - job.started))
        if show_quick is not None and job.quick is not None:
            if label is not None:
                label_slot.subheader(label(job))
            if not shown:   # at once, also in a run after a click (Stop): no poll without the plan on screen
                with quick_slot.container():
                    show_quick(job.quick)
                shown = True
        # Until the quick plan is tried, wake the moment it is (not at the next poll: up to 0.5 s later)
        wake = job.quick_tried if show_quick is not None and not job.quick_tried.is_set() else job.done
        wake.wait(POLL_S)
    quick_slot.empty()
    label_slot.empty()
    line.empty()
    stop_slot.empty()   # a finished solve has nothing to stop: no stale button in the closed box
    box.update(label=done_label, state="complete", expanded=False)
    st.session_state.pop("solve_job", None)
    return job
