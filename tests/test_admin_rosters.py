"""Rosters written together (``update_rosters``): one open cohort is one file, read and written
through the contents API in two requests and re-decided when another writer lands first;
several are one commit."""

from __future__ import annotations

from collections.abc import Callable

from glow.cohort.admin import AdminRepo, update_rosters
from glow.cohort.model import Roster, roster_path
from glow.github import Repo
from tests import factories
from tests.conftest import ROOM
from tests.fakegithub import FakeGitHub


def enroll(handle: str, issue: int) -> Callable[[dict[str, Roster]], dict[str, Roster]]:
    """A change adding ``handle`` to every roster it is given (unchanged when already there)."""

    def change(rosters: dict[str, Roster]) -> dict[str, Roster]:
        out = {}
        for cohort, roster in rosters.items():
            record = factories.learner(handle, cohort=cohort, issue=issue)
            out[cohort] = roster.model_copy(
                update={"learners": {**roster.learners, record.key: record}}
            )
        return out

    return change


def learners(fake: FakeGitHub, cohort: str = "2026-12") -> set[str]:
    text = fake.files_at(ROOM).get(roster_path(cohort))
    return set(Roster.model_validate_json(text).learners) if text else set()


def test_one_cohort_is_two_requests_and_a_concurrent_writer_is_kept(
    room: Repo, fake_github: FakeGitHub
) -> None:
    admin = AdminRepo(room)
    assert update_rosters(admin, ("2026-12",), enroll("ada", 1), "Registration of @ada (#1)")
    assert learners(fake_github) == {"ada"}
    assert [(c.method, c.path.split("/contents/")[-1]) for c in fake_github.requests] == [
        ("GET", "roster/2026-12.json"),
        ("PUT", "roster/2026-12.json"),
    ]

    # bob's run lands between our read and our write: ours is re-decided on his roster.
    def bob_first(fake: FakeGitHub) -> None:
        roster = Roster.model_validate_json(fake.files_at(ROOM)[roster_path("2026-12")])
        record = factories.learner("bob", issue=2)
        roster = roster.model_copy(update={"learners": {**roster.learners, "bob": record}})
        fake.commit_files(ROOM, {roster_path("2026-12"): roster.to_text()})

    fake_github.before("PUT", "/contents/roster/", bob_first)
    assert update_rosters(admin, ("2026-12",), enroll("cy", 3), "Registration of @cy (#3)")
    assert learners(fake_github) == {"ada", "bob", "cy"}

    # Nothing to change: read once, written never.
    fake_github.requests.clear()
    assert not update_rosters(admin, ("2026-12",), enroll("cy", 3), "again")
    assert [c.method for c in fake_github.requests] == ["GET"]


def test_several_cohorts_are_one_commit(room: Repo, fake_github: FakeGitHub) -> None:
    admin = AdminRepo(room)
    assert update_rosters(admin, ("2026-12", "2027-01"), enroll("ada", 1), "Registration")
    assert learners(fake_github) == learners(fake_github, "2027-01") == {"ada"}
    assert len(fake_github.calls("POST", "/git/commits")) == 1
    assert fake_github.calls("PUT") == []
