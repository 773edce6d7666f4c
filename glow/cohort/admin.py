"""The admin repository as the store of record: cohorts, rosters and provisioning logs.

Reads are plain; every write of rosters and logs is ONE commit that re-reads and re-applies a
pure update when another writer landed first: through the git data API, or, for one roster
alone, the contents API quoting the file's sha (``update_rosters``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Literal

from glow.cohort.model import (
    COHORTS_FILE,
    Cohorts,
    LogEntry,
    Roster,
    log_path,
    parse_log,
    render_log,
    roster_path,
)
from glow.errors import GlowError

if TYPE_CHECKING:
    from glow.bot.context import Context
    from glow.github.repo import Repo


class AdminRepo:
    """The private admin repository, through a ``glow.github.Repo`` adapter."""

    def __init__(self, repo: Repo, *, branch: str = "main") -> None:
        self.repo = repo
        self.branch = branch

    def cohorts(self) -> Cohorts:
        found = self.repo.read_file(COHORTS_FILE)
        if found is None:
            return Cohorts()
        try:
            return Cohorts.model_validate_json(found.text)
        except ValueError as exc:
            raise GlowError(
                f"{self.repo.full_name}/{COHORTS_FILE} is not valid: {str(exc).splitlines()[0]}"
            ) from None

    def roster(self, cohort_id: str) -> Roster:
        found = self.repo.read_file(roster_path(cohort_id))
        return parse_roster(found.text if found else None, cohort_id)

    def log(self, cohort_id: str) -> list[LogEntry]:
        found = self.repo.read_file(log_path(cohort_id))
        return parse_log(found.text if found else None)

    def update(
        self,
        cohort_id: str,
        change: Callable[[Roster], tuple[Roster, list[LogEntry]]],
        message: str,
    ) -> str | None:
        """Apply ``change`` to the roster and append its log entries, as one commit.

        ``change`` is pure and may run more than once (after a concurrent write); the commit
        is skipped when the roster is unchanged and there is nothing to log.
        """
        paths = (roster_path(cohort_id), log_path(cohort_id))

        def update(current: Mapping[str, str | None]) -> dict[str, str | None]:
            roster = parse_roster(current[paths[0]], cohort_id)
            new_roster, entries = change(roster)
            out: dict[str, str | None] = {paths[0]: new_roster.to_text()}
            if entries:
                out[paths[1]] = (current[paths[1]] or "") + render_log(entries)
            return out

        return self.repo.update_files(paths, update, message, branch=self.branch)


def update_rosters(
    admin: AdminRepo,
    cohort_ids: tuple[str, ...],
    change: Callable[[dict[str, Roster]], dict[str, Roster]],
    message: str,
) -> bool:
    """Apply ``change`` to several cohorts' rosters at once, as ONE commit of those that
    changed (True when there was one). Read and written together, so a decision that spans
    cohorts (a learner's records in each) is made on one consistent state, and re-made when
    another writer lands first.

    One cohort is one file: read and written through the contents API (two requests), the
    write quoting the sha it read, so a lost race is re-read and re-decided as a commit's is.
    Several are read at one commit and committed through the git data API."""
    paths = {cohort_id: roster_path(cohort_id) for cohort_id in cohort_ids}
    if len(paths) == 1:
        [(cohort_id, path)] = paths.items()

        def update_one(text: str | None) -> str | None:
            before = parse_roster(text, cohort_id)
            after = change({cohort_id: before}).get(cohort_id, before)
            return text if after == before else after.to_text()

        outcome = admin.repo.write_file(path, update_one, message, branch=admin.branch)
        return outcome != "unchanged"

    def update(current: Mapping[str, str | None]) -> dict[str, str | None]:
        before = {c: parse_roster(current[path], c) for c, path in paths.items()}
        after = change(dict(before))
        return {paths[c]: r.to_text() for c, r in after.items() if r != before.get(c)}

    written = admin.repo.update_files(tuple(paths.values()), update, message, branch=admin.branch)
    return written is not None


def parse_roster(text: str | None, cohort_id: str) -> Roster:
    if not text:
        return Roster(cohort_id=cohort_id)
    try:
        return Roster.model_validate_json(text)
    except ValueError as exc:
        raise GlowError(
            f"{roster_path(cohort_id)} is not a valid roster: {str(exc).splitlines()[0]}"
        ) from None


IssuesAuth = Literal["token", "provisioning"]


def issues_auth(
    *, by_event: bool, job_token: bool, job_repository: str, admin_repo: str
) -> IssuesAuth:
    """Who writes the bots' issues in the admin repository (the dashboard's, the watchdog's
    alerts): the job's own token when an Actions run of the admin repository has one (its
    content limits are the repository's, not the provisioning App's, which provisioning needs);
    otherwise (a facilitator at a terminal, or a workflow that passes no token) the
    provisioning credential."""
    same = job_repository.strip().lower() == admin_repo.strip().lower()
    return "token" if by_event and job_token and same else "provisioning"


def issues_repo(ctx: Context, admin: AdminRepo) -> Repo:
    """The admin repository through the credential ``issues_auth`` chooses for this run."""
    import os

    auth = issues_auth(
        by_event=ctx.event is not None,
        job_token=bool(os.environ.get("GITHUB_TOKEN", "").strip()),
        job_repository=os.environ.get("GITHUB_REPOSITORY", ""),
        admin_repo=admin.repo.full_name,
    )
    if auth == "token":
        return ctx.repo(admin.repo.full_name, auth="token")
    return admin.repo
