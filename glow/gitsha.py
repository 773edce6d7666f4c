"""Git's object ids, computed locally: a pure function shared by the GitHub layer (to tell
"unchanged" without uploading) and by decisions (to compare the template with a repository)."""

from __future__ import annotations

import hashlib


def git_blob_sha(data: bytes) -> str:
    """The sha git gives ``data`` as a blob."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
