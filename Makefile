# The two newcomer commands: `make run` and `make test`. Both build .venv first
# with a Python >= 3.12 found on PATH or under pyenv (scripts/find-python).
.PHONY: run test dashboard lint bench calibrate-quick clean-venv

run:
	scripts/bootstrap
	.venv/bin/ceasefire run --out runs/march-2025 --replace

# Style first (ruff lint and format check: seconds), then the suite. The dashboard extra
# too: the browser tests drive the dashboard (skipped only outside CI). .ci/run runs this.
# The suite runs on TEST_WORKERS processes (pytest-xdist; CI has 2 cores); --dist loadscope
# sends each test file to one process, so a file's module fixtures are built once.
# One process: make test TEST_WORKERS=0. Then the gate on the model's patterns: `ceasefire
# check --quick` (validation/patterns.toml) exits 1 if any quick pattern fails; its table
# goes to a new temporary directory (about 35 s on 2 cores).
TEST_WORKERS ?= 2
CHECK_WORKERS ?= 2
test:
	scripts/bootstrap test,dashboard
	.venv/bin/ruff check sim tests benchmarks
	.venv/bin/ruff format --check sim tests benchmarks
	scripts/install-chromium
	.venv/bin/python -m pytest -n $(TEST_WORKERS) --dist loadscope
	.venv/bin/ceasefire check --quick --workers $(CHECK_WORKERS) --out "$$(mktemp -d)/check"

# Explore a scenario live in the browser: http://127.0.0.1:8765/ (Ctrl-C to stop).
dashboard:
	scripts/bootstrap dashboard
	.venv/bin/ceasefire dashboard $(SCENARIO)

lint:
	scripts/bootstrap test
	.venv/bin/ruff check sim tests benchmarks
	.venv/bin/ruff format --check sim tests benchmarks

bench:
	scripts/bootstrap
	.venv/bin/python benchmarks/bench_engine.py

# The shipped durability calibration reduced to 3,200 runs (seconds): the machinery end to
# end, its charts and calibrated scenario in runs/calibrate-durability-quick/.
calibrate-quick:
	scripts/bootstrap
	.venv/bin/ceasefire calibrate experiments/calibrate-durability-quick.toml --out runs/calibrate-durability-quick --replace
