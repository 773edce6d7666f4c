"""The one adapter that knows the GitHub Actions runner contract.

Reads the event (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH), the repository, and ``INPUT_*`` action
inputs; writes step outputs and the step summary. Reads only the JSON it needs, so a bot that has
nothing to do starts fast (no githubkit models are built for the payload).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glow.bot.payload import (
    Account,
    Comment,
    JSONObject,
    account_of,
    comment_of,
    number_of,
    object_at,
)
from glow.errors import ConfigError


@dataclass(frozen=True)
class Event:
    """The event that started the run. ``payload`` is GitHub's JSON as read; a handler reads
    its first facts through the typed views below (``glow.bot.payload``), which never raise on a
    malformed payload."""

    name: str
    payload: dict[str, Any]
    repository: str

    @property
    def action(self) -> str | None:
        value = self.payload.get("action")
        return value if isinstance(value, str) else None

    @property
    def sender(self) -> Account:
        """Who caused the event (empty login and type when the payload does not say)."""
        return account_of(self.payload.get("sender"))

    @property
    def issue(self) -> JSONObject:
        """The payload's issue object (empty when it has none)."""
        return object_at(self.payload, "issue")

    @property
    def issue_number(self) -> int | None:
        """The number of the payload's issue, or None when it has none or it is malformed."""
        return number_of(self.issue)

    @property
    def comment(self) -> Comment | None:
        """The payload's comment, or None when it has none."""
        return comment_of(self.payload.get("comment"))

    @property
    def key(self) -> str:
        """``issues.opened`` style, or the bare event name when it has no action."""
        return f"{self.name}.{self.action}" if self.action else self.name

    @property
    def owner_and_name(self) -> tuple[str, str]:
        from glow.github.repo import split_full_name

        return split_full_name(self.repository)


def read_event(environ: Mapping[str, str] | None = None) -> Event:
    env = os.environ if environ is None else environ
    name = env.get("GITHUB_EVENT_NAME")
    path = env.get("GITHUB_EVENT_PATH")
    repo = env.get("GITHUB_REPOSITORY")
    if not name or not path:
        raise ConfigError(
            "GITHUB_EVENT_NAME and GITHUB_EVENT_PATH must be set (they are, inside "
            "GitHub Actions; locally, point them at a recorded payload)"
        )
    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"GITHUB_EVENT_PATH names a file that does not exist: {path}") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"GITHUB_EVENT_PATH is not valid JSON ({exc.msg}): {path}") from None
    if not isinstance(payload, dict):
        raise ConfigError(f"GITHUB_EVENT_PATH does not hold a JSON object: {path}")
    if not repo:
        repo = str((payload.get("repository") or {}).get("full_name") or "")
    if "/" not in repo:
        raise ConfigError("GITHUB_REPOSITORY must be set to owner/name")
    return Event(name=name, payload=payload, repository=repo)


def current(environ: Mapping[str, str] | None = None) -> Event | None:
    """The Actions event that started this run, or None when run by hand (no
    GITHUB_EVENT_NAME)."""
    env = os.environ if environ is None else environ
    return read_event(env) if env.get("GITHUB_EVENT_NAME", "").strip() else None


def set_output(name: str, value: str, environ: Mapping[str, str] | None = None) -> None:
    env = os.environ if environ is None else environ
    target = env.get("GITHUB_OUTPUT")
    if not target:
        return
    delimiter = "GLOW_EOF_" + os.urandom(8).hex()
    with open(target, "a", encoding="utf-8") as fh:
        fh.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")


def add_summary(markdown: str, environ: Mapping[str, str] | None = None) -> None:
    env = os.environ if environ is None else environ
    target = env.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(markdown.rstrip("\n") + "\n")


def log(message: str, **fields: object) -> None:
    """One structured line on stderr: ``message key=value ...`` (never a secret)."""
    parts = [message] + [f"{k}={v}" for k, v in fields.items() if v is not None]
    print(" ".join(parts), file=sys.stderr, flush=True)
