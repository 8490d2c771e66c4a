# Two entry points: `make demo` and `make test`. Both set up .venv first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PATH := $(abspath $(BIN)):$(PATH)
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONHASHSEED := 0

# The sandbox for student kernels. Overridable so that tests can run the rule without touching the system.
BWRAP ?= bwrap
APT_GET ?= apt-get
SETUP_UID ?= $(shell id -u)

.PHONY: setup bubblewrap lint demo test test-heavy selftest test-fast wheel bench bench-live clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[tf,course,cluster,dev]'
	@$(MAKE) --no-print-directory bubblewrap
	touch $(STAMP)

# Secure by default: install bubblewrap where we can (Debian/Ubuntu as root, with apt-get); anywhere else print
# the one command to run. Never fails the set-up: `grade` then says on the console that it runs unsandboxed
# (and `sandbox: require` in autograder.yaml refuses to).
bubblewrap:
	@if command -v $(BWRAP) >/dev/null 2>&1; then \
	  echo "bubblewrap: $$(command -v $(BWRAP))"; \
	elif [ "$(SETUP_UID)" = 0 ] && command -v $(APT_GET) >/dev/null 2>&1; then \
	  echo "installing bubblewrap (the sandbox of the student kernels): $(APT_GET) install -y bubblewrap"; \
	  DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -q bubblewrap >/dev/null 2>&1 || \
	  { $(APT_GET) update -q >/dev/null 2>&1 && \
	    DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -q bubblewrap >/dev/null 2>&1; } || \
	  echo "WARNING: installing bubblewrap failed; run: $(APT_GET) update && $(APT_GET) install bubblewrap"; \
	elif command -v $(APT_GET) >/dev/null 2>&1; then \
	  echo "WARNING: bubblewrap is not installed: grading would run student code WITHOUT a sandbox. Run: sudo apt-get install bubblewrap"; \
	elif command -v dnf >/dev/null 2>&1; then \
	  echo "WARNING: bubblewrap is not installed: grading would run student code WITHOUT a sandbox. Run: sudo dnf install bubblewrap"; \
	else \
	  echo "WARNING: bubblewrap is not installed: grading would run student code WITHOUT a sandbox. Install the package bubblewrap"; \
	fi

demo: setup
	$(BIN)/python -m autograder.demo --project $(CURDIR)

lint: setup
	$(BIN)/ruff check autograder tests benchmarks reference_solutions assignments
	$(BIN)/lint-imports

# The suite on TEST_WORKERS processes (pytest-xdist; a file, or a folder sharing session fixtures, stays on one).
TEST_WORKERS ?= 2
test: setup lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup -m "not selftest and not heavy"

# The whole-pipeline, cluster and fresh-virtualenv tests (about 10 minutes on 2 cores; CI runs it after make test).
test-heavy: setup
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup -m heavy

# Every week's full author check and selftest (minutes per week; CI runs it after make test).
selftest: setup
	$(BIN)/python -m pytest -m selftest tests/assignments

test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow"

# The wheel students install (`pip install dist/int3121_autograder-*.whl`): the package only, no course sources.
wheel: setup
	$(BIN)/python -m pip wheel --no-deps -q -w dist .
	@ls dist/*.whl

bench: setup
	$(BIN)/python benchmarks/bench_grading.py

# The seminar day under load: 80 voters at once for one group, then 10 s of changes (p50/p95, votes stored).
bench-live: setup
	$(BIN)/python benchmarks/bench_live.py

clean:
	rm -rf $(VENV) .demo dist build
