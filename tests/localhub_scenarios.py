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
