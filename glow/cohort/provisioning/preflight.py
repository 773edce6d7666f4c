"""Pre-flight for a provisioning batch: read the template once at the pinned commit and check
that a batch can succeed before it creates anything (seed 003, sections 7.2b and 7.4).

Checks: the template exists and is marked as a template; the pinned commit exists; the
required set (``.github/workflows/`` and ``.github/ISSUE_TEMPLATE/``) is non-empty, unless
explicitly allowed to be empty; every required workflow parses with ``on:`` and ``jobs:``
(template smoke validation); the first challenge file is readable; the admin repository is
writable; the rooms owner exists; its repository quota has room for the batch (where GitHub
shows the plan to these credentials); the API budget covers at least one learner (section 7.4;
the engine adds the write budget's line: how many new rooms fit GitHub's content-creation limits
now, and when the batch finishes). Reads only: a failed pre-flight has changed nothing.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from glow.cohort.provisioning.decide import (
    CHALLENGE_PATH,
    PATH_START,
    REQUIRED_DIRS,
    TemplateProblem,
    TemplateSnapshot,
    challenge_path,
    parse_challenge,
    required_files,
    smoke_problems,
)
from glow.cohort.provisioning.practice import PRACTICE_FILES
from glow.errors import GitHubError, GlowError
from glow.github.repo import Repo, segment

PREFLIGHT = "Pre-flight failed, nothing was created: {problem}"
NO_TEMPLATE = (
    "the template repository {repo} was not found, or these credentials cannot read it. Check "
    "LEARNING_ROOM_TEMPLATE_REPO and that the provisioning App is installed on it."
)
NOT_A_TEMPLATE = (
    "{repo} is not marked as a template repository. In its Settings, turn on Template "
    "repository, then run again."
)
EMPTY_TEMPLATE = "the template {repo} has no commits on {branch}. Push the template first."
NO_COMMIT = (
    "the pinned template commit {sha} does not exist in {repo} (the cohort's template_sha in "
    "cohorts.json, else the commit its first provisioning used). Set template_sha of cohort "
    "{cohort} in cohorts.json to a commit that exists in the template."
)
TRUNCATED = "GitHub truncated the file list of {repo} at {sha}; the required set cannot be read."
NO_REQUIRED = (
    "the template {repo} at {sha} has no files under " + " or ".join(REQUIRED_DIRS) + ", so "
    "rooms could not be verified. Add the room's workflows, or pass --allow-empty-required-set "
    "if that is intended."
)
BAD_WORKFLOW = "template smoke validation: {problem} (in {repo} at {sha}{more})."
NO_CHALLENGE = "the template {repo} at {sha} has no " + CHALLENGE_PATH + " to seed from."
BAD_CHALLENGE = "the template {repo} at {sha}: {problem}."
NO_ADMIN = (
    "the admin repository {repo} was not found, or these credentials cannot read it. Check "
    "ADMIN_ROSTER_REPO and that the provisioning App is installed on it."
)
ADMIN_READ_ONLY = (
    "these credentials can read but not write the admin repository {repo}, so outcomes could "
    "not be recorded. Give the App (or PROVISIONING_TOKEN) contents write on it."
)
NO_OWNER = "the rooms owner {owner} does not exist on GitHub. Check GLOW_ROOMS_OWNER."
NO_QUOTA = (
    "{owner} can hold {free} more private repositories and this batch creates up to {needed}. "
    "Raise the plan's repository limit, or archive and delete old rooms (glow teardown), then "
    "run again."
)
NO_BUDGET = (
    "the API budget of these credentials is spent ({remaining} requests left) until {reset}; "
    "a learner needs about {each}. Run again after {reset}."
)
# Requests per learner, with room to spare (benchmarks/provisioning.py measures them).
REQUESTS_PER_LEARNER = 12


class PreflightError(GlowError):
    """A batch would fail: the one line says what to fix. Nothing was created."""

    def __init__(self, problem: str) -> None:
        super().__init__(PREFLIGHT.format(problem=problem))


def _blob_text(repo: Repo, path: str, sha: str) -> str:
    blob = repo.request("GET", repo.url("git", "blobs", sha)).json()
    try:
        return base64.b64decode(blob.get("content") or "").decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise PreflightError(f"{path} in the template is not UTF-8 text") from None


def _get(repo: Repo, url: str, **params: Any) -> Any | None:
    """GET as JSON; None when GitHub says absent (404), empty (409) or unknown (422)."""
    try:
        return repo.request("GET", url, params=params or None).json()
    except GitHubError as exc:
        if exc.status in (404, 409, 422):
            return None
        raise


def pinned_commit(
    repo: Repo, info: dict[str, Any], pinned: str | None, cohort_id: str
) -> dict[str, Any]:
    """The pinned commit (git data shape): the cohort's template_sha, else the default
    branch's head now."""
    name, branch = repo.full_name, str(info.get("default_branch") or "main")
    sha = pinned
    if not sha:
        ref = _get(repo, repo.url("git", "ref", "heads", quote(branch, safe="/")))
        if ref is None:
            raise PreflightError(EMPTY_TEMPLATE.format(repo=name, branch=branch))
        sha = str(ref["object"]["sha"])
    commit = _get(repo, repo.url("git", "commits", segment(sha)))
    if commit is None:
        raise PreflightError(NO_COMMIT.format(sha=sha, repo=name, cohort=cohort_id))
    return dict(commit)


