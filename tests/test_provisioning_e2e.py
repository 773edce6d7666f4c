"""Provisioning end to end on the local GitHub, with the App installed on the org: rooms,
invitations, the first challenge, the log, idempotent re-runs, healing, rate limits, crashes."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from glow.cohort.model import Cohort
from glow.cohort.provisioning import practice
from glow.cohort.provisioning.copy import RATE_LIMITED
from glow.cohort.provisioning.engine import Provisioner, ProvisioningStopped
from glow.cohort.provisioning.pace import OVERLAP
from glow.cohort.provisioning.room import RoomSteps
from glow.cohort.watchdog.copy import LABEL as WATCHDOG_LABEL
from glow.cohort.watchdog.decide import Problem
from glow.github import WriteBudget, WriteLimits, token_client
from glow.github.repo import Repo
from glow.markers import marker
from glow.rehearsal.world import FACILITATOR
from glow.room.progression.copy import CONFLICT_COMMIT_MAIN
from glow.room.progression.decide import (
    CONFLICT_BRANCH,
    CONFLICT_FILE,
    LEARNER_FILE,
    REVIEW_BRANCH,
    REVIEW_FILE,
    conflict_versions,
    learner_file,
    review_version,
)
from tests.provisioning_support import (
    COHORT,
    LEARNERS,
    ORG,
    TEMPLATE,
    TEMPLATE_FILES,
    World,
    make_world,
)

pytestmark = pytest.mark.e2e

GENERATE = f"/api/v3/repos/{TEMPLATE}/generate"
FEW = LEARNERS[:3]
REQUIRED = sorted(p for p in TEMPLATE_FILES if p.startswith(".github/"))


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[..., World]]:
    started: list[World] = []

    def start(learners: tuple[str, ...] = FEW) -> World:
        started.append(make_world(tmp_path, learners))
        started[-1].control("config", {"template_delay_seconds": 0.1})
        return started[-1]

    yield start
    for world in started:
        world.hub.stop()


def rooms(learners: tuple[str, ...]) -> list[str]:
    return [f"learning-room-{COHORT}-{h}" for h in learners]


def when_line(world: World, prefix: str, action: Callable[[], None]) -> None:
    """Run ``action`` once, right after the progress line starting with ``prefix``."""

    class Lines(list[str]):
        fired = False

        def append(self, line: str) -> None:
            super().append(line)
            if line.startswith(prefix) and not self.fired:
                self.fired = True
                action()

    world.lines = Lines(world.lines)


def generate_attempts(world: World, since: int = 0) -> list[int]:
    return [r["status"] for r in world.requests(since) if r["path"] == GENERATE]


def assert_one_healthy_room_each(world: World) -> None:
    assert world.rooms() == rooms(world.learners)  # one room per (handle, cohort), none missing
    template = world.staff(*TEMPLATE.split("/"))
    tree = template.get_json(template.url("git", "trees", "main"), {"recursive": "1"})
    wanted = {e["path"]: e["sha"] for e in tree["tree"] if e["path"] in REQUIRED}
    for handle in world.learners:
        files = world.room_files(handle)
        assert {p: files.get(p) for p in REQUIRED} == wanted, handle
        [challenge] = world.seeded_challenges(handle)
        assert challenge["title"] == "Challenge 1: Find your way around"
        assert world.invitees(handle) == [handle]
    roster = world.roster()
    for handle in world.learners:
        record = roster.learners[handle]
        assert record.provision_state == "provisioned", handle
        assert record.learning_room_repo == f"{ORG}/learning-room-{COHORT}-{handle}"
        assert_practice_ready(world, handle, record.path)


def assert_practice_ready(world: World, handle: str, path: str) -> None:
    """The learner's facts and both practice branches, as the room's challenges need them:
    the conflict line changed one way on its branch and another way, once, on main."""
    room = world.room(handle)

    def text(name: str, branch: str) -> str | None:
        found = room.read_file(name, branch)
        return found.text if found else None

    _base, theirs, ours = conflict_versions(None)  # the test template has no practice file
    assert text(LEARNER_FILE, "main") == learner_file(handle, COHORT, path), handle
    assert (text(CONFLICT_FILE, CONFLICT_BRANCH), text(CONFLICT_FILE, "main")) == (theirs, ours)
    assert text(REVIEW_FILE, REVIEW_BRANCH) == review_version(None)
    changed = room.get_json(room.url("commits"), {"sha": "main", "path": CONFLICT_FILE})
    assert [c["commit"]["message"].split("\n")[0] for c in changed] == [CONFLICT_COMMIT_MAIN]


def test_five_learners_get_five_rooms_and_a_rerun_writes_nothing(
    start: Callable[..., World],
) -> None:
    world = start(LEARNERS)
    world.control("config", {"template_delay_seconds": 0.5})
    engine = world.engine()
    [cohort] = engine.cohorts()
    mark = world.mark()
    report = engine.run(cohort)

    assert world.lines == [
        f"[{i}/5] {h}: created learning-room-{COHORT}-{h}, invited, challenge 1 seeded"
        for i, h in enumerate(LEARNERS, 1)
    ]
    assert_one_healthy_room_each(world)
    assert world.results() == {h: ["created", "invited", "seeded"] for h in LEARNERS}
    head = world.staff(*TEMPLATE.split("/")).get_json(f"repos/{TEMPLATE}/git/ref/heads/main")
    assert {e.template_sha for e in world.log()} == {head["object"]["sha"]}

    batch = world.requests(mark)
    # GitHub answers generate before it copies the files: the next rooms were started while
    # the first one's files were still being copied (four in flight before ada's invitation).
    order = [r["path"] for r in batch if r["method"] != "GET"]
    invite_ada = order.index(f"/api/v3/repos/{ORG}/learning-room-{COHORT}-ada/collaborators/ada")
    assert sum(path == GENERATE for path in order[:invite_ada]) == OVERLAP
    # Content-creating requests per learner: generate, invite and the challenge issue. The
    # learner's facts (.glow/learner.yml) and the practice branches (the conflict line on the
    # branch, then on the default branch; the review section) are three git data commits.
    creating = [r for r in batch if r.get("creates_content")]
    assert len(creating) == 3 * len(LEARNERS)
    assert generate_attempts(world, mark) == [201] * len(LEARNERS)
    for room in rooms(LEARNERS):
        assert sum(f"/{room}/" in r["path"] for r in creating) == 2
    # ... each commit a tree, a commit and a ref made or moved.
    assert all(o.writes == 12 for o in report.outcomes)
    # Roster and log of the whole batch: one commit.
    assert sum(r["path"] == f"/api/v3/repos/{ORG}/admin/git/refs/heads/main" for r in batch) == 1

    for verify in (False, True):
        again = world.mark()
        engine.run(cohort, verify=verify)
        assert world.writes(again) == [], f"re-run (verify={verify}) wrote"


LOST = ".github/workflows/pr-bot.yml"


def provisioned_then_lost(
    start: Callable[..., World],
) -> tuple[World, Provisioner, Cohort, Repo, str]:
    """Three learners provisioned, then bob's room loses a required workflow: the world, its
    engine, the cohort, bob's room and the lost path."""
    world = start()
    engine = world.engine()
    [cohort] = engine.cohorts()
    engine.run(cohort)
    room = world.room("bob")
    gone = room.read_file(LOST)
    assert gone is not None
    room.request("DELETE", room.url("contents", LOST), json={"message": "oops", "sha": gone.sha})
    return world, engine, cohort, room, LOST


