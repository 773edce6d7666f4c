"""git smart HTTP on the real bare repositories, through ``git http-backend``.

``git clone`` and ``git push`` work with a token as the password (any user name, e.g.
``x-access-token``). A push moves the refs the REST API sees and emits ``push`` (and ``create``,
and ``pull_request.synchronize``) events like any other write.
"""

from __future__ import annotations

import os
import re
import subprocess
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from glow.localhub import gitrules, gitstore
from glow.localhub.auth import authenticate, check_repo
from glow.localhub.routing import Ctx, HubError, Response

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub

# git serves a repository at https://host/owner/repo.git and at https://host/owner/repo alike
# (``clone_url`` ends in .git; people and tools use both): the smart HTTP endpoints under either.
ALLOWED = ("/info/refs", "/git-upload-pack", "/git-receive-pack", "/HEAD")
GIT_PATH = re.compile(r"^/(?P<owner>[^/]+)/(?P<repo>[^/]+?)(?P<suffix>\.git)?(?P<rest>/.*)?$")
_SMART_PATH = re.compile(r"^/[^/]+/[^/]+?(?:\.git)?(?:" + "|".join(map(re.escape, ALLOWED)) + ")$")

# Settings git http-backend's upload-pack runs with: partial clone filters, which GitHub serves
# (``git clone --filter=blob:none``; without this upload-pack ignores the filter and the client
# warns "filtering not recognized by server"). A partial clone fetches what it left out later,
# over protocol v2, which needs no further setting.
UPLOAD_PACK_CONFIG = {"uploadpack.allowFilter": "true"}


def is_git_path(path: str) -> bool:
    """Whether a request path is for git over HTTP: ``/owner/repo.git`` and below, or a smart
    HTTP endpoint of ``/owner/repo`` without the suffix."""
    return ".git/" in path or path.endswith(".git") or _SMART_PATH.match(path) is not None


def _plain(status: int, text: str, headers: dict[str, str] | None = None) -> Response:
    return Response(
        status, None, {"content-type": "text/plain", **(headers or {})}, raw=(text + "\n").encode()
    )


def handle_git(hub: Hub, ctx: Ctx) -> Response:
    m = GIT_PATH.match(ctx.path)
    if not m or (m.group("rest") or "") not in ALLOWED:
        return _plain(404, "Not Found")
    rest = m.group("rest") or ""
    pushing = rest == "/git-receive-pack" or ctx.q("service") == "git-receive-pack"
    try:
        principal = authenticate(hub.store, ctx.headers.get("authorization"))
    except HubError:
        return _plain(
            401, "Invalid username or token.", {"www-authenticate": 'Basic realm="localhub"'}
        )
    repo = hub.store.repo(m.group("owner"), m.group("repo"))
    try:
        check_repo(
            hub.store,
            principal,
            repo,
            "contents",
            "write" if pushing else "read",
            "write" if pushing else "read",
        )
    except HubError as err:
        if principal.kind == "anonymous":
            return _plain(
                401, "Authentication required.", {"www-authenticate": 'Basic realm="localhub"'}
            )
        if err.status == 404:
            return _plain(404, "Repository not found.")
        return _plain(403, f"Permission to {m.group('owner')}/{m.group('repo')}.git denied.")
    assert repo is not None
    git_dir = hub.store.git_dir(repo)
    before = gitstore.refs(git_dir) if rest == "/git-receive-pack" else None
    env: dict[str, str] = {}
    settings = list(UPLOAD_PACK_CONFIG.items())
    if before is not None:
        # A branch rule (protection or a ruleset) declines a ref as GitHub does (gitrules.py).
        updates = gitrules.pushed_refs(ctx.raw_body, ctx.headers.get("content-encoding"))
        html_url = f"{hub.urls.web}/{repo['full_name']}"
        refused = gitrules.refusals(hub.store, principal, repo, updates, html_url)
        if refused:
            env, more = gitrules.hook_config(hub.data_dir, refused)
            settings += more
    resp = _run_backend(
        hub, ctx, str(repo["id"]), rest, principal.login or "anonymous", env, settings
    )
    if before is not None:
        _after_push(hub, repo, before, principal)
    return resp


def _run_backend(
    hub: Hub,
    ctx: Ctx,
    repo_dir: str,
    rest: str,
    user: str,
    extra: dict[str, str],
    settings: list[tuple[str, str]],
) -> Response:
    qs = urlencode({k: v[-1] for k, v in ctx.query.items()})
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "GIT_PROJECT_ROOT": str(hub.store.git_root),
        "GIT_HTTP_EXPORT_ALL": "1",
        "PATH_INFO": f"/{repo_dir}{rest}",
        "REQUEST_METHOD": ctx.method,
        "QUERY_STRING": qs,
        "CONTENT_TYPE": ctx.headers.get("content-type", ""),
        "CONTENT_LENGTH": str(len(ctx.raw_body)),
        "REMOTE_USER": user,
        "REMOTE_ADDR": "127.0.0.1",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(hub.store.git_root),
        "GIT_CONFIG_COUNT": str(len(settings)),
        **extra,
    }
    for index, (key, value) in enumerate(settings):
        env[f"GIT_CONFIG_KEY_{index}"], env[f"GIT_CONFIG_VALUE_{index}"] = key, value
    if ctx.headers.get("content-encoding"):
        env["HTTP_CONTENT_ENCODING"] = ctx.headers["content-encoding"]
    if ctx.headers.get("git-protocol"):
        env["GIT_PROTOCOL"] = ctx.headers["git-protocol"]
    if any("\0" in value for value in env.values()):  # cannot reach a CGI environment
        return _plain(400, "Bad Request")
    proc = subprocess.run(
        ["git", "http-backend"], input=ctx.raw_body, env=env, capture_output=True, check=False
    )
    head, _, body = proc.stdout.partition(b"\r\n\r\n")
    if not _:
        head, _, body = proc.stdout.partition(b"\n\n")
    status, headers = 200, {}
    for line in head.decode(errors="replace").splitlines():
        name, _, value = line.partition(":")
        if name.lower() == "status":
            status = int(value.strip().split()[0])
        elif name:
            headers[name.lower()] = value.strip()
    return Response(status, None, headers, raw=body)


def _after_push(hub: Hub, repo: dict[str, Any], before: dict[str, str], principal: object) -> None:
    from glow.localhub.api.pushes import emit_push

    after = gitstore.refs(hub.store.git_dir(repo))
    zero = "0" * 40
    changed = False
    for ref in sorted(set(before) | set(after)):
        old, new = before.get(ref, zero), after.get(ref, zero)
        if old != new and ref.startswith(("refs/heads/", "refs/tags/")):
            changed = True
            emit_push(hub, repo, ref, old, new, principal)  # type: ignore[arg-type]
    if changed:
        with hub.store.lock:
            repo["pushed_at"] = hub.store.now_iso()
            hub.store.mark_dirty()
