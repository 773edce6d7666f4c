#!/usr/bin/env bash
# Regenerate the two locks beside this script, at exact versions with the sha256 of every file of
# each version on PyPI:
# - requirements.lock: every package glow needs at run time (the [project] dependencies of
#   pyproject.toml, with their transitive dependencies) and the build backend that turns the
#   checkout into an installed glow (build-system requires). Every bot's job installs it.
# - authoring.lock: the same, plus the `authoring` extra (openai, langgraph, docker) and their
#   dependencies, with every package of requirements.lock at the same version. Installed alone
#   (it is a superset), by the admin repository's Author workflow only (actions/author).
#
# Resolved for the bots' machine: CPython 3.11 on Linux x86_64 (GitHub's ubuntu-latest), wheels
# only, so installing the lock never runs a package's build script.
#
# Run it from anywhere, after changing dependencies in pyproject.toml (tests/test_install_lock.py
# fails until the lock covers them again):
#   bash actions/install-glow/lock.sh
# Needs python3 and PyPI; uv comes from PyPI into a scratch venv that is deleted afterwards.
# More: docs/maintainers/dependencies.md.
set -euo pipefail

UV_VERSION="0.13.9"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

python3 -m venv "$scratch/venv"
"$scratch/venv/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"

# uv reads [project] dependencies from pyproject.toml but not [build-system] requires: hand it
# those as a second requirements file.
python3 - "$root/pyproject.toml" >"$scratch/build-system.in" <<'PY'
import sys
import tomllib

with open(sys.argv[1], "rb") as f:
    print("\n".join(tomllib.load(f)["build-system"]["requires"]))
PY

cd "$root"
"$scratch/venv/bin/uv" pip compile \
  pyproject.toml "$scratch/build-system.in" \
  --python-version 3.11 \
  --python-platform x86_64-unknown-linux-gnu \
  --no-build \
  --generate-hashes \
  --no-annotate \
  --no-strip-extras \
  --custom-compile-command "bash actions/install-glow/lock.sh" \
  --quiet \
  --output-file "$here/requirements.lock"

# The authoring lock keeps requirements.lock's versions (a constraint), so the Author job runs
# glow on exactly the dependencies the bots run it on, and only adds what authoring needs.
"$scratch/venv/bin/uv" pip compile \
  pyproject.toml "$scratch/build-system.in" \
  --extra authoring \
  --constraint "$here/requirements.lock" \
  --python-version 3.11 \
  --python-platform x86_64-unknown-linux-gnu \
  --no-build \
  --generate-hashes \
  --no-annotate \
  --no-strip-extras \
  --custom-compile-command "bash actions/install-glow/lock.sh" \
  --quiet \
  --output-file "$here/authoring.lock"
