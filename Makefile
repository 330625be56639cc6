# Two commands for a newcomer: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo demo-data up test smoke fuzz lint bench bench-scale bench-load faults screenshots guide-screenshots clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## Set up the embedded database with demo data, then serve at http://127.0.0.1:8000
demo: demo-data
	$(PY) manage.py runserver --insecure 127.0.0.1:8000

demo-data: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

## The production shape on this machine: gunicorn, a Celery worker and beat on PostgreSQL and Redis
up: install
	@bash scripts/up.sh

## The whole check: ruff, import layers, migrations, mypy, pytest (PostgreSQL when reachable)
test: install
	@bash scripts/test.sh

## The API fuzzed longer than in `make test`: 100 generated requests per operation (PostgreSQL)
fuzz: install
	@eval "$$($(PY) scripts/test_database.py)" && NEXUS_FUZZ_EXAMPLES=$${NEXUS_FUZZ_EXAMPLES:-100} \
		DJANGO_SETTINGS_MODULE=nexus.settings.test $(VENV)/bin/pytest tests/api/test_fuzzing.py -q

## The short suite on embedded SQLite (CI runs it after `make test`)
smoke: install
	@bash scripts/smoke.sh

## Benchmarks on the local PostgreSQL (each creates its own database); see bench/README.md
bench: install
	$(PY) bench/transition_throughput.py
	$(PY) bench/reservations.py
	$(PY) bench/landed_cost.py
	$(PY) bench/replenishment.py

## Fault checks against the production shape on private ports (see bench/README.md, "Faults")
faults: install
	$(PY) bench/faults/worker_killed.py
	$(PY) bench/faults/broker_down.py
	$(PY) bench/faults/pg_restart.py

## Scale: the large demo (two years, 10,000 products) loaded and timed, its main lists measured
bench-scale: install
	$(PY) bench/scale.py

## Load: `make up` on 127.0.0.1:8765, a mixed workload stepped to saturation (bench/results/)
bench-load: install
	$(PY) bench/load/run.py

## The admin's main screens as PNG in docs/screenshots/ (demo data, Debian's chromium)
screenshots: demo-data
	$(PY) scripts/screenshots.py

## The user guide's pictures in docs/screenshots/guide/, taken by the browser tests (PostgreSQL)
guide-screenshots: install
	@eval "$$($(PY) scripts/test_database.py)" && NEXUS_GUIDE_SCREENSHOTS=docs/screenshots/guide \
		DJANGO_SETTINGS_MODULE=nexus.settings.test $(VENV)/bin/pytest tests/browser -q

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
