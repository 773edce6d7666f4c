"""Archive a cohort's Learning Rooms after the workshop. A dry run unless you add --apply.

Lists every room of the cohort (from the roster in the admin repository) and what would happen
to it. With --apply, and --confirm repeating the cohort id, archives each room: it becomes
read-only and stays readable, nothing is deleted, and an owner can unarchive it in the room's
Settings. One line per room (archived, already-archived, missing or error) goes to
`teardown/<cohort>.jsonl` in the admin repository, in one commit. Archived rooms are left
alone, so a second --apply writes nothing. Exits non-zero when any room could not be archived."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any, Literal

from glow.cohort.cli_support import SETTINGS_HELP

if TYPE_CHECKING:
    from glow.cohort.admin import AdminRepo
    from glow.cohort.teardown import Outcome, Room

EPILOG = (
    """examples:
  glow teardown --cohort 2026-12                             dry run: list the rooms
  glow teardown --cohort 2026-12 --apply --confirm 2026-12   archive them, write the log

"""
    + SETTINGS_HELP
)

NEEDS_CONFIRM = (
    "--apply archives every Learning Room of cohort {cohort}: repeat the cohort id to go ahead "
    "(--apply --confirm {cohort}). Nothing was changed."
)

State = Literal["active", "archived", "missing"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cohort", metavar="ID", required=True, help="the cohort to tear down")
    parser.add_argument(
        "--apply", action="store_true", help="archive the rooms (without it: a dry run)"
    )
    parser.add_argument(
        "--confirm", metavar="ID", help="the cohort id again, typed to confirm --apply"
    )


def run(args: argparse.Namespace) -> int:
    from glow.cohort.cli_support import open_admin
    from glow.cohort.teardown import rooms_of
    from glow.errors import GlowError

    cohort_id = args.cohort.strip().lower()
    if args.apply and (args.confirm or "").strip().lower() != cohort_id:
        raise GlowError(NEEDS_CONFIRM.format(cohort=cohort_id))
    settings, admin = open_admin()
    roster = admin.roster(cohort_id)
    if not roster.learners:
        raise GlowError(
            f"roster/{cohort_id}.json in {settings.admin_repo} has no learners: check the "
            "cohort id; nothing was changed"
        )
    outcomes, pending = [], 0
    for room in rooms_of(roster, settings.rooms_owner):
        outcome = handle_room(admin.repo.gh, room, apply=args.apply)
        if outcome is None:
            pending += 1
        else:
            outcomes.append(outcome)
    if args.apply:
        write_log(admin, cohort_id, outcomes, settings.run_id)
    failed = [o for o in outcomes if o.result == "error"]
    print(summary(cohort_id, outcomes, pending=pending, apply=args.apply))
    return 1 if failed else 0


def room_state(repo: Any) -> State:
    data = repo.get_json(repo.url())
    if data is None:
        return "missing"
    return "archived" if data.get("archived") else "active"


def handle_room(gh: Any, room: Room, *, apply: bool) -> Outcome | None:
    """Inspect one room and, with ``apply``, archive it; None for a dry run's "would archive"."""
    from glow.cohort.teardown import Outcome
    from glow.errors import GitHubError
    from glow.github import Repo

    owner, name = room.repo.split("/", 1)
    repo = Repo(gh, owner, name)
    who = f"{room.repo} (@{room.handle})"
    try:
        state = room_state(repo)
        if state == "missing":
            print(f"missing: {who}: no such repository, or the credential cannot see it")
            return Outcome(room, "missing", "no such repository, or not visible")
        if state == "archived":
            print(f"already archived: {who}")
            return Outcome(room, "already-archived")
        if not apply:
            print(f"would archive: {who}")
            return None
        repo.request("PATCH", repo.url(), json={"archived": True})
    except GitHubError as exc:
        print(f"error: {who}: {exc}")
        return Outcome(room, "error", str(exc))
    print(f"archived: {who}")
    return Outcome(room, "archived")


def write_log(
    admin: AdminRepo, cohort_id: str, outcomes: list[Outcome], run_id: str | None
) -> None:
    """Append the news to teardown/<cohort>.jsonl as one commit; nothing when there is none."""
    from collections.abc import Mapping

    from glow.cohort.cli_support import now
    from glow.cohort.teardown import (
        new_entries,
        parse_teardown_log,
        render_entries,
        teardown_log_path,
    )

    path = teardown_log_path(cohort_id)
    at = now()
    found = admin.repo.read_file(path)
    if not new_entries(outcomes, parse_teardown_log(found.text if found else None), at, run_id):
        return

    def update(current: Mapping[str, str | None]) -> dict[str, str | None]:
        entries = new_entries(outcomes, parse_teardown_log(current[path]), at, run_id)
        return {path: (current[path] or "") + render_entries(entries)} if entries else {}

    message = f"Teardown, cohort {cohort_id}: {len(outcomes)} rooms"
    admin.repo.update_files((path,), update, message, branch=admin.branch)


def summary(cohort_id: str, outcomes: list[Outcome], *, pending: int, apply: bool) -> str:
    counts = {"to archive": pending}
    for result in ("archived", "already-archived", "missing", "error"):
        counts[result] = sum(1 for outcome in outcomes if outcome.result == result)
    parts = ", ".join(f"{n} {result}" for result, n in counts.items() if n)
    if not apply:
        return (
            f"Dry run, cohort {cohort_id}: nothing was changed ({parts or 'nothing to report'}). "
            f"To archive: glow teardown --cohort {cohort_id} --apply --confirm {cohort_id}"
        )
    if counts["error"]:
        return (
            f"Teardown, cohort {cohort_id}: {parts}. Run the same command again to retry the "
            "rooms that failed, or archive them by hand (docs/runbooks/contracts.md, Teardown)."
        )
    return f"Teardown, cohort {cohort_id}: {parts}."
