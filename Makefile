# make run   set up .venv from requirements.lock, migrate, load the demo ward and serve on
#            http://127.0.0.1:8000
# make test  set up .venv from requirements-dev.lock (and node_modules/ where npm is installed)
#            and run the whole suite
# make lock  pin requirements.lock and requirements-dev.lock again from pyproject.toml
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1:8000
# The browser tests' checkers come from npm (package-lock.json); without npm those tests skip.
NPM := $(shell command -v npm 2>/dev/null)

.PHONY: run test lint format check messages pictures lock backup bench clean

$(BIN)/activate:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Dependencies come only from the hashed locks. The project itself goes on top, editable and
# without dependencies (an editable install cannot be hash-checked); pip check then fails if a
# lock no longer satisfies pyproject.toml.
PIP_CHECK = @$(PY) -m pip check >/dev/null || { $(PY) -m pip check; \
	echo "Does a lock still fit pyproject.toml? make lock, then try again."; exit 1; }

$(VENV)/.project: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed: requirements.lock $(VENV)/.project
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PIP_CHECK)
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock $(VENV)/.project
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(PIP_CHECK)
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

run: export DEBUG ?= 1
run: $(VENV)/.installed
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo $(if $(DEMO_PASSWORD),--password='$(DEMO_PASSWORD)')
	$(PY) manage.py runserver $(HOST)

# One test worker a core (each with its own test database); TEST_WORKERS=0 runs in one process.
# A run ends with its ten slowest tests and its wall time; a test that takes over 15 s, setup
# included, fails it (tests/time_limit.py; TEST_TIME_LIMIT=off lifts that while debugging).
TEST_WORKERS ?= auto
test: export SECRET_KEY ?= test-only-not-secret
# Tests give each test a folder of its own; the settings still want one named, as in production.
test: export EVIDENCE_ROOT ?= $(CURDIR)/evidence
test: $(VENV)/.installed-dev $(if $(NPM),node_modules/.installed)
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: export SECRET_KEY ?= check-only-not-secret
check: export EVIDENCE_ROOT ?= $(CURDIR)/evidence
check: lint
	$(PY) manage.py makemigrations --check --dry-run

messages: export DEBUG ?= 1
messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l vi --no-obsolete --ignore '$(VENV)/*' --ignore 'node_modules/*'
	$(PY) manage.py compilemessages -l vi --ignore '$(VENV)/*' --ignore 'node_modules/*'

# The README's pictures of the 2023 report and workbook and of the 2024 estimate as LibreOffice
# renders them, in a Vietnamese and an English regional setting (needs LibreOffice and
# poppler-utils).
pictures: $(VENV)/.installed
	$(PY) docs/pictures.py

# Pinned, hashed dependencies from pyproject.toml: the runtime lock, then the dev lock with the
# same runtime pins. Pins that still fit are kept; LOCK_ARGS=--upgrade takes the newest allowed.
# The locks name no index: pip's own configuration says where packages come from.
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_ARGS)

lock: | $(BIN)/activate
	$(PY) -m pip install --quiet 'pip-tools>=7.6,<8'
	$(PIP_COMPILE) --output-file requirements.lock pyproject.toml
	$(PIP_COMPILE) --extra dev --constraint requirements.lock --output-file requirements-dev.lock \
		pyproject.toml

# Benchmarks (not part of make test): SQLite by default, PostgreSQL with DATABASE_URL.
bench: export SECRET_KEY ?= bench-only-not-secret
bench: export EVIDENCE_ROOT ?= $(CURDIR)/evidence
bench: $(VENV)/.installed
	$(PY) -m bench $(BENCH_ARGS)

# A custom-format pg_dump of the PostgreSQL database in DATABASE_URL, into backups/.
backup:
	@test -n "$(DATABASE_URL)" || { echo "make backup: set DATABASE_URL=postgres://…"; exit 1; }
	mkdir -p backups
	pg_dump --format=custom --no-owner --file="backups/cauthia-$$(date +%Y%m%d-%H%M%S).dump" "$(DATABASE_URL)"
	@ls -t backups/*.dump | head -1

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