def test_a_deleted_required_file_is_healed_in_one_commit_with_verify(
    start: Callable[..., World],
) -> None:
    world, engine, cohort, room, lost = provisioned_then_lost(start)
    commits_before = len(list(room.paginate(room.url("commits"))))

    engine.run(cohort)  # without --verify, provisioned rooms are not visited
    assert lost not in world.room_files("bob")
    mark = world.mark()
    engine.run(cohort, verify=True)

    healed = f"[2/3] bob: healed learning-room-{COHORT}-bob (1 required files restored)"
    assert healed in world.lines
    assert len(list(room.paginate(room.url("commits")))) == commits_before + 1
    assert world.room_files("bob")[lost] == world.room_files("ada")[lost]
    touched = {w.split("/")[5] for w in world.writes(mark)}
    assert touched == {f"learning-room-{COHORT}-bob", "admin"}
    assert world.results()["bob"] == ["created", "invited", "seeded", "healed"]
    assert world.roster().learners["bob"].provision_state == "healed"
    again = world.mark()
    engine.run(cohort, verify=True)
    assert world.writes(again) == []


def test_the_hourly_run_heals_the_rooms_the_watchdog_flagged_and_reads_no_other_room(
    start: Callable[..., World],
) -> None:
    """The schedule's --heal-flagged: one listing of the watchdog's open alerts; only the
    flagged learner's room is visited (and healed), with no alert no room is read at all."""
    world, _engine, cohort, _room, lost = provisioned_then_lost(start)

    mark = world.mark()
    world.engine().run(cohort, heal_flagged=True)  # no alert yet: no room is read
    assert not [r for r in world.requests(mark) if "/learning-room-" in r["path"]]
    assert lost not in world.room_files("bob")

    # The watchdog's alert, as it writes it (label, marker key), for bob and for cy's access
    # in another cohort (not this run's to heal).
    admin = world.staff(ORG, "admin")
    for key in (
        Problem("room-workflows", COHORT, "bob", {}).key,
        Problem("room-access", "2027-01", "cy", {}).key,
        Problem("stuck", COHORT, "ada", {}).key,  # not a room problem: nothing to heal
    ):
        body = {"title": key, "body": marker(key) + "\nA problem.", "labels": [WATCHDOG_LABEL]}
        admin.request("POST", admin.url("issues"), json=body)
    mark = world.mark()
    world.lines.clear()
    world.engine().run(cohort, heal_flagged=True)
    assert world.lines == [
        f"[1/1] bob: healed learning-room-{COHORT}-bob (1 required files restored)"
    ]
    visited = {
        r["path"].split("/")[5] for r in world.requests(mark) if "/learning-room-" in r["path"]
    }
    assert visited == {f"learning-room-{COHORT}-bob", "learning-room-template"}
    assert world.room_files("bob")[lost] == world.room_files("ada")[lost]


