# make run   set up .venv, migrate, load the demo ward and serve on http://127.0.0.1:8000
# make test  set up .venv with the dev tools and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1:8000

.PHONY: run test lint format check messages backup bench clean

$(BIN)/activate:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

run: export DEBUG ?= 1
run: $(VENV)/.installed
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo $(if $(DEMO_PASSWORD),--password '$(DEMO_PASSWORD)')
	$(PY) manage.py runserver $(HOST)

test: export SECRET_KEY ?= test-only-not-secret
test: $(VENV)/.installed
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: export SECRET_KEY ?= check-only-not-secret
check: lint
	$(PY) manage.py makemigrations --check --dry-run

messages: export DEBUG ?= 1
messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l vi --no-obsolete --ignore '$(VENV)/*'
	$(PY) manage.py compilemessages -l vi

# Benchmarks (not part of make test): SQLite by default, PostgreSQL with DATABASE_URL.
bench: export SECRET_KEY ?= bench-only-not-secret
bench: $(VENV)/.bench
	$(PY) -m bench $(BENCH_ARGS)

$(VENV)/.bench: pyproject.toml | $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	touch $@

# A custom-format pg_dump of the PostgreSQL database in DATABASE_URL, into backups/.
backup:
	@test -n "$(DATABASE_URL)" || { echo "make backup: set DATABASE_URL=postgres://…"; exit 1; }
	mkdir -p backups
	pg_dump --format=custom --no-owner --file="backups/cauthia-$$(date +%Y%m%d-%H%M%S).dump" "$(DATABASE_URL)"
	@ls -t backups/*.dump | head -1

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
