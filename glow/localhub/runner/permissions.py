"""``permissions:`` resolution for a job's GITHUB_TOKEN.

The resolved map always names every scope (``"none"`` where nothing is granted) so the hub can
enforce by lookup without knowing GitHub's defaulting rules: no block anywhere gives the default
set; once a block exists, unlisted scopes are ``none``; a job-level block replaces the workflow's
(it is not merged); ``metadata`` is always ``read``.
"""

from __future__ import annotations

from typing import Any

from glow.localhub.runner.errors import WorkflowError

SCOPES = (
    "actions",
    "attestations",
    "checks",
    "contents",
    "deployments",
    "discussions",
    "id-token",
    "issues",
    "models",
    "packages",
    "pages",
    "pull-requests",
    "repository-projects",
    "security-events",
    "statuses",
)
LEVELS = ("read", "write", "none")
DEFAULT_GRANTS = {
    "contents": "write",
    "issues": "write",
    "pull-requests": "write",
    "actions": "write",
    "statuses": "write",
    "checks": "write",
}

Permissions = dict[str, str]


def _full(grants: dict[str, str], rest: str = "none") -> Permissions:
    resolved = {scope: grants.get(scope, rest) for scope in SCOPES}
    resolved["metadata"] = "read"
    return resolved


DEFAULT_PERMISSIONS: Permissions = _full(DEFAULT_GRANTS)


def parse_permissions(value: Any, file: str, line: int) -> Permissions:
    """Turn a ``permissions:`` value into a resolved map; errors name the line."""
    if value == "read-all":
        return _full({}, "read")
    if value == "write-all":
        return _full({}, "write")
    if value is None:
        return _full({})
    if not isinstance(value, dict):
        raise WorkflowError(file, line, "`permissions` must be read-all, write-all or a mapping")
    grants: dict[str, str] = {}
    for scope, level in value.items():
        key_line = getattr(value, "line_of", lambda _k: line)(scope)
        if scope not in SCOPES:
            raise WorkflowError(file, key_line, f"unknown permission scope `{scope}`")
        if level not in LEVELS:
            raise WorkflowError(
                file, key_line, f"permission `{scope}` must be read, write or none, not {level!r}"
            )
        grants[scope] = level
    return _full(grants)


def effective_permissions(
    workflow_level: Permissions | None, job_level: Permissions | None
) -> Permissions:
    if job_level is not None:
        return dict(job_level)
    if workflow_level is not None:
        return dict(workflow_level)
    return dict(DEFAULT_PERMISSIONS)
