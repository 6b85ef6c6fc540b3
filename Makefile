# Tidtam — two commands: `make run` and `make test`.
PYTHON ?= python3.13
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run TODAY=2027-01-12` seeds the demo as of that date (default: today).
TODAY ?=

.PHONY: run test install migrate seed lint messages clean

$(STAMP): pyproject.toml
	@test -x $(PY) || PYENV_VERSION=3.13.0 $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

# The seed's "log in at" line and the links in e-mails use the address the server runs on.
run seed: export SITE_URL ?= http://$(HOST):$(PORT)

seed: migrate
	$(PY) manage.py seed_demo $(if $(TODAY),--today $(TODAY))

run: seed
	$(PY) manage.py runserver $(HOST):$(PORT)

# pytest exits 5 when it collected no test: that must fail, like any other non-zero code.
# The suite runs on every core (pytest-xdist; at most 4 workers, each with its own test database);
# `make test PYTEST_XDIST=` runs it in one process. PYTEST_ARGS adds paths, -k, -x…
PYTEST_XDIST ?= -n auto --maxprocesses=4 --dist worksteal
test: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

messages: install
	$(PY) manage.py makemessages -l th --ignore '.venv/*' --ignore 'static/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles var .pytest_cache
