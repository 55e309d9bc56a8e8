# The two newcomer commands: `make run` and `make test`. Both build .venv first
# with a Python >= 3.12 found on PATH or under pyenv (scripts/find-python).
.PHONY: run test lint bench clean-venv

run:
	scripts/bootstrap
	.venv/bin/ceasefire run --out runs/march-2025 --replace

test:
	scripts/bootstrap test
	scripts/install-chromium
	.venv/bin/python -m pytest

lint:
	scripts/bootstrap test
	.venv/bin/ruff check sim tests experiments
	.venv/bin/ruff format --check sim tests experiments

bench:
	scripts/bootstrap
	.venv/bin/python experiments/bench_engine.py
