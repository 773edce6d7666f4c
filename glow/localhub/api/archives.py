"""Repository archives: ``tarball`` and ``zipball`` answer 302 to a download link.

GitHub's documentation ("Download a repository archive (tar)"): without ``{ref}`` the default
branch; the answer is a redirect whose ``Location`` is on codeload, which for a private
repository carries a token that expires after five minutes (``glow/localhub/codeload.py``). A
ref that names no commit, or a repository the caller cannot read, is 404; an empty repository
is redirected, and the download is the 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from glow.localhub import codeload, gitstore
from glow.localhub.api.commits import resolve
from glow.localhub.api.common import repo_for
from glow.localhub.routing import Ctx, Response, not_found

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub


def register(hub: Hub) -> None:
    r = hub.router

    def archive(kind: str) -> Callable[[Ctx], Response]:
        def answer(ctx: Ctx) -> Response:
            repo = repo_for(hub, ctx, "contents", "read", "read")
            ref = ctx.params.get("ref") or repo["default_branch"]
            empty = not gitstore.branches(hub.store.git_dir(repo))
            if not empty and resolve(hub, repo, ref) is None:
                raise not_found()
            target = ref if empty else codeload.qualified_ref(hub, repo, ref)
            location = codeload.link(hub, repo, kind, target)
            return Response(302, None, {"location": location}, raw=b"")

        return answer

    for kind in codeload.KINDS:
        r.add("GET", f"/repos/{{owner}}/{{repo}}/{kind}/{{ref}}", archive(kind))
        r.add("GET", f"/repos/{{owner}}/{{repo}}/{kind}", archive(kind))
