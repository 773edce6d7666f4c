"""Publishing an authored course: the one place a finished run reaches the Learning Room
template, as a pull request that GitHub will not merge until certification says success.

- ``open_pull_request`` commits the learner package (``glow.harness.package.learner_files``: no
  hidden test, no reference variant) as one commit on ``glow/course-<id>`` of the template and
  opens, or finds, its pull request; and commits the admin side
  (``glow.harness.package.admin_files``: ``courses/<id>/project/`` and the hidden tests) to the
  private admin repository. The admin side goes in at open, not at merge: a person may merge
  from GitHub's web page once the status is green, and the hidden tests must be there before
  any room made from the merged template can be graded. Nothing references them before the
  merge, and the admin repository is private.
- ``certify_pull_request`` sets the ``glow/certification`` commit status on the head: pending
  while the learner-path certification (``glow.authoring.certify``) runs, then success or the
  first failing step.
- ``merge_when_certified`` merges only when that status says success.
- ``ensure_required_status`` makes the template's default branch require the status through a
  repository ruleset, so GitHub itself refuses any other merge, with the provisioning App let
  through so ``glow template sync`` still commits to the branch.

Every step reads GitHub first and writes only what differs: a re-run writes nothing.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from glow.errors import GitHubError, GlowError
from glow.gitsha import git_blob_sha
from glow.harness.bundle import Bundle, load_bundle
from glow.harness.package import admin_files, learner_files

from .publish_text import (
    CONTEXT,
    PENDING,
    Published,
    StepOutcome,
    branch_name,
    outcome_description,
    pr_body,
    pr_title,
)

if TYPE_CHECKING:
    from glow.authoring.certify import Certification
    from glow.github.repo import Repo

    from .state import RunState

Say = Callable[[str], None]
Certify = Callable[[Bundle, Say], "Certification"]
Outcome = Literal["created", "updated", "unchanged"]


# ---- the bundle ------------------------------------------------------------------------------


@contextmanager
def bundle_of(state: RunState) -> Iterator[Bundle]:
    """The run's bundle written to a scratch folder and loaded by the harness (the folder is
    removed on leaving)."""
    with tempfile.TemporaryDirectory(prefix="glow-publish-") as folder:
        root = Path(folder) / "bundle"
        for relative, text in state.files.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        loaded = load_bundle(root)
        if loaded.bundle is None:
            first = loaded.findings[0].line() if loaded.findings else "no manifest"
            raise GlowError(
                f"the bundle of brief #{state.brief_issue} cannot be published: {first}; "
                "run the authoring graph again to repair it"
            )
        yield loaded.bundle


def texts(files: Mapping[str, bytes]) -> dict[str, str]:
    """A package's files as text (a bundle is text: ``RunState.files``)."""
    return {path: content.decode("utf-8") for path, content in files.items()}


def published(bundle: Bundle, state: RunState) -> Published:
    return Published(
        id=bundle.manifest.id,
        title=bundle.manifest.title,
        summary=bundle.manifest.summary or state.plan.summary,
        outcomes=tuple(state.plan.outcomes),
        deliverables=tuple(
            (d.id, d.manifest.title, tuple(d.manifest.owns)) for d in bundle.deliverables
        ),
        starter_files=sum(1 for p in bundle.workspace.rglob("*") if p.is_file()),
    )


def diverged(
    package: Mapping[str, str], head: Mapping[str, str], base: Mapping[str, str]
) -> list[str]:
    """The paths where the pull request's head (path -> blob sha) is not the package over the
    base: a package file missing or different, or a file neither the base nor the package has
    (one pushed to the branch by someone else). Empty when the head is what was authored."""
    wrong = [p for p, text in package.items() if head.get(p) != git_blob_sha(text.encode())]
    extra = [p for p, sha in head.items() if p not in package and base.get(p) != sha]
    return sorted(wrong + extra)


# ---- reading GitHub --------------------------------------------------------------------------


def default_branch(repo: Repo) -> str:
    return str(repo.request("GET", repo.url()).json()["default_branch"])


def head_of(repo: Repo, branch: str) -> str | None:
    found = repo.get_json(repo.url("git", "ref", "heads", branch))
    return None if found is None else str(found["object"]["sha"])


