# The front door. `make` (or `make help`) lists the targets; every target bootstraps .venv when it is missing
# or older than pyproject.toml, so a fresh clone needs nothing installed by hand but Python >= 3.11.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# GNU make reports every failed recipe as its own exit status 2, whatever the command returned. The targets whose
# codes mean something (spec-diff 0/1/2/3, conformance 0/1) say the command's own code on the last line, so a
# log keeps it; a script that branches on it runs the `suno-api` command itself.
exit_with = { status=$$?; echo "suno-api $(1) exited $$status (see its --help for what the code means)" >&2; exit $$status; }

.PHONY: help venv conformance mock mutants bench generate check-generated spec-diff drill lint typecheck test

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python >= 3.11 is required (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP) ## Create or refresh .venv (every other target does this itself)

conformance: $(STAMP) ## The main job: the conformance suite against the embedded mock (or SUNO_BASE_URL); reports in reports/
	@$(BIN)/suno-api conformance $(ARGS) || $(call exit_with,conformance)

mutants: $(STAMP) ## Spec-derived mutants: the suite's kill score per family (FAMILIES="rule-off enum-loose" for some)
	$(BIN)/python -m suno_conformance.mutants $(FAMILIES)

mock: $(STAMP) ## Serve the mock on loopback until Ctrl+C (PORT=8765; other settings from SUNO_MOCK_*)
	$(BIN)/suno-api mock --port $(or $(PORT),8765)

bench: $(STAMP) ## Measure every layer against its bare baseline; prints the table, writes reports/bench.json (QUICK=1: shorter)
	$(BIN)/python -m bench $(if $(QUICK),--quick)

generate: $(STAMP) ## Regenerate generated/ (effective spec + client) from spec/ and overlays/; SPEC=path for a candidate
	$(BIN)/python -m suno_api_build generate $(if $(SPEC),--spec $(SPEC))

check-generated: $(STAMP) ## Fail with a diff when generated/ is stale or was edited by hand
	$(BIN)/python -m suno_api_build check

spec-diff: $(STAMP) ## What a candidate spec changes: API surface, overlay health, rules coverage (NEW=path [OLD=path] [JSON=1] [MARKDOWN=1] [FAIL_ON=breaking])
	@test -n "$(NEW)" || { echo "usage: make spec-diff NEW=path/to/candidate.yaml [OLD=path] [JSON=1] [MARKDOWN=1] [FAIL_ON=breaking|possibly-breaking|any]"; exit 3; }
	@$(BIN)/suno-api spec diff $(NEW) $(or $(OLD),spec/suno-api.yaml) $(if $(JSON),--json) $(if $(MARKDOWN),--markdown) $(if $(FAIL_ON),--fail-on $(FAIL_ON)) || $(call exit_with,spec diff)

drill: $(STAMP) ## Rehearse the upgrade procedure for an upstream change on a scratch copy (CASE=name, all by default; TESTS=paths; ARGS="--workers auto")
	$(BIN)/python -m suno_api_build drill $(or $(CASE),$$($(BIN)/python -m suno_api_build drill --list | cut -d: -f1)) $(if $(TESTS),--tests $(TESTS)) $(ARGS)

lint: $(STAMP) ## ruff over the hand-written code
	$(BIN)/ruff check overlays conformance bench tests
	$(BIN)/ruff format --check overlays conformance bench tests

typecheck: $(STAMP) ## mypy --strict over generated/, the library, the build tooling, the conformance package and bench/
	$(BIN)/mypy generated/suno_api_client overlays/suno_api overlays/suno_api_build conformance/suno_conformance bench tests/typing

test: $(STAMP) ## Everything CI runs: drift gate, lint, typecheck, the test suite
	$(BIN)/python -m suno_api_build check
	$(MAKE) --no-print-directory lint typecheck
	$(BIN)/pytest -n auto --dist worksteal
