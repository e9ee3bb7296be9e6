# Two commands do all the set-up on a fresh clone:
#   make run    the bot end to end on embedded defaults (demo sources, console chat)
#   make test   ruff (lint and format) and the whole test suite (the tests start their own Redis)
# Python 3.11 or 3.12 is required (the WeChat library does not run on 3.13);
# the first one found is used, or name one: make run PY=/usr/bin/python3.12
SUPPORTED := import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 12))
ifeq ($(origin PY),undefined)
PY := $(shell for p in python3.11 python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c '$(SUPPORTED)' 2>/dev/null && { echo $$p; break; }; done)
endif
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
CONFIG ?= config.yaml
DATA := data

.PHONY: run test check lint bench clean clean-data install

# The venv is made only with a supported interpreter, and removed again if making it fails.
$(BIN)/python:
	@if [ -z "$(PY)" ]; then echo "需要 Python 3.11 或 3.12，但没有找到（可安装后重试，或用 make PY=解释器路径 指定）" >&2; exit 1; fi
	@$(PY) -c '$(SUPPORTED)' 2>/dev/null || { echo "$(PY) 不是 Python 3.11 或 3.12（$$($(PY) --version 2>&1)），请用 make PY=解释器路径 指定" >&2; exit 1; }
	@echo "使用 $$($(PY) --version 2>&1)（$(PY)）创建 $(VENV)"
	@$(PY) -m venv $(VENV) && $(BIN)/python -m pip install -q --upgrade pip || { rm -rf $(VENV); echo "创建 $(VENV) 失败，已删除未完成的 $(VENV)" >&2; exit 1; }

$(STAMP): $(BIN)/python pyproject.toml constraints.txt Makefile
	@$(BIN)/python -c '$(SUPPORTED)' || { echo "$(VENV) 由不支持的 Python 创建（$$($(BIN)/python --version 2>&1)）：已删除，请重新运行" >&2; rm -rf $(VENV); exit 1; }
	$(BIN)/pip install -q -c constraints.txt -e '.[test,wechat,chats]'
	touch $(STAMP)

# everything both commands need (the test and training extras too), so `make test` can then run offline
install: $(TEST_STAMP)

run: $(STAMP)
	$(BIN)/yuqing-bot run -c $(CONFIG)

check: $(STAMP)
	$(BIN)/yuqing-bot check -c $(CONFIG)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The tests also exercise the training scripts: the `train` extra (scikit-learn and the public
# corpora's packages) is installed for them, not for `make run`.
$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install -q -c constraints.txt -e '.[test,wechat,chats,train]'
	touch $(TEST_STAMP)

test: $(TEST_STAMP) lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	@for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

# Caches and the venv only: data/ (incidents, audit trail, evidence) is never touched here.
clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
	@if [ -d $(DATA) ]; then echo "保留了 $(DATA)/（事件、操作记录、证据存档）；要删除它请用 make clean-data"; fi

# Deletes the demo's (or your) data: says what goes first.
clean-data:
	@if [ ! -d $(DATA) ]; then echo "$(DATA)/ 不存在，无需删除"; exit 0; fi; \
	echo "将删除 $(DATA)/ 及其中全部内容（事件、操作记录、证据存档、微信缓存）："; \
	du -sh $(DATA) 2>/dev/null; ls -1 $(DATA) | sed 's/^/  /'; \
	rm -rf $(DATA) && echo "已删除 $(DATA)/"
