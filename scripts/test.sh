#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what the tests need, then runs them.
#
#   bash scripts/test.sh [PYTEST ARGS...]
#
# 1. As root where apt works: Chromium (visualization tests) and Virtuoso (SPARQL push test).
# 2. Where npm exists: Neo4j's Cypher parser/linter in tools/cypher-lint.
# 3. The venv with the test extras, mypy over kg/ and extractors/, then pytest.
# What cannot be installed here is said once; the tests that need it skip with the reason,
# except under CI=true, where a failed install fails the run (and tests/conftest.py turns
# skips into failures). pytest finding no tests (exit 5) is a failure too.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1
ci=false
case "${CI:-}" in 1|true|TRUE|True|yes) ci=true ;; esac

missing() {  # what could not be installed: a note, or under CI the end of the run
  if [ "$ci" = true ]; then echo "scripts/test.sh: $1 (CI=true: failing)" >&2; exit 1; fi
  echo "scripts/test.sh: $1; the tests that need it will skip" >&2
}

need=""
command -v virtuoso-t >/dev/null 2>&1 || need="$need virtuoso-opensource-7"
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need="$need chromium"
if [ -n "$need" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends $need >/dev/null; } \
      || missing "could not apt-get install$need"
  else
    missing "not installed:$need (run as root with apt, or install them yourself)"
  fi
fi

if [ -f tools/cypher-lint/package.json ]; then
  if command -v npm >/dev/null 2>&1; then
    npm_log="$(mktemp)"
    if ! (cd tools/cypher-lint && npm ci --no-audit --no-fund --loglevel=error) >"$npm_log" 2>&1; then
      # one retry: a registry hiccup should not fail the whole run
      sleep 5
      (cd tools/cypher-lint && npm ci --no-audit --no-fund --loglevel=error) >"$npm_log" 2>&1 \
        || { tail -n 20 "$npm_log" >&2; missing "npm ci in tools/cypher-lint failed"; }
    fi
    rm -f "$npm_log"
  else
    missing "npm is not installed: no Cypher linter"
  fi
fi

python3 -m venv .venv
.venv/bin/pip install -q -e ".[test]"
# types first: `mypy kg extractors` must report no errors (configured in pyproject.toml);
# the tests still run when it does not, and the run fails at the end
types=0
.venv/bin/python -m mypy kg extractors || types=$?
status=0
.venv/bin/python -m pytest -q "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "scripts/test.sh: pytest collected no tests" >&2
  exit 1
fi
if [ "$types" -ne 0 ] && [ "$status" -eq 0 ]; then
  echo "scripts/test.sh: mypy kg extractors reported errors (above)" >&2
  exit 1
fi
exit "$status"