def tree_of(repo: Repo, commit: str) -> dict[str, str]:
    """Every file of a commit, path -> blob sha."""
    tree = repo.request("GET", repo.url("git", "commits", commit)).json()["tree"]["sha"]
    listing = repo.request("GET", repo.url("git", "trees", tree), params={"recursive": "1"})
    return {e["path"]: e["sha"] for e in listing.json()["tree"] if e["type"] == "blob"}


def pulls_of(template: Repo, branch: str, base: str) -> list[dict[str, Any]]:
    query = {"head": f"{template.owner}:{branch}", "base": base, "state": "all"}
    return list(template.paginate(template.url("pulls"), query))


# ---- open ------------------------------------------------------------------------------------


def commit_package(
    repo: Repo, branch: str, files: Mapping[str, str], owned: Callable[[str], bool], message: str
) -> str | None:
    """One commit on ``branch`` making it hold ``files`` and, of the paths ``owned`` selects,
    nothing else (a revision's removed file is deleted); None when nothing changed."""
    head = head_of(repo, branch)
    stale = [p for p in tree_of(repo, head) if owned(p) and p not in files] if head else []
    return repo.commit_files({**files, **dict.fromkeys(stale)}, message, branch=branch)


def open_pull_request(template: Repo, admin: Repo, state: RunState) -> int:
    """Publish the run's bundle as a pull request to the template's default branch; its
    number. Idempotent: a re-run finds the same pull request and writes nothing unchanged."""
    with bundle_of(state) as bundle:
        package = texts(learner_files(bundle))
        about = published(bundle, state)
    owner = course_owner(admin, about.id)
    if owner is not None and owner != state.brief_issue:
        raise GlowError(
            f"the project id {about.id} is published already, by brief #{owner}: comment "
            "/reject asking for another project id"
        )
    if owner is None:
        # A first publication: no room is graded against courses/<id>/ yet, so the hidden
        # checks go in now, ready however the pull request is merged. A revision's wait for
        # its merge (commit_admin_files): rooms today are graded against what was certified.
        commit_admin_files(admin, state)
    base = default_branch(template)
    branch = branch_name(about.id)
    base_head = head_of(template, base)
    if base_head is None:
        raise GlowError(f"{template.full_name} has no {base} branch: run glow setup first")
    if head_of(template, branch) is None:
        ref = {"ref": f"refs/heads/{branch}", "sha": base_head}
        template.request("POST", template.url("git", "refs"), json=ref)
    base_files = tree_of(template, base_head)
    commit_package(
        template,
        branch,
        package,
        lambda p: p not in base_files,
        f"Publish the project {about.id} (brief #{state.brief_issue})",
    )
    title, body = pr_title(about), pr_body(about)
    pulls = pulls_of(template, branch, base)
    for pull in pulls:
        if pull["state"] == "open":
            if (pull.get("title"), (pull.get("body") or "").strip()) != (title, body.strip()):
                changes = {"title": title, "body": body}
                template.request("PATCH", template.url("pulls", pull["number"]), json=changes)
            return int(pull["number"])
    try:
        made = template.request(
            "POST",
            template.url("pulls"),
            json={"title": title, "head": branch, "base": base, "body": body},
            creates=True,
        ).json()
    except GitHubError as exc:
        merged = [p for p in pulls if p.get("merged_at")]
        if exc.status == 422 and merged:
            return int(merged[0]["number"])  # published already, and nothing changed since
        raise
    return int(made["number"])


OWNER_FILE = "brief.txt"  # courses/<id>/brief.txt: the brief that published the project


def course_owner(admin: Repo, project_id: str) -> int | None:
    """The brief that published ``courses/<id>/`` in the admin repository (None: not published)."""
    found = admin.read_file(f"courses/{project_id}/{OWNER_FILE}")
    if found is None:
        return None
    text = found.text.strip().lstrip("#")
    return int(text) if text.isdigit() else 0


def commit_admin_files(admin: Repo, state: RunState) -> None:
    """The project as published and its hidden checks, ``courses/<id>/`` of the admin
    repository, with the brief that owns them (one commit; none when unchanged)."""
    with bundle_of(state) as bundle:
        kept = texts(admin_files(bundle))
        project = bundle.manifest.id
    course = f"courses/{project}/"
    kept[f"{course}{OWNER_FILE}"] = f"{state.brief_issue}\n"
    commit_package(
        admin,
        default_branch(admin),
        kept,
        lambda p: p.startswith(course),
        f"Hidden checks of {project} (brief #{state.brief_issue})",
    )


