"""Untrusted input: the brief, and everything an author writes.

A model's answer is data. Before anything of it is laid into a bundle or run, ``check`` reads the
files it would write and reports what no fair project needs, as a suspected prompt injection
that blocks the run (it is never silently repaired):

- a path outside the bundle's four places (``coursegen.yml``, ``workspace/``,
  ``deliverables/``, ``variants/``), or one that climbs out of them;
- anything under ``workspace/.github/``: it would land a workflow or a GitHub setting in every
  learner's room, where it runs with the room's token;
- a file naming one of the platform's secrets or the Actions secrets context;
- a bundle that asks for the network when the creator's plan did not allow it;
- the author's own report of instructions in the brief or feedback that try to change its task.

Whatever passes still runs only in the harness's sandbox (no network unless allowed, a scrubbed
environment, the workspace only). Too large an answer is an ordinary finding, not an injection.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

import yaml

from .state import FileChange, Plan

ROOTS = ("workspace", "deliverables", "variants")
MANIFEST = "coursegen.yml"
# The secrets GLOW's own workflows hold, and the variables that carry a token to a job: a fair
# project never names them (its tests run offline, in a scrubbed environment).
SECRET_NAMES = (
    "PROVISIONING_APP_PRIVATE_KEY",
    "PROVISIONING_APP_ID",
    "PROVISIONING_TOKEN",
    "WATCHDOG_RUNS_TOKEN",
    "OPENAI_API_KEY",
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "ACTIONS_RUNTIME_TOKEN",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
)
# ${{ secrets.X }} in a workflow expression (Python's own ``secrets`` module is fine).
_SECRETS_CONTEXT = re.compile(r"\$\{\{[^}]*\bsecrets\s*[.\[]")
MAX_FILE_BYTES = 512 * 1024
MAX_BUNDLE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Check:
    injection: list[str]  # each a suspected prompt injection, one sentence
    findings: list[str]  # ordinary problems (too large)

    @property
    def clean(self) -> bool:
        return not self.injection and not self.findings


def _path_problem(path: str) -> str | None:
    pure = PurePosixPath(path)
    if (
        not path
        or "\\" in path
        or pure.is_absolute()
        or any(part in ("", ".", "..") for part in path.split("/"))
    ):
        return f"writes to {path!r}, outside the bundle"
    if path == MANIFEST:
        return None
    if pure.parts[0] not in ROOTS or len(pure.parts) < 2:
        return f"writes to {path}, outside the bundle's places ({MANIFEST}, {', '.join(ROOTS)})"
    if pure.parts[0] == "workspace" and len(pure.parts) > 2 and pure.parts[1] == ".github":
        return f"writes {path}, which would put a workflow or setting in every learner's room"
    return None


def asks_network(manifest_text: str | None) -> bool:
    """Whether a ``coursegen.yml`` text sets ``runtime.network`` true (unreadable: False, the
    harness reports it as a finding)."""
    if manifest_text is None:
        return False
    try:
        data = yaml.safe_load(manifest_text)
    except yaml.YAMLError:
        return False
    runtime = data.get("runtime") if isinstance(data, dict) else None
    # Anything but absent or false asks for it ("yes", 1, "true" included): judged wider than
    # the harness reads it, so no spelling slips through.
    return isinstance(runtime, dict) and runtime.get("network") not in (None, False)


def check(
    changes: Iterable[FileChange],
    files_after: dict[str, str],
    plan: Plan,
    reported: str = "",
) -> Check:
    """Judge an author's answer: ``changes`` as given, ``files_after`` the bundle they make."""
    injection: list[str] = []
    findings: list[str] = []
    if reported.strip():
        injection.append(f"The author reported instructions it did not follow: {reported.strip()}")
    for change in changes:
        problem = _path_problem(change.path)
        if problem:
            injection.append(f"The answer {problem}.")
            continue
        text = change.content or ""
        named = sorted({name for name in SECRET_NAMES if name in text})
        if _SECRETS_CONTEXT.search(text):
            named.insert(0, "the Actions secrets context")
        if named:
            injection.append(
                f"The answer's {change.path} names the platform's secrets ({', '.join(named)})."
            )
        size = len(text.encode("utf-8"))
        if size > MAX_FILE_BYTES:
            findings.append(f"{change.path} is {size} bytes; a bundle file holds at most 512 KB.")
    total = sum(len(t.encode("utf-8")) for t in files_after.values())
    if total > MAX_BUNDLE_BYTES:
        findings.append(f"The bundle is {total} bytes; it holds at most 8 MB.")
    if asks_network(files_after.get(MANIFEST)) and not plan.network:
        injection.append(
            f"The answer's {MANIFEST} asks for the network, which the creator's plan does not "
            "allow."
        )
    return Check(injection, findings)


def apply(files: dict[str, str], changes: Iterable[FileChange]) -> dict[str, str]:
    """The bundle after ``changes`` (pure; call only after ``check`` found it clean)."""
    result = dict(files)
    for change in changes:
        if change.content is None:
            result.pop(change.path, None)
        else:
            result[change.path] = change.content
    return dict(sorted(result.items()))
