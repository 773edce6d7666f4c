"""The room as `glow project` reads and writes it: one listing of its issues and one of its
comments a run, then only the writes a decision asks for (a missing deliverable issue, a
scorecard that changed, a submission and its label)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from glow.markers import with_marker
from glow.room.project import copy
from glow.room.project.decide import (
    SUBMITTED_LABEL,
    deliverable_key,
    write_needed,
)

if TYPE_CHECKING:
    from glow.github import Repo
    from glow.harness.bundle import Deliverable


def issues(repo: Repo) -> list[dict[str, Any]]:
    return [i for i in repo.paginate(repo.url("issues"), {"state": "all"}) if isinstance(i, dict)]


def comments(repo: Repo) -> list[dict[str, Any]]:
    return [c for c in repo.paginate(repo.url("issues", "comments")) if isinstance(c, dict)]


def default_branch(repo: Repo, payload: Mapping[str, Any]) -> str:
    named = (payload.get("repository") or {}).get("default_branch")
    if isinstance(named, str) and named:
        return named
    info = repo.get_json(repo.url()) or {}
    return str(info.get("default_branch") or "main")


def branch_head(repo: Repo, branch: str) -> str | None:
    """The commit at the head of ``branch`` now (None: no such branch)."""
    found = repo.get_json(repo.url("branches", branch)) or {}
    sha = (found.get("commit") or {}).get("sha")
    return str(sha) if sha else None


def open_issue(repo: Repo, deliverable: Deliverable, default: str) -> dict[str, Any]:
    """Create a deliverable's issue, marked as ours."""
    spec = deliverable.manifest
    body = copy.deliverable_issue(spec.title, spec.asks, spec.owns, default)
    made = repo.request(
        "POST",
        repo.url("issues"),
        json={
            "title": copy.issue_title(spec.title),
            "body": with_marker(deliverable_key(deliverable.id), body),
        },
        creates=True,
    ).json()
    return dict(made) | {"comments": 0}


def put_comment(repo: Repo, number: int, existing: Mapping[str, Any] | None, body: str) -> str:
    """Make ``body`` (marker included) our one comment on the issue; what was done."""
    needed = write_needed(existing, body)
    if needed == "update" and existing is not None:
        repo.request("PATCH", repo.url("issues", "comments", existing["id"]), json={"body": body})
    elif needed == "create":
        repo.request("POST", repo.url("issues", number, "comments"), json={"body": body},
                     creates=True)  # fmt: skip
    return needed


def label_submitted(repo: Repo, number: int, current: list[str]) -> None:
    name, color, description = SUBMITTED_LABEL
    repo.set_labels_diff(number, add=[name], current=current, specs={name: (color, description)})