def test_secondary_rate_limits_retry_the_same_learner_and_skip_none(
    start: Callable[..., World],
) -> None:
    world = start()
    # 7 refusals: the request layer retries 5 times, then the engine waits and retries ada.
    world.control(
        "faults",
        {
            "kind": "secondary",
            "count": 7,
            "retry_after": 0,
            "match": {"method": "POST", "path_prefix": GENERATE},
        },
    )
    engine = world.engine()
    [cohort] = engine.cohorts()
    report = engine.run(cohort)

    assert world.lines[:2] == [
        "[1/3] ada: GitHub rate limit; waiting 60 s, then retrying",
        f"[1/3] ada: created learning-room-{COHORT}-ada, invited, challenge 1 seeded",
    ]
    assert [line.split(":")[0] for line in world.lines[1:]] == [
        "[1/3] ada",
        "[2/3] bob",
        "[3/3] cy",
    ]
    assert 60.0 in world.clock.sleeps
    assert generate_attempts(world) == [403] * 7 + [201] * 3
    assert not report.failed
    assert_one_healthy_room_each(world)


def test_a_rate_limit_that_never_lifts_stops_the_batch_and_a_rerun_resumes(
    start: Callable[..., World],
) -> None:
    world = start()
    fault = {
        "kind": "secondary",
        "count": 1000,
        "retry_after": 0,
        "match": {"method": "POST", "path_prefix": GENERATE},
    }
    when_line(world, "[1/3]", lambda: world.control("faults", fault))
    # One room at a time, so the fault after ada's line meets bob's generate.
    engine = world.engine(backoff_budget_s=10 * 60, overlap=1)
    [cohort] = engine.cohorts()
    with pytest.raises(ProvisioningStopped, match="resumes with bob"):
        engine.run(cohort)

    roster = world.roster()
    states = {h: roster.learners[h].provision_state for h in FEW}
    assert states == {"ada": "provisioned", "bob": "failed", "cy": "pending"}
    assert [e.error_detail for e in world.log() if e.result == "error"] == [RATE_LIMITED]
    assert world.rooms() == rooms(("ada",))

    world.http.delete("/_localhub/faults").raise_for_status()
    engine.run(cohort)
    assert_one_healthy_room_each(world)
    assert world.results()["bob"] == ["error", "created", "invited", "seeded"]


def test_a_failing_learner_is_recorded_and_the_batch_goes_on(start: Callable[..., World]) -> None:
    world = start()
    fault = {"kind": "status", "status": 502, "count": 4, "match": {"path_prefix": GENERATE}}
    when_line(world, "[1/3]", lambda: world.control("faults", fault))
    engine = world.engine(overlap=1)  # one room at a time: the fault meets bob's generate
    [cohort] = engine.cohorts()
    report = engine.run(cohort)

    [failed] = report.failed
    assert failed.handle == "bob"
    assert "502" in (failed.error or "")
    assert world.lines[1].startswith("[2/3] bob: failed: GitHub refused POST")
    assert world.lines[2].startswith("[3/3] cy: created")
    assert world.roster().learners["bob"].provision_state == "failed"
    assert world.rooms() == rooms(("ada", "cy"))

    engine.run(cohort)
    assert_one_healthy_room_each(world)
    assert world.results()["bob"] == ["error", "created", "invited", "seeded"]


