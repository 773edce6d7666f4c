#!/bin/sh
# Starts the notes service on 127.0.0.1:8787; the harness polls /health until it answers.
set -eu
exec node server.js
