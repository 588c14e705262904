# Two commands for a fresh machine with Python 3.11 and make:
#   make run   - create .venv, install from the lock, solve the default scenario, print a summary, write results/
#   make test  - create .venv if missing, install from the lock, run the whole test suite (non-browser tests
#                on 2 xdist workers, then the browser tests serially)
# Also:
#   make test-fast    - the suite without the slow, browser and Dask tests (for development)
#   make test-latest  - a separate venv with the newest releases pyproject.toml allows, installed from a built
#                       wheel (not the checkout), running the solver-facing tests and a solve of a shipped example
#   make messages     - check the message codes the source uses against the catalogs (scripts/messages.py)
#   make lock         - re-resolve the newest allowed releases and write requirements.lock (then run make test)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOCK   := requirements.lock
LATEST := .venv-latest
# The tests make test-latest runs: everything that drives HiGHS or Pyomo, plus the wheel's own solve.
SOLVER_TESTS := tests/test_solver_contract.py tests/test_solver_threads.py tests/test_pyomo_model.py \
                tests/test_hand_instances.py tests/test_invariants.py tests/test_location.py \
                tests/test_decompose.py tests/test_properties.py tests/test_wheel.py tests/test_race.py

.PHONY: run test test-fast test-latest lock check app data bench clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Exactly what the suite ran with: every package pinned by the lock, then the project itself without
# dependency resolution (so nothing newer slips in).
$(STAMP): $(BIN)/python $(LOCK) pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/planner solve models/baseline.toml --out results/baseline

app: $(STAMP)
	$(BIN)/planner app

check: $(STAMP)
	$(BIN)/planner check models/baseline.toml

messages: $(STAMP)
	$(BIN)/python scripts/messages.py

# Two steps: everything but the browser tests on 2 pytest-xdist workers (each test has its own tmp_path, run
# store and ports), then the browser tests alone, serially: they start `planner app` servers and Chromium,
# whose page loads time out when they compete with two solving workers. Both steps always run (CI shows every
# failure); either failing fails the target. loadgroup keeps tests marked xdist_group on one worker.
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup -m "not browser"; parallel=$$?; \
	$(BIN)/python -m pytest -m browser; browser=$$?; \
	test $$parallel -eq 0 && test $$browser -eq 0

test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup -m "not slow and not browser and not dask"

# A fresh venv each time: the newest releases that pyproject.toml allows, the project from a wheel.
test-latest:
	rm -rf $(LATEST) build dist dist.log
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --upgrade pip build
	$(LATEST)/bin/python -m build --wheel --outdir dist . > dist.log 2>&1 || (cat dist.log; exit 1)
	$(LATEST)/bin/python -m pip install --quiet "$$(ls dist/planner-*.whl)[test]"
	@echo "newest releases:"; $(LATEST)/bin/python -m pip list --format=freeze | grep -i -E '^(highspy|pyomo|numpy|pandas|scipy|pydantic|dask|distributed)=='
	cd $(LATEST) && bin/planner solve "$$(bin/python -c 'import planner.paths as p; print(p.DEFAULT_SCENARIO)')" --out results
	PLANNER_EXPECT_WHEEL=1 $(LATEST)/bin/python -m pytest $(SOLVER_TESTS)

# Re-resolve: newest releases pyproject.toml allows, with the test and data extras; the lock pins them all.
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet ".[test,data]"
	{ echo "# Every package the suite runs with, pinned. Made by 'make lock' on $$(date -u +%F) with Python $$($(PYTHON) -c 'import platform; print(platform.python_version())')."; \
	  echo "# make run / make test install exactly these, then the project with --no-deps."; \
	  .venv-lock/bin/python -m pip freeze --exclude-editable | grep -v -i '^planner[= @]'; } > $(LOCK).tmp
	mv $(LOCK).tmp $(LOCK)
	rm -rf .venv-lock

# Rebuild data/regions/ from ../shared/data/external.
data: $(STAMP)
	$(BIN)/python scripts/build_regions.py

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_model.py

clean:
	rm -rf $(VENV) $(LATEST) results .pytest_cache build dist dist.log
