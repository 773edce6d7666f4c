"""Read the facts the watchdog judges: room health, the template's workflows, workflow runs.

The adapter under ``decide`` (which judges them). Reads only. A 404 is a fact (the room
is missing, the learner is not a collaborator); a 403 or 404 on workflow runs means the runs
token may not read them, reported as unchecked, never as healthy.

Workflow runs are read with their own token (WATCHDOG_RUNS_TOKEN, read-only "Actions: read"):
the provisioning App holds exactly the permissions of seed 003 section 7.2a, which do not include
Actions. Without that token the failed-run check is off, and said so, never reported healthy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from glow.cohort.model import pinned_template_sha
from glow.cohort.watchdog.decide import (
    FailedRun,
    RoomHealth,
    RoomPlan,
    Template,
    failing_workflows,
    workflow_gaps,
)
from glow.errors import GitHubError
from glow.github.repo import segment

if TYPE_CHECKING:
    from glow.cohort.model import Cohort, Learner, LogEntry
    from glow.cohort.observe import Repos
    from glow.github import Repo

WORKFLOW_DIR = ".github/workflows/"


def runs_client(api_url: str) -> Any | None:
    """A client on WATCHDOG_RUNS_TOKEN; None when it is unset (the failed-run check is off)."""
    import os

    from glow.github import token_client

    token = os.environ.get("WATCHDOG_RUNS_TOKEN", "").strip()
    return token_client(token, api_url) if token else None


def workflow_blobs(tree: Mapping[str, Any] | None) -> dict[str, str]:
    """The workflow files in a recursive git tree listing: path -> blob sha."""
    return {
        str(entry["path"]): str(entry["sha"])
        for entry in (tree or {}).get("tree") or []
        if entry.get("type") == "blob"
        and str(entry.get("path", "")).startswith(WORKFLOW_DIR)
        and str(entry["path"]).endswith((".yml", ".yaml"))
    }


@dataclass
class Reader:
    repos: Repos
    template_repo: str
    runs: Repos | None = None  # repositories seen with the runs token; None: the check is off
    unchecked: list[str] = field(default_factory=list)
    # Every run read, by repository: the room watchdog (``rooms``) looks at each failed one.
    raw_runs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Each owner's repositories from one listing (``GET /orgs/{org}/repos``), by full name;
    # None when the owner is not an organisation this token can list.
    _listed: dict[str, dict[str, dict[str, Any]] | None] = field(default_factory=dict)

    def repository(self, repo: Repo) -> dict[str, Any] | None:
        """The room's repository as GitHub lists it, or None when it does not exist: from the
        owner's listing (a few requests for a whole cohort), else asked for alone (a room
        missing from the listing is asked for too, to be sure)."""
        owner = repo.owner.lower()
        if owner not in self._listed:
            try:
                listed = repo.paginate(f"orgs/{segment(repo.owner)}/repos", {"type": "all"})
                self._listed[owner] = {
                    str(r.get("full_name", "")).lower(): r for r in listed if isinstance(r, dict)
                }
            except GitHubError as exc:
                if exc.status not in (403, 404):
                    raise
                self._listed[owner] = None
        found = (self._listed[owner] or {}).get(repo.full_name.lower())
        return found if found is not None else repo.get_json(repo.url())

    def template(self, cohort: Cohort, log: Iterable[LogEntry]) -> Template | None:
        """The template's workflows at the pinned commit (its default branch if none is
        pinned yet); None when no template is configured or it cannot be read."""
        if not self.template_repo:
            self.unchecked.append(
                "required workflows were not compared: set LEARNING_ROOM_TEMPLATE_REPO"
            )
            return None
        repo = self.repos.get(self.template_repo)
        ref = pinned_template_sha(cohort, log)
        if ref is None:
            info = repo.get_json(repo.url())
            ref = str((info or {}).get("default_branch") or "main")
        tree = repo.get_json(repo.url("git", "trees", ref), {"recursive": "1"})
        if tree is None:
            self.unchecked.append(
                f"required workflows were not compared: {self.template_repo} at {ref} "
                "could not be read"
            )
            return None
        return Template(self.template_repo, ref, workflow_blobs(tree))

    def listed_room(self, learner: Learner) -> dict[str, Any] | None:
        """The learner's room as the owner's listing shows it (``pushed_at``, the default
        branch); None when the roster names no room or it does not exist."""
        if not learner.learning_room_repo:
            return None
        return self.repository(self.repos.get(learner.learning_room_repo))

    def room_health(
        self,
        learner: Learner,
        template: Template | None,
        info: Mapping[str, Any] | None,
        plan: RoomPlan | None = None,
    ) -> RoomHealth:
        """What GitHub shows of the room (``info``: ``listed_room``). ``plan`` says what an
        earlier run's healthy finding still answers: the learner's access when not ``full``,
        the tree when not ``tree`` (``decide.plan_room``); None: read it all."""
        if not learner.learning_room_repo or info is None:
            return RoomHealth(repo=learner.learning_room_repo or "", exists=False)
        repo = self.repos.get(learner.learning_room_repo)
        if info.get("archived"):
            return RoomHealth(repo=repo.full_name, exists=True, archived=True)
        full = plan is None or plan.full
        collaborator = not full or self._is_collaborator(repo, learner.github_handle)
        invitation = "none" if collaborator else self._invitation(repo, learner.github_handle)
        missing: tuple[str, ...] = ()
        changed: tuple[str, ...] = ()
        if template is not None and (plan is None or plan.tree):
            branch = str(info.get("default_branch") or "main")
            tree = repo.get_json(repo.url("git", "trees", branch), {"recursive": "1"})
            missing, changed = workflow_gaps(template.workflows, workflow_blobs(tree))
        return RoomHealth(
            repo=repo.full_name,
            exists=True,
            collaborator=collaborator,
            invitation=invitation,  # type: ignore[arg-type]
            missing=missing,
            changed=changed,
        )

    @staticmethod
    def _is_collaborator(repo: Repo, handle: str) -> bool:
        try:
            repo.request("GET", repo.url("collaborators", handle))
        except GitHubError as exc:
            if exc.status == 404:
                return False
            raise
        return True

    @staticmethod
    def _invitation(repo: Repo, handle: str) -> str:
        for invitation in repo.paginate(repo.url("invitations")):
            login = str((invitation.get("invitee") or {}).get("login") or "")
            if login.lower() == handle.lower():
                return "expired" if invitation.get("expired") else "pending"
        return "none"

    def failed_runs(
        self, full_name: str, *, now: datetime, window: timedelta
    ) -> tuple[FailedRun, ...] | None:
        """Failing workflows of a repository; None when its runs were not read (the check is
        off, or the runs token may not read this repository: then it is named as unchecked)."""
        if self.runs is None:
            return None
        repo = self.runs.get(full_name)
        try:
            page = repo.get_json(repo.url("actions", "runs"), {"per_page": 100})
        except GitHubError as exc:
            if exc.status != 403:
                raise
            page = None
        if page is None:
            self.unchecked.append(
                f"workflow runs of {full_name} could not be read: give WATCHDOG_RUNS_TOKEN "
                "read access to Actions on it"
            )
            return None
        self.raw_runs[full_name] = list(page.get("workflow_runs") or [])
        return failing_workflows(page.get("workflow_runs") or [], now=now, window=window)
