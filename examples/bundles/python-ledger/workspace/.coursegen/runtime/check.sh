#!/bin/sh
# Runs the suite in $COURSEGEN_TESTS and writes one JUnit testcase per check to $COURSEGEN_RESULTS.
set -eu
export PYTHONDONTWRITEBYTECODE=1
exec python3 .coursegen/runtime/junit_runner.py "$COURSEGEN_TESTS" "$COURSEGEN_RESULTS"