def read_template(
    repo: Repo, pinned: str | None, *, cohort_id: str, allow_empty: bool = False
) -> TemplateSnapshot:
    """The template at the pinned commit, validated: required set, texts, first challenge."""
    info = repo.get_json(repo.url())
    if info is None:
        raise PreflightError(NO_TEMPLATE.format(repo=repo.full_name))
    if not info.get("is_template"):
        raise PreflightError(NOT_A_TEMPLATE.format(repo=repo.full_name))
    commit = pinned_commit(repo, info, pinned, cohort_id)
    sha = str(commit["sha"])
    where = {"repo": repo.full_name, "sha": sha[:7]}
    tree = repo.request(
        "GET", repo.url("git", "trees", commit["tree"]["sha"]), params={"recursive": "1"}
    ).json()
    if tree.get("truncated"):
        raise PreflightError(TRUNCATED.format(**where))
    entries = tree.get("tree") or []
    required = required_files(entries)
    if not required and not allow_empty:
        raise PreflightError(NO_REQUIRED.format(**where))
    texts = {path: _blob_text(repo, path, blob) for path, blob in sorted(required.items())}
    problems = smoke_problems(texts)
    if problems:
        more = f"; {len(problems) - 1} more" if len(problems) > 1 else ""
        raise PreflightError(BAD_WORKFLOW.format(problem=problems[0], more=more, **where))
    challenge_sha = next((e["sha"] for e in entries if e.get("path") == CHALLENGE_PATH), None)
    if challenge_sha is None:
        raise PreflightError(NO_CHALLENGE.format(**where))
    try:
        challenge = parse_challenge(_blob_text(repo, CHALLENGE_PATH, str(challenge_sha)))
        starts = {1: challenge}
        for number in sorted(set(PATH_START.values()) - {1}):
            path = challenge_path(number)
            sha_of = next((e["sha"] for e in entries if e.get("path") == path), None)
            if sha_of is not None:
                text = _blob_text(repo, path, str(sha_of))
                starts[number] = parse_challenge(text, f"challenge:{number}", path)
    except TemplateProblem as exc:
        raise PreflightError(BAD_CHALLENGE.format(problem=exc, **where)) from None
    practice = {
        path: _blob_text(repo, path, str(blob)) if blob else None
        for path in PRACTICE_FILES
        for blob in [next((e["sha"] for e in entries if e.get("path") == path), None)]
    }
    return TemplateSnapshot(
        repo=repo.full_name,
        branch=str(info.get("default_branch") or "main"),
        sha=sha,
        required=required,
        texts=texts,
        challenge=challenge,
        starts=starts,
        practice=practice,
    )