# ---- certify ---------------------------------------------------------------------------------


def latest_status(template: Repo, sha: str) -> dict[str, Any] | None:
    """The latest ``glow/certification`` status on ``sha`` set by GLOW's own identity (a
    status anyone else with write access posts under that name is not a certification)."""
    ours = template.login()
    listed = template.paginate(template.url("commits", sha, "statuses"))
    found = [
        s
        for s in listed
        if str(s.get("context")).lower() == CONTEXT
        and str((s.get("creator") or {}).get("login") or "") == ours
    ]
    return found[0] if found else None


def set_status(template: Repo, sha: str, state: str, description: str) -> None:
    body = {"state": state, "context": CONTEXT, "description": description}
    # Each POST adds a status: not retried blindly after a server error (a duplicate pending
    # would be harmless, but a late one could land after the success).
    template.request("POST", template.url("statuses", sha), json=body, creates=True)


@dataclass(frozen=True)
class Certified:
    """What ``certify_pull_request`` did: the status it left on ``sha``, and why."""

    sha: str
    state: Literal["success", "failure"]
    description: str
    ran: bool  # False: the status was already success, or the head is not the authored bundle


def certify_pull_request(
    template: Repo,
    pr: int,
    state: RunState,
    *,
    say: Say = lambda _line: None,
    certify: Certify | None = None,
) -> Certified:
    """Run learner-path certification of the run's bundle and record it on the pull request's
    head as the ``glow/certification`` status (pending first, then success or the first failing
    step). Success already there for this head: nothing is written."""
    pull = template.request("GET", template.url("pulls", pr)).json()
    sha = str(pull["head"]["sha"])
    before = latest_status(template, sha)
    with bundle_of(state) as bundle:
        package = texts(learner_files(bundle))
        base = tree_of(template, str(pull["base"]["sha"]))
        wrong = diverged(package, tree_of(template, sha), base)
        if before is not None and before["state"] == "success" and not wrong:
            return Certified(sha, "success", str(before.get("description") or ""), ran=False)
        if wrong:
            why = outcome_description(
                False,
                [StepOutcome("the pull request is the authored bundle", False, ", ".join(wrong))],
                0,
            )
            set_status(template, sha, "failure", why)
            return Certified(sha, "failure", why, ran=False)
        set_status(template, sha, "pending", PENDING)
        if certify is None:
            from glow.authoring.certify import certify as certify_bundle

            certify = certify_bundle
        result = certify(bundle, say)
    steps = [StepOutcome(s.name, s.ok, s.detail) for s in result.steps]
    description = outcome_description(result.ok, steps, result.seconds)
    outcome: Literal["success", "failure"] = "success" if result.ok else "failure"
    set_status(template, sha, outcome, description)
    return Certified(sha, outcome, description, ran=True)


# ---- merge -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Merge:
    merged: bool
    reason: str  # one sentence

    def __bool__(self) -> bool:
        return self.merged


def merge_when_certified(template: Repo, pr: int) -> Merge:
    """Merge the pull request when its head's ``glow/certification`` status says success;
    otherwise say why not (and merge nothing)."""
    pull = template.request("GET", template.url("pulls", pr)).json()
    if pull.get("merged_at") or pull.get("merged"):
        return Merge(True, f"pull request #{pr} is merged already")
    if pull["state"] != "open":
        return Merge(False, f"pull request #{pr} is closed: reopen it or publish again")
    sha = str(pull["head"]["sha"])
    status = latest_status(template, sha)
    said = "no status" if status is None else f"{status['state']}"
    if status is None or status["state"] != "success":
        return Merge(False, f"{CONTEXT} says {said} on {sha[:7]}: certify the pull request first")
    try:
        template.request(
            "PUT",
            template.url("pulls", pr, "merge"),
            json={"sha": sha, "merge_method": "merge"},
        )
    except GitHubError as exc:
        if exc.status in (405, 409):
            return Merge(False, f"GitHub refused the merge of #{pr}: {exc}")
        raise
    return Merge(True, f"pull request #{pr} is merged")


# ---- protect ---------------------------------------------------------------------------------

RULESET = "GLOW certification"


ADMIN_ROLE = 5  # GitHub's id of the built-in repository role "admin", for bypass_actors


