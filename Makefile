# Two entry points: `make demo` and `make test`. Both set up .venv first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PATH := $(abspath $(BIN)):$(PATH)
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONHASHSEED := 0

.PHONY: setup lint demo test test-fast wheel bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[tf,course,dev]'
	touch $(STAMP)

demo: setup
	$(BIN)/python -m autograder.demo --project $(CURDIR)

lint: setup
	$(BIN)/ruff check autograder tests benchmarks reference_solutions assignments
	$(BIN)/lint-imports

test: setup lint
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow"

# The wheel students install (`pip install dist/int3121_autograder-*.whl`): the package only, no course sources.
wheel: setup
	$(BIN)/python -m pip wheel --no-deps -q -w dist .
	@ls dist/*.whl

bench: setup
	$(BIN)/python benchmarks/bench_grading.py

clean:
	rm -rf $(VENV) .demo dist build