def check_admin(repo: Repo) -> str:
    """The admin repository is readable and, as far as GitHub says, writable."""
    info = repo.get_json(repo.url())
    if info is None:
        raise PreflightError(NO_ADMIN.format(repo=repo.full_name))
    perms = info.get("permissions") or {}
    # Some tokens get no permissions object (or all false) although they may write: only a
    # clear "can read, cannot write" is a failure; a real refusal still surfaces on the commit.
    if perms.get("pull") and not perms.get("push"):
        raise PreflightError(ADMIN_READ_ONLY.format(repo=repo.full_name))
    return f"Admin repository {repo.full_name}: readable and writable."


def check_owner(repo: Repo, owner: str) -> tuple[str, dict[str, Any]]:
    """The account that will own the rooms exists: its line, and the account."""
    account = repo.get_json(f"users/{segment(owner)}")
    if account is None:
        raise PreflightError(NO_OWNER.format(owner=owner))
    return f"Rooms owner {owner}: exists ({account.get('type', 'account').lower()}).", account


def quota_line(owner: str, account: Mapping[str, Any], creates: int) -> str:
    """The rooms owner's private repository quota against the rooms this batch may create;
    PreflightError when it cannot hold them. GitHub shows the plan only to organisation
    owners (and Apps with organisation administration), so it may be absent."""
    plan = account.get("plan") or {}
    limit, owned = plan.get("private_repos"), account.get("owned_private_repos")
    if not isinstance(limit, int) or not isinstance(owned, int):
        return (
            f"Repository quota of {owner}: not shown to these credentials; check seats and the "
            "private repository limit in the organisation's settings before the cohort opens."
        )
    free = max(limit - owned, 0)
    if creates > free:
        raise PreflightError(NO_QUOTA.format(owner=owner, free=free, needed=creates))
    seats = plan.get("seats")
    filled = plan.get("filled_seats")
    seat_text = f"; seats: {filled} of {seats} filled" if seats and filled is not None else ""
    return f"Repository quota of {owner}: room for {free} more private repositories{seat_text}."


def budget_line(rate: Mapping[str, Any] | None, learners: int) -> str:
    """The primary API budget (PreflightError when not even one learner fits)."""
    core = ((rate or {}).get("resources") or {}).get("core") or (rate or {}).get("rate")
    if not core:
        return "API budget: not shown to these credentials."
    remaining = int(core.get("remaining", 0))
    reset = datetime.fromtimestamp(int(core.get("reset", 0)), UTC).strftime("%Y-%m-%d %H:%M UTC")
    if not learners:
        return f"API budget: {remaining} requests left until {reset}."
    if remaining < REQUESTS_PER_LEARNER:
        raise PreflightError(
            NO_BUDGET.format(remaining=remaining, reset=reset, each=REQUESTS_PER_LEARNER)
        )
    needed = REQUESTS_PER_LEARNER * learners
    short = (
        f"; it may pause until {reset} when the budget runs out, then resumes"
        if remaining < needed
        else ""
    )
    return (
        f"API budget: {remaining} requests left until {reset}; this batch of {learners} needs "
        f"about {needed}{short}."
    )


def check_capacity(
    repo: Repo, account: Mapping[str, Any], learners: int, creates: int
) -> list[str]:
    """Quota and budget lines for a batch of ``learners`` that creates up to ``creates`` rooms
    in ``account`` (the rooms owner, as ``check_owner`` found it)."""
    owner = str(account.get("login") or "")
    if account.get("type") == "Organization":
        account = repo.get_json(f"orgs/{segment(owner)}") or account
    return [quota_line(owner, account, creates), budget_line(repo.get_json("rate_limit"), learners)]


def describe_template(template: TemplateSnapshot) -> str:
    count = len(template.required)
    return (
        f"Template {template.repo}: a template repository; pinned commit {template.short_sha}; "
        f"{count} required files; first challenge: {template.challenge.title}."
    )
