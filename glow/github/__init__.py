"""GLOW's one layer between the bots and GitHub: client factory, backoff, idempotent writes.

Names load on first use (PEP 562): ``import glow.github`` imports neither githubkit nor
pydantic, so a bot with nothing to do exits fast (github-behaviour.md, cold start).

Modules: ``client`` (factory, settings), ``appauth`` (App key and JWT), ``backoff`` (retry
policy), ``budget`` (each identity's write budget: GitHub's write limits kept ahead),
``pages`` (pagination), ``repo`` (the ``Repo`` adapter), ``files`` (sha-checked writes,
one-commit writes). Markers (``glow.markers``) and git blob ids
(``glow.gitsha``) are pure text shared with the decisions; they are re-exported here.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    "GitHubSettings": "client",
    "client_from_env": "client",
    "token_client": "client",
    "terminal_client": "client",
    "app_client": "client",
    "installation_client": "client",
    "find_installation_id": "client",
    "load_private_key": "appauth",
    "make_app_jwt": "appauth",
    "retry_delay": "backoff",
    "call_with_backoff": "backoff",
    "WriteBudget": "budget",
    "WriteLimits": "budget",
    "WritePacer": "budget",
    "budget_for": "budget",
    "creates_content": "budget",
    "paginate": "pages",
    "paginate_path": "pages",
    "Repo": "repo",
    "RequestCounts": "repo",
    "LabelDiff": "repo",
    "is_not_found": "repo",
    "split_full_name": "repo",
    "FileAt": "files",
    "git_blob_sha": "glow.gitsha",
    "marker": "glow.markers",
    "has_marker": "glow.markers",
    "with_marker": "glow.markers",
    "replace_between_markers": "glow.markers",
}

__all__ = [
    "FileAt",
    "GitHubSettings",
    "LabelDiff",
    "Repo",
    "RequestCounts",
    "WriteBudget",
    "WriteLimits",
    "WritePacer",
    "app_client",
    "budget_for",
    "call_with_backoff",
    "client_from_env",
    "creates_content",
    "find_installation_id",
    "git_blob_sha",
    "has_marker",
    "installation_client",
    "is_not_found",
    "load_private_key",
    "make_app_jwt",
    "marker",
    "paginate",
    "paginate_path",
    "replace_between_markers",
    "retry_delay",
    "split_full_name",
    "terminal_client",
    "token_client",
    "with_marker",
]

if TYPE_CHECKING:
    from glow.github.appauth import load_private_key, make_app_jwt
    from glow.github.backoff import call_with_backoff, retry_delay
    from glow.github.budget import (
        WriteBudget,
        WriteLimits,
        WritePacer,
        budget_for,
        creates_content,
    )
    from glow.github.client import (
        GitHubSettings,
        app_client,
        client_from_env,
        find_installation_id,
        installation_client,
        terminal_client,
        token_client,
    )
    from glow.github.files import FileAt
    from glow.github.pages import paginate, paginate_path
    from glow.github.repo import LabelDiff, Repo, RequestCounts, is_not_found, split_full_name
    from glow.gitsha import git_blob_sha
    from glow.markers import has_marker, marker, replace_between_markers, with_marker


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'glow.github' has no attribute {name!r}")
    qualified = module if module.startswith("glow.") else f"glow.github.{module}"
    value = getattr(importlib.import_module(qualified), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
