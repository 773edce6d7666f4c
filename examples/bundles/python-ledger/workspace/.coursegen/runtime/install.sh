#!/bin/sh
# The ledger uses the standard library alone: install only confirms Python 3.11 or newer.
set -eu
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    echo "coursegen: the ledger needs Python 3.11 or newer; set BASE_IMAGE to a newer python image" >&2
    exit 1
}
echo "coursegen: $(python3 --version) is ready"
