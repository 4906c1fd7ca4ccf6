# Two commands on a fresh machine: `make demo` and `make test`. Both create .venv when it is missing.
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do \
  command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(0 if (3,11) <= sys.version_info[:2] <= (3,12) else 1)' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo serve test unknowns lint rules-test docs golden bench clean

$(BIN)/mtus-check: pyproject.toml
	@test -n "$(PYTHON)" || { echo "needs Python 3.11 or 3.12 (durable-rules does not import on 3.13)"; exit 2; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

demo: $(BIN)/mtus-check
	$(BIN)/mtus-check review examples/requests/seed-003.yaml

serve: $(BIN)/mtus-check
	$(BIN)/mtus-check serve --demo

test: $(BIN)/mtus-check
	$(BIN)/python -m pytest

unknowns: $(BIN)/mtus-check
	MTUS_UNKNOWNS_SEEDS=100 $(BIN)/python -m pytest -q tests/decide/test_unknowns.py

lint: $(BIN)/mtus-check
	$(BIN)/mtus-check rules lint

rules-test: $(BIN)/mtus-check
	$(BIN)/mtus-check rules test

docs: $(BIN)/mtus-check
	$(BIN)/mtus-check rules docs

golden: $(BIN)/mtus-check
	$(BIN)/python tests/golden/regenerate.py

bench: $(BIN)/mtus-check
	$(BIN)/python benchmarks/engine.py
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/batch.py

clean:
	rm -rf $(VENV) build dist *.egg-info
