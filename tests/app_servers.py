"""`planner app` servers for the browser tests (tests/test_e2e_browser.py, tests/test_e2e_switch.py).

Each distinct server configuration starts once per pytest run: the fixtures are session-scoped and
registered in tests/conftest.py, so the two browser test files share one server of each kind instead of
starting their own (each start costs a cold server's first page load). A server is created only when a
test asks for it; `make test-fast` starts none.

What the tests sharing a server have in common is its run store (PLANNER_RUNS) and Streamlit's caches. Every
test opens its own browser, hence its own session (uploads, inputs, plans live in the session); the one test
that reads the saved-runs list of a shared server (test_upload_solve_twice_map_language_runs) looks for its
own two runs, which the list shows first (newest first), and the one that deletes runs
(test_switching_scenarios_resets_the_budget_the_solve_uses_and_delete_asks_first) has a server of its own.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PLANNER = Path(sys.executable).parent / "planner"
SMALL_MODELS = REPO / "tests" / "data" / "app_models"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _app_server(tmp_path_factory, tag: str = "", extra_env: dict | None = None):
    """Start `planner app` on a free port, wait until healthy, yield its URL, end the process group."""
    extra_env = extra_env or {}
    port = _free_port()
    env = {**os.environ, "PLANNER_RUNS": str(tmp_path_factory.mktemp(f"runs{tag}") / "runs.sqlite"), **extra_env}
    log = tmp_path_factory.mktemp(f"log{tag}") / "app.log"
    with open(log, "wb") as out:
        # No file watcher: an edit to app/*.py during the run would otherwise put "Source file changed" in the
        # status widget and the page would never look idle.
        proc = subprocess.Popen([str(PLANNER), "app", "--server.port", str(port), "--server.headless", "true",
                                 "--server.fileWatcherType", "none"],
                                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"planner app exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
            try:
                if urllib.request.urlopen(url + "_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                pass
            if time.time() > deadline:
                pytest.fail(f"planner app not healthy after 60 s:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield url
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)  # `planner app` runs streamlit as a child: end the whole group
            proc.wait(10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """The app with the shipped scenarios (models/)."""
    with _app_server(tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="session")
def small_app_url(tmp_path_factory):
    """A second app server whose scenario list is the small test scenario (31 provinces, 2 years)."""
    with _app_server(tmp_path_factory, "_small", {"PLANNER_MODELS": str(SMALL_MODELS)}) as url:
        yield url


@pytest.fixture(scope="session")
def two_scenarios_url(tmp_path_factory):
    """An app whose scenario list is small.toml and tight.toml (small with a 1,000,000 万元 budget), with a
    run store of its own: its test deletes the run it saved and expects none left."""
    from tests.test_app_switch import _models

    models = _models(tmp_path_factory.mktemp("models") / "m")
    with _app_server(tmp_path_factory, "_switch", {"PLANNER_MODELS": str(models)}) as url:
        yield url
