# fuzzfox: the two commands of the README, plus the pieces they use.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.fuzzfox-installed

.PHONY: demo test test-all lint setup clean

setup: $(STAMP)

# torch goes first and pinned: 2.13.0 (CPU) lies on this machine's disk, and any
# spec it does not satisfy would download a multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check torch==2.13.0
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[torch,dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/fuzzfox run corpus/torch-inductor --jobs 2 --campaign reports/demo-campaign

test: $(STAMP)
	$(BIN)/pytest

test-all: $(STAMP)
	$(BIN)/pytest -m ''

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) reports/demo-campaign
