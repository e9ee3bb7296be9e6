# Two commands do all the set-up on a fresh clone:
#   make run    the bot end to end on embedded defaults (demo sources, console chat)
#   make test   ruff and the whole test suite
PY ?= $(shell command -v python3.11 || command -v python3.12 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CONFIG ?= config.yaml

.PHONY: run test check lint bench clean install

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml constraints.txt Makefile
	$(BIN)/pip install -q -c constraints.txt -e '.[test,wechat]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/yuqing-bot run -c $(CONFIG)

check: $(STAMP)
	$(BIN)/yuqing-bot check -c $(CONFIG)

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP) lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	@for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache
