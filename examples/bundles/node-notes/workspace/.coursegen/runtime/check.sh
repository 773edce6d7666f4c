#!/bin/sh
# Runs the suite in $COURSEGEN_TESTS against the running service and writes JUnit XML to $COURSEGEN_RESULTS.
set -eu
set -- "$COURSEGEN_TESTS"/*.test.mjs
if [ ! -e "$1" ]; then
    echo "coursegen: no *.test.mjs checks in $COURSEGEN_TESTS" >&2
    exit 1
fi
# The JUnit reporter does not create its folder; node does it, so the image needs no coreutils.
node -e 'require("node:fs").mkdirSync(require("node:path").dirname(process.argv[1]), { recursive: true })' "$COURSEGEN_RESULTS"
exec node --test --test-reporter=junit --test-reporter-destination="$COURSEGEN_RESULTS" "$@"
