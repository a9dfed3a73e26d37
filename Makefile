# Chain Chief: `make run` (demo on SQLite) and `make test`. Both bootstrap a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := chainchief.settings

.PHONY: run test install deps npm static migrate demo browser clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

deps: $(VENV)/.installed node_modules/.installed

static: deps
	$(PY) manage.py collectstatic --noinput --verbosity 0

migrate: deps
	mkdir -p var
	$(PY) manage.py migrate --noinput --verbosity 0

demo: migrate
	$(PY) manage.py load_demo

install: static demo

run: install
	@echo "Chain Chief on http://127.0.0.1:$(PORT)/ (accounts: see README, password Demo#2026)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT) --noreload

# Debian's Chromium for the browser tests (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null || { echo "Installing chromium and CJK fonts (apt)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk) \
	  || echo "could not install chromium: browser tests will be skipped"; }

test: deps static browser
	$(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf var test-artifacts
