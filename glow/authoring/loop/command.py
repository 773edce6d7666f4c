"""Run the authoring loop for a course brief in the private admin repository.

In the admin repository's Author workflow, `glow course` handles a brief issue's events (filed,
edited, labelled, commented) and a dispatch (`--issue N`): it reconciles that brief with
GitHub's current state. It plans a new brief (one plan comment). It carries out `/approve` and
`/reject <reason>` from people with write access to the admin repository. It runs or resumes
the author/review graph, recording each node in `authoring/<n>/run.json`. Once every gate is
approved it publishes the assignment through a certified pull request to the Learning Room
template. One timeline comment on the brief shows where the run stands.

Settings (environment): ADMIN_ROSTER_REPO (owner/name; default the workflow's repository),
LEARNING_ROOM_TEMPLATE_REPO (owner/name, for publishing), GLOW_AUTHOR ("openai", the default,
with OPENAI_API_KEY, GLOW_MODEL and OPENAI_BASE_URL; or "recorded:NAME" for a recording shipped
with glow, such as recorded:python-ledger, or "recorded:PATH"), and the credentials of `glow
grade`: the provisioning App (PROVISIONING_APP_ID, PROVISIONING_APP_PRIVATE_KEY) or, by hand,
GLOW_PAT.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from glow.errors import ConfigError

if TYPE_CHECKING:
    from glow.github.repo import Repo
    from glow.harness.sandbox import Sandbox

    from .authors import Author

EPILOG = """examples:
  glow course                          in the Author workflow: the event names the brief
  glow course --issue=12               reconcile brief 12 (a dispatch, or by hand)
  GLOW_AUTHOR=recorded:python-ledger glow course --issue=12    no model, no key
"""

RECORDINGS = Path(__file__).parent / "recordings"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--issue", type=int, help="the brief issue's number (default: the event's issue)"
    )


def author_from(setting: str | None) -> Author:
    """The author GLOW_AUTHOR names: "openai" (the default), "recorded:NAME" (a recording shipped
    in glow/authoring/loop/recordings/) or "recorded:PATH"."""
    value = (setting or "openai").strip()
    kind, _, where = value.partition(":")
    if kind == "openai" and not where:
        from .intake import make_author

        return make_author(None)
    if kind == "recorded" and where:
        from .authors import RecordedAuthor

        shipped = RECORDINGS / f"{where}.json"
        return RecordedAuthor.from_file(shipped if shipped.is_file() else Path(where))
    raise ConfigError(
        f"GLOW_AUTHOR is {value!r}: set it to openai, or recorded:NAME (a recording shipped with "
        f"glow: {', '.join(sorted(p.stem for p in RECORDINGS.glob('*.json')))}) or recorded:PATH."
    )


def process_sandbox() -> Sandbox:
    from glow.harness.process import ProcessSandbox

    sandbox = ProcessSandbox()
    why_not = sandbox.available()
    if why_not:
        raise ConfigError(
            f"the process sandbox cannot run here ({why_not}): install bubblewrap (Debian and "
            "Ubuntu: apt-get install bubblewrap)"
        )
    return sandbox


def issue_from_event(environ: Mapping[str, str]) -> int | None:
    """The brief's number from the Actions event: the issue of an issues or issue_comment event
    (never a pull request's comment), or a dispatch's ``issue`` input."""
    path = environ.get("GITHUB_EVENT_PATH", "")
    try:
        payload: Any = json.loads(Path(path).read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):
        raise ConfigError(
            f"GITHUB_EVENT_PATH ({path or 'unset'}) is not a readable event payload: run this "
            "in the Author workflow, or pass --issue N"
        ) from None
    issue = payload.get("issue") if isinstance(payload, dict) else None
    if isinstance(issue, dict):
        if issue.get("pull_request"):
            return None
        number = issue.get("number")
        return number if isinstance(number, int) else None
    inputs = payload.get("inputs") if isinstance(payload, dict) else None
    raw = str((inputs or {}).get("issue") or "").strip().lstrip("#")
    if raw.isdigit():
        return int(raw)
    if raw:
        raise ConfigError(f"the dispatch's issue input is {raw!r}: give a brief issue's number")
    return None


def admin_from_env(environ: Mapping[str, str]) -> Repo:
    from glow.github import Repo, split_full_name
    from glow.github.client import client_from_env

    full = environ.get("ADMIN_ROSTER_REPO", "").strip() or environ.get("GITHUB_REPOSITORY", "")
    if not full:
        raise ConfigError(
            "ADMIN_ROSTER_REPO is not set: set it to the admin repository, owner/name"
        )
    owner, name = split_full_name(full)
    return Repo(client_from_env(environ, owner=owner), owner, name)


def run(args: argparse.Namespace) -> int:
    """Every handler the router has for the Actions event (by hand: the one reconcile)."""
    from glow.bot.gate import current_event

    from .handlers import reconcile_brief, router

    found = current_event()
    if found is None:
        return reconcile_brief(args) or 0
    codes = [handler(args) or 0 for handler in router.handlers(*found)]
    return max(codes, default=0)


def reconcile_args(args: argparse.Namespace) -> int:
    """Reconcile the brief the event (or ``--issue``) names, with the settings of the module's
    docstring: exit 1 when the run ends blocked (the timeline says why), else 0."""
    from .course import reconcile

    environ = os.environ
    number = args.issue if args.issue is not None else issue_from_event(environ)
    if number is None:
        print("glow course: the event names no course brief issue: nothing to do")
        return 0
    admin = admin_from_env(environ)
    template = environ.get("LEARNING_ROOM_TEMPLATE_REPO", "").strip() or None
    state = reconcile(
        admin,
        number,
        author=lambda: author_from(environ.get("GLOW_AUTHOR")),
        sandbox=process_sandbox,
        publish=publisher(admin, template),
        template=template,
    )
    return 1 if state is not None and state.status == "blocked" else 0


def publisher(admin: Repo, template: str | None) -> Any:
    """The publish step (a certified pull request to the template), with the admin repository's
    own client (the App is installed on the whole organisation)."""
    if template is None:
        return _no_template
    from glow.github import Repo as RepoClass
    from glow.github import split_full_name

    from .publishing import step

    owner, name = split_full_name(template)
    raw = os.environ.get("PROVISIONING_APP_ID", "").strip()
    app_id = int(raw) if raw.isdigit() else None
    return step(admin, RepoClass(admin.gh, owner, name), app_id=app_id)


def _no_template(state: Any) -> Any:
    raise ConfigError(
        "LEARNING_ROOM_TEMPLATE_REPO is not set: set it to the Learning Room template (owner/name) "
        "to publish this approved course"
    )
