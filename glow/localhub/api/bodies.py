"""Bodies of issues, pull requests and comments: GitHub's size limit and their edit history.

GitHub refuses a body longer than 65,536 characters with a 422 whose error names the resource
and says "body is too long (maximum is 65536 characters)", on create and on update alike.

GitHub also keeps every earlier version of a body: anyone who can read the issue can open its
edit history ("Edited" menu; ``userContentEdits`` in GraphQL) until someone deletes a version by
hand. So a private string that reached a public body once stays readable even after an edit.
The hub keeps every version, the first included, in ``state["edits"]`` for tests to assert on
(``GET /_localhub/edits``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from glow.localhub.routing import HubError

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub

MAX_BODY = 65_536
Kind = Literal["issue", "pull_request", "comment"]


def check_body(body: Any, resource: str) -> None:
    """422 for a body over GitHub's limit (``resource``: Issue, IssueComment, PullRequest)."""
    if isinstance(body, str) and len(body) > MAX_BODY:
        raise HubError(
            422,
            "Validation Failed",
            errors=[
                {
                    "resource": resource,
                    "code": "custom",
                    "field": "body",
                    "message": f"body is too long (maximum is {MAX_BODY} characters)",
                }
            ],
        )


def record_version(
    hub: Hub,
    repo: dict[str, Any],
    kind: Kind,
    number: int,
    body: str | None,
    editor: str | None,
    *,
    comment_id: int | None = None,
) -> None:
    """Keep one version of a body (the caller holds the state lock)."""
    store = hub.store
    edits = store.data.setdefault("edits", [])
    edits.append(
        {
            "id": len(edits) + 1,
            "repo": repo["full_name"],
            "kind": kind,
            "number": number,
            "comment_id": comment_id,
            "body": body or "",
            "editor": editor,
            "at": store.now_iso(),
        }
    )
    store.mark_dirty()
