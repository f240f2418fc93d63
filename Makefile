# Raptorflow — the two commands:
#   make run    install, migrate, seed the demo, start web + stream + worker + beat on embedded defaults
#   make test   install the dev requirements and run the test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
STREAM_PORT ?= $(shell expr $(PORT) + 1)
PYTEST_ARGS ?=

.PHONY: run test install install-dev migrate demo lint typecheck format lock clean schema schema-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-base: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/base.txt
	@touch $@

$(VENV)/.installed-dev: requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/dev.txt
	@touch $@ $(VENV)/.installed-base

install: $(VENV)/.installed-base
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

run: demo
	@echo ""
	@echo "Raptorflow is starting at http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/, login above)"
	@echo "Following runs (events?wait= and the event stream) at http://127.0.0.1:$(STREAM_PORT)/api/v1/runs/<id>/"
	@echo "Stop with Ctrl-C."
	@echo ""
	@# honcho gives each process its own PORT (5000, 5100, ...), so the ports are passed by their own names.
	PATH="$(abspath $(BIN)):$$PATH" WEB_PORT=$(PORT) STREAM_PORT=$(STREAM_PORT) $(BIN)/honcho start -f Procfile

test: install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy with the django and DRF plugins; what it checks, and how strictly, is [tool.mypy] in pyproject.toml.
typecheck: install-dev
	$(BIN)/mypy

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The committed OpenAPI schema (docs/openapi.yaml): `schema` regenerates it, `schema-check` fails when it drifts.
SCHEMA_FILE := docs/openapi.yaml
SPECTACULAR := $(BIN)/python manage.py spectacular --validate --fail-on-warn

# The typed Python client (clients/python/, an installable package) is generated from the committed schema.
CLIENT_DIR := clients/python
CLIENT_GEN := $(BIN)/python -m openapi_python_client generate --path $(SCHEMA_FILE) \
	--config clients/openapi-client-config.yaml --meta setup --overwrite

schema: install-dev
	$(SPECTACULAR) --file $(SCHEMA_FILE)
	$(CLIENT_GEN) --output-path $(CLIENT_DIR) >/dev/null

schema-check: install-dev
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(SPECTACULAR) --file "$$tmp/openapi.yaml" && \
	if ! diff -u $(SCHEMA_FILE) "$$tmp/openapi.yaml"; then \
		echo "$(SCHEMA_FILE) is out of date: run make schema" >&2; exit 1; \
	fi && \
	$(CLIENT_GEN) --output-path "$$tmp/client" >/dev/null && \
	if ! diff -r -q $(CLIENT_DIR) "$$tmp/client"; then \
		echo "$(CLIENT_DIR) is out of date: run make schema" >&2; exit 1; \
	fi

# Re-pin requirements/*.txt after editing requirements/*.in.
lock: install-dev
	cd requirements && for f in base prod dev; do \
		../$(BIN)/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links $$f.in -o $$f.txt; \
	done

clean:
	rm -rf $(VENV) var

# Benchmark (bench/run.py): Raptorflow's production-like stack vs a bare Django + DRF + Celery baseline,
# driven by wrk (apt-get install -y wrk) against local PostgreSQL and Redis. `bench` is the full run
# (about 15 minutes with its 5-minute soak; figures in bench/results/latest.json), `bench-quick` the
# two-minute CI profile.
.PHONY: bench bench-quick bench-tracing
bench: install-dev
	$(BIN)/python bench/run.py --out bench/results/latest.json

bench-quick: install-dev
	$(BIN)/python bench/run.py --quick --out var/bench-quick.json

# The multi-host failure test (tests/chaos/, docs/chaos.md): web, worker and the database/broker as separate hosts in
# Linux network namespaces, partitioned and healed while runs execute. Needs root, iproute2, nftables, PostgreSQL's
# server binaries and redis-server (nftables is installed here when missing); about four minutes, six at most.
.PHONY: chaos
chaos: install-dev
	@command -v nft >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nftables >/dev/null; }
	timeout 360 $(BIN)/pytest tests/chaos -m chaos -p no:randomly -v $(PYTEST_ARGS)

# What tracing costs on POST /api/v1/runs (bench/tracing.py): gunicorn with no OTEL_* variable against the same
# with OTLP export to a local dummy receiver (all traces, and 10 % sampled), interleaved rounds; about 2 minutes.
# Needs local PostgreSQL and a Redis (--redis); uses ports 8130-8133 (--port) and the raptorflow_bench_tracing DB.
bench-tracing: install-dev
	$(BIN)/python bench/tracing.py $(BENCH_TRACING_ARGS)

# Raptorflow against the LangGraph API server (bench/peers.py, decision 0034): the peer is installed from PyPI into
# its own virtual environment (bench/peers/.venv, pinned in bench/peers/requirements.txt), never into the app's;
# `make bench` does not need it. About 15 minutes; figures in bench/results/peers.json. Needs wrk, PostgreSQL, Redis.
PEERS_VENV := bench/peers/.venv
.PHONY: bench-peers
$(PEERS_VENV)/.installed: bench/peers/requirements.txt
	$(PYTHON) -m venv $(PEERS_VENV)
	$(PEERS_VENV)/bin/pip install --quiet -r bench/peers/requirements.txt
	@touch $@

bench-peers: install-dev $(PEERS_VENV)/.installed
	$(BIN)/python bench/peers.py $(BENCH_PEERS_ARGS)
