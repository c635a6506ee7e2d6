#!/usr/bin/env bash
# Set up everything and run all tests: ./test.sh [pytest arguments]
# Starts a throw-away PostgreSQL server for the storage tests and stops it afterwards.
set -euo pipefail
cd "$(dirname "$0")"

echo "== setting up (system packages, .venv)"
MEDIATOR_SETUP_TESTS=1 bash scripts/setup.sh

# The checks come first: a style slip or a type error fails the run before the tests start.
# (pyproject.toml: ruff on everything; mypy strict on domain/ and services/, normal on the rest
# of the Qt-free core.)
echo "== ruff"
.venv/bin/ruff check mediator_desktop tests bench
echo "== mypy"
.venv/bin/mypy

echo "== starting the test PostgreSQL server"
MEDIATOR_TEST_PG_URL=$(bash scripts/pg-test-server.sh start)
export MEDIATOR_TEST_PG_URL
trap 'bash scripts/pg-test-server.sh stop || true' EXIT
echo "   $MEDIATOR_TEST_PG_URL"

export QT_QPA_PLATFORM=offscreen
export MEDIATOR_REQUIRE_OFFICE=1
echo "== running the tests"
set +e
.venv/bin/python -m pytest "$@"
code=$?
set -e
if [ "$code" = 5 ]; then
  echo "pytest collected no tests: that is a failure, not a pass" >&2
  exit 1
fi
exit "$code"