def test_a_crash_mid_batch_loses_at_most_the_learner_in_flight(
    start: Callable[..., World], monkeypatch: pytest.MonkeyPatch
) -> None:
    world = start(LEARNERS[:4])
    real = RoomSteps._seed_challenge

    def crash_on_dee(self: RoomSteps, room, challenge, *, fresh):  # type: ignore[no-untyped-def]
        if room.name.endswith("-dee"):
            raise RuntimeError("the runner was killed")
        return real(self, room, challenge, fresh=fresh)

    monkeypatch.setattr(RoomSteps, "_seed_challenge", crash_on_dee)
    engine = world.engine(flush_every=2)
    [cohort] = engine.cohorts()
    mark = world.mark()
    with pytest.raises(RuntimeError):
        engine.run(cohort)
    admin_commits = [w for w in world.writes(mark) if w.endswith("/admin/git/refs/heads/main")]
    assert len(admin_commits) == 2  # after ada and bob, then cy when the crash came
    states = {h: lrn.provision_state for h, lrn in world.roster().learners.items()}
    assert states == {
        "ada": "provisioned",
        "bob": "provisioned",
        "cy": "provisioned",
        "dee": "pending",
    }

    monkeypatch.setattr(RoomSteps, "_seed_challenge", real)
    world.lines.clear()
    engine.run(cohort)
    assert world.lines == [
        f"[1/1] dee: learning-room-{COHORT}-dee already exists, challenge 1 seeded"
    ]
    assert_one_healthy_room_each(world)  # one room, one invitation, one challenge 1 each
    results = world.results()
    # What the killed run did is not lost: GitHub's creation time gives the log its line back.
    assert results["dee"] == ["created", "already-exists", "seeded"]
    [created] = [e for e in world.log() if e.github_handle == "dee" and e.result == "created"]
    assert created.note and "stopped before it could save" in created.note
    assert all(results[h] == ["created", "invited", "seeded"] for h in ("ada", "bob", "cy"))