def ruleset_body(app_id: int | None) -> dict[str, Any]:
    """The ruleset GLOW keeps on the template: the default branch requires ``glow/certification``
    of everyone but the provisioning App (when ``app_id`` is known), which syncs the template."""
    # Only the App's own status counts where GitHub knows the App (integration_id).
    check: dict[str, Any] = {"context": CONTEXT}
    if app_id is not None:
        check["integration_id"] = app_id
    checks = {
        "required_status_checks": [check],
        "strict_required_status_checks_policy": False,
    }
    # Token mode (no App): the PROVISIONING_TOKEN's user administers the template (it makes the
    # ruleset), so the repository's admin role is let through instead (GitHub's role id 5).
    bypass = (
        [{"actor_id": app_id, "actor_type": "Integration", "bypass_mode": "always"}]
        if app_id is not None
        else [{"actor_id": ADMIN_ROLE, "actor_type": "RepositoryRole", "bypass_mode": "always"}]
    )
    return {
        "name": RULESET,
        "target": "branch",
        "enforcement": "active",
        "conditions": {"ref_name": {"include": ["~DEFAULT_BRANCH"], "exclude": []}},
        "rules": [{"type": "required_status_checks", "parameters": checks}],
        "bypass_actors": bypass,
    }


def ruleset_key(ruleset: Mapping[str, Any]) -> tuple[Any, ...]:
    """What of a ruleset GLOW cares about, in a form two answers compare by (GitHub may add
    fields and defaults, ``do_not_enforce_on_create`` say, and order lists as it likes)."""
    names = (ruleset.get("conditions") or {}).get("ref_name") or {}
    rules = []
    for rule in ruleset.get("rules") or []:
        params = rule.get("parameters") or {}
        checks = params.get("required_status_checks") or []
        rules.append(
            (
                rule.get("type"),
                tuple(sorted(str(c.get("context")) for c in checks)),
                bool(params.get("strict_required_status_checks_policy")),
            )
        )
    actors = {
        (a.get("actor_type"), a.get("actor_id"), a.get("bypass_mode") or "always")
        for a in ruleset.get("bypass_actors") or []
    }
    return (
        ruleset.get("target") or "branch",
        ruleset.get("enforcement"),
        tuple(sorted(names.get("include") or [])),
        tuple(sorted(names.get("exclude") or [])),
        tuple(sorted(rules, key=repr)),
        tuple(sorted(actors, key=repr)),
    )


def ensure_required_status(template: Repo, app_id: int | None) -> Outcome:
    """The template's default branch requires ``glow/certification`` through a repository
    ruleset named ``GLOW certification``, so GitHub itself refuses an uncertified merge.

    A ruleset, not classic branch protection: a required status check also refuses a direct
    push to the branch, and classic protection lets no App through, while ``glow template
    sync`` commits straight to the default branch. The ruleset names the provisioning App
    (``app_id``) as a bypass actor, so the sync, run as the App, still writes. Without an App
    (token mode: ``app_id`` None) the template's administrators are let through instead: the
    PROVISIONING_TOKEN's user administers the template, and a person who administers it is
    trusted with its main branch anyway.

    Idempotent: the ruleset is found by name; unchanged, nothing is written; changed by hand,
    it is put back (``updated``)."""
    wanted = ruleset_body(app_id)
    url = template.url("rulesets")
    try:
        listed = template.paginate(url, {"targets": "branch"})
        found = next((r for r in listed if r.get("name") == RULESET), None)
        if found is None:
            template.request("POST", url, json=wanted)
            return "created"
        current = template.request("GET", template.url("rulesets", found["id"])).json()
        if ruleset_key(current) == ruleset_key(wanted):
            return "unchanged"
        template.request("PUT", template.url("rulesets", found["id"]), json=wanted)
        return "updated"
    except GitHubError as exc:
        if exc.status == 403 and "upgrade" in str(exc).lower():
            raise GlowError(
                f"{template.full_name} cannot require the {CONTEXT} status: {exc}. Move the "
                "organisation to a paid plan (or make the template public); until then GitHub "
                "does not enforce it, and only merge_when_certified checks it"
            ) from None
        if exc.status in (403, 404):
            raise GlowError(
                f"{template.full_name} cannot require the {CONTEXT} status: {exc}. Run this "
                "with an administrator's token of the template (rulesets need admin rights)"
            ) from None
        raise
