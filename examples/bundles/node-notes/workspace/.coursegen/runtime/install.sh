#!/bin/sh
# The service has no npm dependencies: install only confirms Node.js 20 or newer.
set -eu
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || {
    echo "coursegen: the notes service needs Node.js 20 or newer; set BASE_IMAGE to a newer node image" >&2
    exit 1
}
echo "coursegen: Node.js $(node --version) is ready"
