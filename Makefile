# trust-tipping: `make run` runs the main study, `make test` the whole test suite.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: install run worlds test stress-browser chaos bench bench-sweep bench-viz bench-soak viz figures lint docs baseline clean browser

install: $(STAMP)

$(STAMP): pyproject.toml scripts/find-python.sh
	@base=$$(scripts/find-python.sh) || exit 1; \
	  echo "Using $$base"; \
	  [ -x $(PY) ] || $$base -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# Debian's chromium for the browser tests (never `playwright install`: it downloads a browser).
browser:
	@[ -x /usr/bin/chromium ] || scripts/install-chromium.sh

run: install
	$(PY) run.py

# The verdict across plausible worlds (docs/worlds.md); `make run` then ends with its paragraph.
worlds: install
	$(PY) run.py worlds scenarios/worlds.toml

test: install browser
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

# The browser tests 10 times in a row while two CPU-bound processes load the machine.
stress-browser: install browser
	$(PY) scripts/stress_browser.py

# A sweep SIGKILLed many times and resumed (CHAOS_KILLS=12 by default; CHAOS_SEED to replay).
chaos: install
	$(PY) -m pytest -m chaos --chaos -s tests/experiments/test_chaos.py

# Every performance figure with its target, written to benchmarks/results.json (about 60 min:
# the 1,000,000-consumer run takes about 10, the week's split at 100,000 about 4, Dask against
# local processes, with and without Dask's profiler on the workers, about 8, make run and make
# worlds from a fresh clone about 15).
bench: install
	$(PY) benchmarks/bench_model.py --json
	$(PY) benchmarks/bench_week_split.py --json
	$(PY) benchmarks/bench_study.py --json
	$(PY) benchmarks/bench_sweep.py --memory-runs 0 --json
	$(PY) benchmarks/bench_worlds.py --worlds 0 1 3 8 2 4 --with-profiler --json
	$(PY) benchmarks/bench_wall.py --json

bench-sweep: install
	$(PY) benchmarks/bench_sweep.py

# The batch runner's peak memory over 2,000 short runs against 200.
bench-soak: install
	$(PY) benchmarks/bench_soak.py

viz: install
	$(PY) run.py viz

bench-viz: install
	$(PY) benchmarks/bench_viz.py

# Figures of a stored result: `make figures DIR=results/NAME` (default: the main study).
figures: install
	$(PY) run.py figures $(or $(DIR),results/essay_claim)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

# The manual in docs/ as a static site in site/; fails on a broken link or a page left out.
DOCS_STAMP := $(VENV)/.docs-installed

$(DOCS_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,docs]'
	@touch $(DOCS_STAMP)

docs: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict

# Rewrite the golden baseline (tests/golden/) after a change meant to move the model's output.
baseline: install
	$(PY) scripts/refresh_baseline.py

clean:
	rm -rf $(VENV) .pytest_cache site
