#!/bin/sh
# The ledger is a command-line tool, not a service: coursegen.yml declares no boot.
set -eu
echo "coursegen: the ledger has no service to boot"
