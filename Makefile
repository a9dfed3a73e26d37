# Chain Chief: `make run` (demo on SQLite) and `make test`. Both bootstrap a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := chainchief.settings

.PHONY: run test install deps npm static migrate demo browser pdf-deps clean bench worker

$(VENV)/.installed: pyproject.toml
	@echo "== Python packages: creating $(VENV) and installing the project with pip (first time: a few minutes of downloads)"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	@echo "== front-end packages: npm ci (bootstrap, echarts)"
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

deps: $(VENV)/.installed node_modules/.installed

# Collected (hashed and compressed) once, and again only when a static file, the vendored packages or the list of
# vendored files changes.
STATIC_SOURCES := $(shell find src -path '*/static/*' -type f 2>/dev/null) src/chainchief/web/finders.py
static: var/static/staticfiles.json
var/static/staticfiles.json: $(VENV)/.installed node_modules/.installed $(STATIC_SOURCES)
	@echo "== static files: collecting, hashing and compressing into var/static"
	$(PY) manage.py collectstatic --noinput --verbosity 0

migrate: deps
	@echo "== database: applying migrations"
	@mkdir -p var
	$(PY) manage.py migrate --noinput --verbosity 0

demo: migrate
	@echo "== demo data: loading (first time about a minute; later runs find it loaded)"
	$(PY) manage.py load_demo $(DEMO_ARGS)

install: static pdf-deps demo

run: install
	@echo "Chain Chief on http://127.0.0.1:$(PORT)/ (accounts: see README, password Demo#2026)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT) --noreload

# Runs queued background work (large imports); keep it running beside `make run`.
worker: migrate
	$(PY) manage.py db_worker

# Debian's Chromium for the browser tests (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null || { echo "Installing chromium and CJK fonts (apt)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk) \
	  || echo "could not install chromium: browser tests will be skipped"; }

# What the briefings' PDF files need from Debian: Pango for WeasyPrint, a CJK font, poppler's pdffonts/pdftoppm.
pdf-deps:
	@{ command -v pdffonts >/dev/null && ldconfig -p | grep -q libpangoft2 && fc-list | grep -qi "Noto Serif CJK"; } \
	  || { echo "Installing Pango, CJK fonts and poppler for the briefings' PDF files (apt)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 \
	   fonts-noto-cjk poppler-utils) || echo "could not install Pango/poppler: PDF briefings will fail"; }

# The suite runs in TEST_WORKERS processes (pytest-xdist; default: one per CPU), each with its own test database.
TEST_WORKERS ?= auto
test: deps static browser pdf-deps
	@echo "== tests: pytest in $(TEST_WORKERS) worker processes"
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

clean:
	rm -rf var test-artifacts

# The benchmark suite on PostgreSQL at province scale (starts PostgreSQL if it is down; generates the
# synthetic data set once into BENCH_DB and tops up what a data set made by an earlier version lacks).
# Results: a table on stdout and JSON in bench/results/.
BENCH_DB ?= chainchief_bench
BENCH_URL ?= postgres://postgres@127.0.0.1:5432/$(BENCH_DB)
BENCH_SCALE ?= province
bench: deps
	$(PY) -m pip install --quiet -e '.[test,bench]'
	@pg_isready -h 127.0.0.1 -p 5432 -q || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | sort -V | tail -n 1) main start
	@psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$(BENCH_DB)'" | grep -q 1 \
	  || psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $(BENCH_DB)"
	DATABASE_URL=$(BENCH_URL) $(PY) manage.py migrate --noinput --verbosity 0
	@DATABASE_URL=$(BENCH_URL) $(PY) manage.py shell -c "from chainchief.core.models import Region; raise SystemExit(0 if Region.objects.filter(code='370000').exists() else 1)" \
	  || DATABASE_URL=$(BENCH_URL) $(PY) manage.py gen_synthetic --scale $(BENCH_SCALE)
	DATABASE_URL=$(BENCH_URL) $(PY) manage.py gen_synthetic --top-up
	DATABASE_URL=$(BENCH_URL) $(PY) bench/cockpit.py
	DATABASE_URL=$(BENCH_URL) $(PY) bench/lists.py
	DATABASE_URL=$(BENCH_URL) $(PY) bench/chain_map.py
	DATABASE_URL=$(BENCH_URL) $(PY) bench/requests.py
	DATABASE_URL=$(BENCH_URL) $(PY) bench/ledger.py
	DATABASE_URL=$(BENCH_URL) $(PY) bench/investment.py
	DATABASE_URL=$(BENCH_URL) $(PY) bench/analytics.py
	DATABASE_URL=$(BENCH_URL) $(PY) bench/briefings.py
	DATABASE_URL=$(BENCH_URL) $(PY) bench/imports.py
	DATABASE_URL=$(BENCH_URL) $(PY) bench/load.py