def test_a_crash_between_the_practice_branches_and_main_is_finished_by_the_next_run(
    start: Callable[..., World], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new room's practice branches are made before its default branch moves: a run killed
    in between leaves branches the next run keeps, and it finishes main (the conflict's other
    side and the learner's facts) once."""
    world = start(("ada",))
    real = practice.commit_onto
    calls: list[str] = []

    def killed_before_main(repo, parent, base_tree, files, message):  # type: ignore[no-untyped-def]
        calls.append(message)
        if len(calls) == 3:
            raise RuntimeError("the runner was killed")
        return real(repo, parent, base_tree, files, message)

    monkeypatch.setattr(practice, "commit_onto", killed_before_main)
    engine = world.engine()
    [cohort] = engine.cohorts()
    with pytest.raises(RuntimeError):
        engine.run(cohort)
    room = world.room("ada")
    assert room.read_file(LEARNER_FILE, "main") is None
    assert room.read_file(CONFLICT_FILE, CONFLICT_BRANCH) is not None

    monkeypatch.setattr(practice, "commit_onto", real)
    engine.run(cohort)
    assert_one_healthy_room_each(world)


def test_a_room_made_by_hand_is_recognised_and_recorded(start: Callable[..., World]) -> None:
    """The runbook's manual fallback: a facilitator makes the room, invites, opens challenge 1
    with its marker; the next run records it and changes nothing in the room."""
    world = start(("ada",))
    template = world.staff(*TEMPLATE.split("/"))
    name = f"learning-room-{COHORT}-ada"
    template.request(
        "POST", template.url("generate"), json={"owner": ORG, "name": name, "private": True}
    )
    assert world.hub.wait_idle(10)
    room = world.room("ada")
    for _ in range(50):
        if world.room_files("ada"):
            break
        time.sleep(0.05)
    room.request("PUT", room.url("collaborators", "ada"), json={"permission": "push"})
    body = "<!-- glow:challenge:1 -->\nTyped by hand from challenges/challenge-01.md\n"
    room.request("POST", room.url("issues"), json={"title": "Challenge 1", "body": body})

    engine = world.engine()
    [cohort] = engine.cohorts()
    mark = world.mark()
    engine.run(cohort, learner="ada")
    assert world.lines == [f"[1/1] ada: {name} already exists"]
    # The room gains only what the bots read: the learner's facts and the practice branches
    # (no second challenge issue, no second invitation).
    in_room = sorted(
        "/".join(w.split("/")[6:]) for w in world.writes(mark) if w.split("/")[5] != "admin"
    )
    assert in_room == [
        "contents/.glow/learner.yml",
        "contents/docs/conflict-practice.md",
        "contents/docs/conflict-practice.md",
        "contents/docs/review-me.md",
        "git/refs",
        "git/refs",
    ]
    assert world.results() == {"ada": ["created", "already-exists"]}
    [created] = [e for e in world.log() if e.result == "created"]
    assert created.note and "made by hand" in created.note and created.run_id is None
    record = world.roster().learners["ada"]
    assert (record.provision_state, record.learning_room_repo) == ("provisioned", f"{ORG}/{name}")


def test_the_batch_counts_what_the_identitys_other_jobs_wrote_this_minute(
    start: Callable[..., World],
) -> None:
    """Another job of the same identity (a registration committing its roster through the
    contents API) wrote 8 of the minute's 10 content-creating requests just before the batch:
    the batch counts them from the admin repository's commits and waits, meeting no 403."""
    world = start(("ada", "bob"))
    world.control("config", {"content_creation_per_minute": 10, "content_creation_per_hour": 500})
    store = world.hub.store

    def advance(seconds: float) -> None:
        world.control("clock", {"advance_seconds": seconds})

    advance(3600)  # the organisation was set up an hour ago: its writes are out of count
    staff = token_client(world.token, world.hub.api_url)  # one identity for all of it
    admin = world.staff(ORG, "admin")
    for n in range(8):
        admin.write_file(f"notes/{n}.md", lambda _old, n=n: f"note {n}\n", f"Roster {n}")
    budget = WriteBudget(WriteLimits(0.0, 10, 500), clock=store.epoch, sleep=advance)
    engine = world.engine(gh=staff, pacer=budget, now=lambda: store.now().replace(microsecond=0))
    [cohort] = engine.cohorts()
    mark = world.mark()
    report = engine.run(cohort)

    assert not report.failed
    assert [r for r in world.requests(mark) if r["status"] == 403] == []
    assert world.rooms() == rooms(("ada", "bob"))
    # Its first content-creating request waited for room in the minute of the others' 8.
    creating = [
        datetime.fromisoformat(r["at"].replace("Z", "+00:00")).timestamp()
        for r in world.requests()
        if r.get("creates_content") and r.get("login") == FACILITATOR
    ]
    assert all(sum(1 for t in creating if at <= t < at + 60) <= 10 for at in creating)


def test_the_write_budget_keeps_the_local_githubs_limits_over_the_hours_they_require(
    start: Callable[..., World],
) -> None:
    """The local GitHub's limits, scaled down (12 content-creating requests an hour, 10 a
    minute) so six rooms (18 requests) need two hours: the engine's budget, on the local
    GitHub's clock (its waits move the clock on), keeps the batch under them with no 403."""
    world = start((*LEARNERS, "fay"))
    world.control("config", {"content_creation_per_minute": 10, "content_creation_per_hour": 12})
    store = world.hub.store

    def advance(seconds: float) -> None:
        world.control("clock", {"advance_seconds": seconds})

    def hub_now() -> datetime:
        return store.now().replace(microsecond=0)

    advance(3600)  # the organisation was set up an hour ago: its writes are out of count
    budget = WriteBudget(WriteLimits(0.0, 10, 12), clock=store.epoch, sleep=advance)
    # A personal token (actions-bot mode): an installation token expires by the local
    # GitHub's clock, which these hours move on, while its client renews it by the real one.
    staff = token_client(world.token, world.hub.api_url)
    engine = world.engine(gh=staff, pacer=budget, now=hub_now)
    [cohort] = engine.cohorts()
    mark = world.mark()
    report = engine.run(cohort)

    assert not report.failed and report.paused is None
    assert (
        "4 of 6 new rooms can be made now (3 content-creating requests each)" in (report.checks[-1])
    )
    batch = world.requests(mark)
    assert [r for r in batch if r["status"] == 403] == []
    assert generate_attempts(world, mark) == [201] * 6
    assert world.rooms() == rooms(world.learners)
    creating = sorted(
        datetime.fromisoformat(r["at"].replace("Z", "+00:00")).timestamp()
        for r in batch
        if r.get("creates_content") and r.get("login") == FACILITATOR
    )
    assert len(creating) == 18
    assert all(sum(1 for t in creating if start <= t < start + 3600) <= 12 for start in creating)
    assert creating[-1] - creating[0] > 3600  # two hours' worth
    assert any(line.startswith("Waiting until ") for line in world.lines)
