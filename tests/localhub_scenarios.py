"""Parts of the contract scenario (``tests/test_localhub_contract.py``) for the routes widely
used clients rely on: each call's answer is recorded and validated against GitHub's OpenAPI
description there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Call = Callable[..., Any]


def exercise_repository_lists(gh: Call, outsider: Call) -> None:
    """The authenticated user's, a user's and an organisation's repositories; one by id."""
    gh("GET", "/user/repos", 200)
    gh("GET", "/user/repos", 200, params={"visibility": "private", "sort": "created"})
    gh("GET", "/user/repos", 422, params={"type": "owner", "visibility": "all"})
    gh("GET", "/users/owner/repos", 200)
    outsider("GET", "/users/owner/repos", 200, params={"type": "all"})
    gh("GET", "/users/nobody-here/repos", 404)
    gh("GET", "/orgs/org/repos", 200, params={"type": "private", "sort": "full_name"})
    workshop = gh("GET", "/repos/org/workshop", 200)
    gh("GET", f"/repositories/{workshop['id']}", 200)
    private = gh("GET", "/repos/org/template", 200)
    outsider("GET", f"/repositories/{private['id']}", 404)


def exercise_refs_and_locks(gh: Call, learner: Call, issue_number: int) -> None:
    """The list form of git refs; locking and unlocking an issue, and a comment refused while it
    is locked (called while the issue is open, before its pull request merges)."""
    gh("GET", "/repos/org/workshop/git/refs", 200)
    gh("GET", "/repos/org/workshop/git/refs", 200, params={"per_page": 1})
    issue = f"/repos/org/workshop/issues/{issue_number}"
    gh("PUT", f"{issue}/lock", 204, json={"lock_reason": "resolved"})
    gh("PUT", f"{issue}/lock", 422, json={"lock_reason": "boring"})
    learner("POST", f"{issue}/comments", 403, json={"body": "still here?"})
    gh("GET", issue, 200)
    gh("DELETE", f"{issue}/lock", 204)
    exercise_reactions(learner, issue)


def exercise_reactions(learner: Call, issue: str) -> None:
    """Reactions on an issue and on a comment (Challenge 3 asks a learner for one)."""
    learner("POST", f"{issue}/reactions", 201, json={"content": "+1"})
    learner("POST", f"{issue}/reactions", 200, json={"content": "+1"})
    learner("POST", f"{issue}/reactions", 422, json={"content": "thumbs-up"})
    learner("GET", f"{issue}/reactions", 200, params={"content": "+1"})
    comment = learner("POST", f"{issue}/comments", 201, json={"body": "Me too"})
    repo = issue.rsplit("/issues/", 1)[0]
    learner(
        "POST", f"{repo}/issues/comments/{comment['id']}/reactions", 201, json={"content": "eyes"}
    )
    learner("GET", f"{repo}/issues/comments/{comment['id']}/reactions", 200)
