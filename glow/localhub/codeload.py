"""GitHub's archive downloads (codeload.github.com), served by the hub itself.

``GET /repos/{owner}/{repo}/tarball/{ref}`` answers 302 to a link here; the download is not an
API request (no rate limit, no Authorization header needed, none of the API's faults). GitHub's
link for a private repository carries a token that expires after five minutes (the REST
documentation, "Download a repository archive (tar)"); here the token is an HMAC over the
repository, the ref and the expiry, so it is bound to that repository and ref, and refused
after the hub's clock passes the expiry. A public repository's link needs no token.

The path starts ``/_codeload/``: no owner name starts with ``_``, so it cannot be git smart HTTP
(``/owner/repo.git/...``), and the API lives under ``/api/v3``.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import re
import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from glow.localhub import gitstore
from glow.localhub.routing import Ctx, Response

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub

PREFIX = "/_codeload/"
LINK_SECONDS = 300  # "these links are temporary and expire after five minutes"
KINDS = {"tarball": "legacy.tar.gz", "zipball": "legacy.zip"}
_PATH = re.compile(
    r"^/_codeload/(?P<owner>[^/]+)/(?P<repo>[^/]+)/(?P<kind>legacy\.tar\.gz|legacy\.zip)"
    r"/(?P<ref>.+)$"
)


def is_codeload_path(path: str) -> bool:
    return path.startswith(PREFIX)


def _key(hub: Hub) -> bytes:
    with hub.store.lock:
        key = hub.store.data.get("codeload_key")
        if key is None:
            key = hub.store.data["codeload_key"] = secrets.token_hex(32)
            hub.store.mark_dirty()
    return bytes.fromhex(str(key))


def _mac(hub: Hub, repo: dict[str, Any], ref: str, expires: int) -> str:
    message = f"{repo['id']}\0{ref}\0{expires}".encode()
    return hmac.new(_key(hub), message, hashlib.sha256).hexdigest()[:40]


def qualified_ref(hub: Hub, repo: dict[str, Any], ref: str) -> str:
    """The ref as GitHub's link names it: ``refs/heads/main``, ``refs/tags/v1``, or the sha."""
    git_dir = hub.store.git_dir(repo)
    for kind in ("heads", "tags"):
        if gitstore.valid_ref_name(ref) and gitstore.rev_parse(git_dir, f"refs/{kind}/{ref}"):
            return f"refs/{kind}/{ref}"
    return ref


def link(hub: Hub, repo: dict[str, Any], kind: str, ref: str) -> str:
    """The download link the API's 302 points to (``kind``: ``tarball`` or ``zipball``)."""
    owner, name = repo["full_name"].split("/", 1)
    url = f"{hub.urls.web}{PREFIX}{owner}/{name}/{KINDS[kind]}/{quote(ref, safe='/')}"
    if not repo["private"]:
        return url
    expires = int(hub.store.epoch()) + LINK_SECONDS
    return f"{url}?token={expires}-{_mac(hub, repo, ref, expires)}"


def _token_ok(hub: Hub, repo: dict[str, Any], ref: str, token: str | None) -> bool:
    expires_text, _, mac = (token or "").partition("-")
    if not expires_text.isdigit() or len(expires_text) > 12:
        return False
    expires = int(expires_text)
    fresh = hub.store.epoch() <= expires
    return fresh and hmac.compare_digest(mac, _mac(hub, repo, ref, expires))


def _not_found() -> Response:
    return Response(404, None, {"content-type": "text/plain; charset=utf-8"}, raw=b"404: Not Found")


def handle_codeload(hub: Hub, ctx: Ctx) -> Response:
    """One archive download: the files at the ref under ``{owner}-{repo}-{short sha}/``."""
    m = _PATH.match(ctx.path)
    if ctx.method not in ("GET", "HEAD") or m is None:
        return _not_found()
    ref = unquote(m.group("ref"))
    with hub.store.lock:
        repo = hub.store.repo(m.group("owner"), m.group("repo"))
        if repo is None or (repo["private"] and not _token_ok(hub, repo, ref, ctx.q("token"))):
            return _not_found()
        git_dir = hub.store.git_dir(repo)
        owner, name = repo["full_name"].split("/", 1)
    sha = gitstore.rev_parse(git_dir, ref) if gitstore.safe_rev(ref) else None
    if sha is None:  # an empty repository too: "you will receive a 404 when you follow"
        return _not_found()
    top = f"{owner}-{name}-{sha[:7]}"
    if m.group("kind") == "legacy.zip":
        body = gitstore.archive(git_dir, sha, top + "/", "zip")
        kind, suffix = "application/zip", "zip"
    else:
        # mtime 0: the same commit gives the same bytes, as GitHub's archives (mostly) do
        body = gzip.compress(gitstore.archive(git_dir, sha, top + "/", "tar"), mtime=0)
        kind, suffix = "application/x-gzip", "tar.gz"
    headers = {
        "content-type": kind,
        "content-disposition": f"attachment; filename={top}.{suffix}",
        "etag": f'"{hashlib.sha256(body).hexdigest()[:40]}"',
    }
    return Response(200, None, headers, raw=body)  # the server leaves a HEAD's body out
