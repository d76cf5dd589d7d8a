# Everything installs into .venv; nothing is assumed on the machine but Python 3.11 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint eval bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The stamp files make a re-run skip the install unless pyproject.toml changed.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/ingest run samples --output out/samples.jsonl --rejects out/rejects.jsonl

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check ingest tests tools
	$(BIN)/ruff format --check ingest tests tools

# The quality gate: the benchmark's pages as HTML and as full-page plain text, scored against
# its gold bodies; fails when F1, precision or recall drops below eval/floors.json.
AEB ?= ../shared/bench/aeb

eval: $(VENV)/.installed
	$(BIN)/python tools/eval_aeb.py --bench $(AEB)

# The peers `make bench` measures ingest against live in their own environment, never in the
# project's. They get the same trafilatura as ingest, so that the ratios compare pipelines, not
# extractor versions (datatrove's [processing] extra would pin trafilatura < 1.12).
BENCH_VENV := .venv-bench
BENCH_ARGS ?=

$(BENCH_VENV)/.installed: $(VENV)/.installed
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet datatrove==0.10.1 fasttext-numpy2-wheel \
		fasteners orjson aiohttp requests \
		"trafilatura==$$($(BIN)/python -m pip show trafilatura | sed -n 's/^Version: //p')"
	touch $@

# make bench [SCALE=100000] [BENCH_ARGS=--quick|--profile|...]: see docs/performance.md.
bench: $(VENV)/.installed $(BENCH_VENV)/.installed
	$(BIN)/python tools/bench.py $(if $(SCALE),--scale $(SCALE)) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(BENCH_VENV) out
