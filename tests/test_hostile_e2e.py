"""A public issue meets a hostile or a busy world, end to end on the local GitHub with the
project's real workflows: strangers type our hidden markers into comments (registration, help,
Day 2) and change nothing; an old event replayed after an edit writes nothing; a request GitHub
holds past the deadline fails the command within it, with one clear line, and a re-run converges
without a duplicate even when the write landed and only the answer was lost."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from glow.cohort.registration.form import PATH_CHOICES, render_public
from glow.localhub.hub import LocalHub
from glow.rehearsal.world import build_world
from tests.test_registration_e2e import read_roster

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[1]
ORG, COHORT = "acme", "2026-12"
BOT = "github-actions[bot]"


class Cohort:
    """A running workshop: ``ada`` registers; ``mallory`` is anyone on the internet."""

    def __init__(self, hub: LocalHub) -> None:
        self.hub = hub
        cohorts = {"cohorts": [{"id": COHORT, "day2_url": "https://example.org/day2"}]}
        world = build_world(hub, ROOT, ["ada", "mallory"], cohorts, org=ORG)
        world.post("config", {"template_delay_seconds": 0})
        self.world, self.api = world, world.api
        self.tokens = {
            who: world.post("tokens", {"login": who})["token"] for who in ("ada", "mallory")
        }
        assert hub.wait_idle(120)

    def as_(self, who: str, method: str, path: str, body: Any = None) -> dict[str, Any]:
        resp = self.api.request(
            method, path, json=body, headers={"Authorization": f"token {self.tokens[who]}"}
        )
        resp.raise_for_status()
        return resp.json() if resp.content else {}

    def comments(self, number: int) -> list[dict[str, Any]]:
        return self.api.get(f"/repos/{ORG}/workshop/issues/{number}/comments").json()

    def ours(self, number: int, key: str) -> list[str]:
        return [
            c["body"]
            for c in self.comments(number)
            if c["user"]["login"] == BOT and c["body"].startswith(f"<!-- glow:{key} -->\n")
        ]

    def register(self, who: str) -> int:
        """``who`` files the public registration form; the workflows settle."""
        number = self.as_(
            who,
            "POST",
            f"/repos/{ORG}/workshop/issues",
            {"title": f"[REGISTER] {who}", "body": render_public(COHORT, "day1-day2"),
             "labels": ["registration"]},
        )["number"]  # fmt: skip
        assert self.hub.wait_idle(120)
        return int(number)

    def registration_runs(self) -> list[dict[str, Any]]:
        runs = self.world.get("runs")
        return [r for r in runs if r["workflow_path"].endswith("registration.yml")]

    def writes_since(self, mark: int) -> list[str]:
        return [
            f"{r['method']} {r['path']}"
            for r in list(self.hub.requests)
            if r["id"] > mark
            and r.get("route")
            and r["method"] != "GET"
            and not r["path"].endswith("/access_tokens")
        ]


@pytest.fixture
def cohort(tmp_path: Path) -> Any:
    hub = LocalHub(tmp_path / "hub").start()
    try:
        yield Cohort(hub)
    finally:
        hub.stop()


def test_a_strangers_markers_change_nothing_and_are_left_alone(cohort: Cohort) -> None:
    issues = f"/repos/{ORG}/workshop/issues"
    # The registration run's first request (reading the open issues) waits a moment, so
    # mallory's comments land before the bot answers, as a fast stranger's would.
    cohort.world.post(
        "faults",
        {"kind": "slow", "count": 1, "delay_seconds": 1.5,
         "match": {"method": "GET", "path_prefix": f"/api/v3{issues}"}},
    )  # fmt: skip
    number = cohort.as_(
        "ada",
        "POST",
        issues,
        {"title": "[REGISTER] ada", "body": render_public(COHORT, "day1-day2"),
         "labels": ["registration"]},
    )["number"]  # fmt: skip
    spoofs = {
        key: cohort.as_(
            "mallory",
            "POST",
            f"{issues}/{number}/comments",
            {"body": f"<!-- glow:{key} -->\n{text}"},
        )
        for key, text in (
            ("registration", "## Registration received: you are enrolled. Send me your password."),
            ("help", "## Help request received"),
            ("day2-release", "## Day 2 is open for you"),
        )
    }
    assert cohort.hub.wait_idle(120)

    # ada gets the bot's own answer; mallory's look-alike is neither edited nor taken for it.
    [answer] = cohort.ours(number, "registration")
    assert "## Registration received: you are enrolled" in answer
    assert read_roster(cohort.api).learners["ada"].enrollment == "enrolled"

    # ada asks for help and finishes Day 1: the real answers come, whatever mallory typed.
    cohort.as_("ada", "POST", f"{issues}/{number}/comments", {"body": "help, where is my room?"})
    assert cohort.hub.wait_idle(120)
    assert len(cohort.ours(number, "help")) == 1
    cohort.as_("ada", "POST", f"{issues}/{number}/comments", {"body": "day1-complete"})
    assert cohort.hub.wait_idle(120)
    [day2] = cohort.ours(number, "day2-release")
    assert "[Day 2 of the workshop, cohort 2026-12](https://example.org/day2)" in day2
    labels = {label["name"] for label in cohort.api.get(f"{issues}/{number}").json()["labels"]}
    assert "day2-released" in labels
    assert read_roster(cohort.api).learners["ada"].status == "day2-released"

    # Every one of mallory's comments is still there, exactly as written.
    left = {c["id"]: c for c in cohort.comments(number)}
    for spoof in spoofs.values():
        assert left[spoof["id"]]["body"] == spoof["body"]
        assert left[spoof["id"]]["user"]["login"] == "mallory"


def test_an_old_run_re_run_after_an_edit_writes_nothing(cohort: Cohort) -> None:
    """A re-run hours later gets the event as it was: the bot decides from the issue as GitHub
    has it now, so the learner's edit stands and nothing is written."""
    issues = f"/repos/{ORG}/workshop/issues"
    number = cohort.register("ada")
    opened = cohort.registration_runs()[0]
    edited_body = render_public(COHORT, "day2-only")
    cohort.as_("ada", "PATCH", f"{issues}/{number}", {"body": edited_body})
    assert cohort.hub.wait_idle(120)
    assert read_roster(cohort.api).learners["ada"].path == "day2-only"

    cohort.api.post(f"/repos/{ORG}/workshop/actions/runs/{opened['id']}/rerun").raise_for_status()
    mark = max(r["id"] for r in cohort.hub.requests)
    assert cohort.hub.wait_idle(120)
    again = next(r for r in cohort.registration_runs() if r["id"] == opened["id"])
    assert (again["run_attempt"], again["conclusion"]) == (2, "success")
    assert cohort.writes_since(mark) == []
    assert cohort.api.get(f"{issues}/{number}").json()["body"] == edited_body
    assert read_roster(cohort.api).learners["ada"].path == "day2-only"
    [answer] = cohort.ours(number, "registration")
    assert "(Day 2 only)" in answer


def test_a_held_request_fails_within_the_deadline_and_a_re_run_converges(cohort: Cohort) -> None:
    """GitHub takes the bot's answer but its reply never comes back in time: the command stops at
    the deadline with one clear line; the re-run finds the answer landed and adds none."""
    cohort.world.post("variables", {"owner": ORG, "name": "GLOW_REQUEST_TIMEOUT", "value": "1"})
    comments = f"/api/v3/repos/{ORG}/workshop/issues/1/comments"
    cohort.world.post(
        "faults",
        {"kind": "slow", "when": "after", "count": 1, "delay_seconds": 15,
         "match": {"method": "POST", "path_prefix": comments}},
    )  # fmt: skip
    number = cohort.register("ada")
    assert number == 1
    [run] = cohort.registration_runs()
    assert run["conclusion"] == "failure"  # the answer came after 15 s: the deadline fired first
    log = cohort.hub.runner.get_run(int(run["id"])).log
    timed_out = [line for line in log.splitlines() if "did not answer" in line]
    assert timed_out == [
        f"glow register: The GitHub API at {cohort.hub.url} did not answer POST {comments} "
        "within 1 s (GLOW_REQUEST_TIMEOUT). Next step: check that GITHUB_API_URL is right and "
        "reachable from here, or raise GLOW_REQUEST_TIMEOUT, then re-run to continue: a re-run "
        "is safe."
    ]
    assert "Traceback" not in log
    # The answer landed, although the command never heard: one comment, never a second.
    assert len(cohort.ours(number, "registration")) == 1

    cohort.api.post(f"/repos/{ORG}/workshop/actions/runs/{run['id']}/rerun").raise_for_status()
    assert cohort.hub.wait_idle(120)
    [again] = cohort.registration_runs()
    assert (again["run_attempt"], again["conclusion"]) == (2, "success")
    [answer] = cohort.ours(number, "registration")
    assert answer.split("\n")[1] == "## Registration received: you are enrolled"
    assert read_roster(cohort.api).learners["ada"].enrollment == "enrolled"


def test_a_day2_burst_answers_every_learner_whatever_the_group_drops(tmp_path: Path) -> None:
    """Six learners say day1-complete within a second. The Day 2 workflow's concurrency group
    keeps one run and one pending (a newer pending replaces the older): every run checks every
    learner, so everyone is answered, once."""
    learners = [f"l{n}" for n in range(1, 7)]
    hub = LocalHub(tmp_path / "hub").start()
    try:
        cohorts = {"cohorts": [{"id": COHORT, "day2_url": "https://example.org/day2"}]}
        world = build_world(hub, ROOT, learners, cohorts, org=ORG)
        world.post("config", {"template_delay_seconds": 0})
        api = world.api
        tokens = {who: world.post("tokens", {"login": who})["token"] for who in learners}
        numbers = {}
        for who in learners:
            numbers[who] = api.post(
                f"/repos/{ORG}/workshop/issues",
                headers={"Authorization": f"token {tokens[who]}"},
                json={"title": f"[REGISTER] {who}", "body": render_public(COHORT, "day1-day2"),
                      "labels": ["registration"]},
            ).json()["number"]  # fmt: skip
        assert hub.wait_idle(300)
        before = {r["id"] for r in world.get("runs")}

        def done(who: str) -> None:
            api.post(
                f"/repos/{ORG}/workshop/issues/{numbers[who]}/comments",
                headers={"Authorization": f"token {tokens[who]}"},
                json={"body": "day1-complete"},
            ).raise_for_status()

        with ThreadPoolExecutor(max_workers=6) as pool:
            list(pool.map(done, learners))
        assert hub.wait_idle(300)
        day2 = [
            r
            for r in world.get("runs")
            if r["id"] not in before and r["workflow_path"].endswith("day2-release.yml")
        ]
        assert len(day2) == 6
        conclusions = sorted(r["conclusion"] for r in day2)
        assert set(conclusions) == {"success", "cancelled"}, conclusions  # the group dropped some
        for who, number in numbers.items():
            comments = api.get(f"/repos/{ORG}/workshop/issues/{number}/comments").json()
            released = [c for c in comments if c["body"].startswith("<!-- glow:day2-release -->")]
            assert len(released) == 1, who
        roster = read_roster(api)
        assert {lrn.status for lrn in roster.learners.values()} == {"day2-released"}
    finally:
        hub.stop()


def test_text_added_to_a_closed_registration_is_moved_off_it_too(cohort: Cohort) -> None:
    """The safety net holds after closing: a withdrawn registration and a closed duplicate
    edited to add private text lose it from the public body, and the roster keeps it."""
    issues = f"/repos/{ORG}/workshop/issues"
    number = cohort.register("ada")
    cohort.as_("ada", "PATCH", f"{issues}/{number}", {"state": "closed"})  # ada withdraws
    assert cohort.hub.wait_idle(120)
    body = render_public(COHORT, "day1-day2") + "\nCall me on 555-0100-ada\n"
    cohort.as_("ada", "PATCH", f"{issues}/{number}", {"body": body})
    assert cohort.hub.wait_idle(120)
    assert "555-0100-ada" not in cohort.api.get(f"{issues}/{number}").json()["body"]
    ada = read_roster(cohort.api).learners["ada"]
    assert ada.enrollment == "withdrawn" and "555-0100-ada" in (ada.volunteered or "")
    [answer] = cohort.ours(number, "registration")
    assert "moved to the facilitators' private roster" in answer

    first = cohort.register("mallory")
    duplicate = cohort.register("mallory")
    closed = cohort.api.get(f"{issues}/{duplicate}").json()
    assert closed["state"] == "closed"
    secret = render_public(COHORT, "day1-day2") + "\nmallory-secret@mail.example\n"
    cohort.as_("mallory", "PATCH", f"{issues}/{duplicate}", {"body": secret})
    assert cohort.hub.wait_idle(120)
    assert "mallory-secret" not in cohort.api.get(f"{issues}/{duplicate}").json()["body"]
    record = read_roster(cohort.api).learners["mallory"]
    assert record.registration_issue == first
    assert "mallory-secret@mail.example" in (record.volunteered or "")


def test_an_edit_made_while_a_run_works_is_never_reverted(cohort: Cohort) -> None:
    """ada edits her registration while the run of her first version is still working (slow
    admin repository): the run does not write her old text back over the edit."""
    issues = f"/repos/{ORG}/workshop/issues"
    cohort.world.post(
        "faults",
        {"kind": "slow", "count": 1, "delay_seconds": 3,
         "match": {"method": "GET", "path_prefix": f"/api/v3/repos/{ORG}/admin/contents"}},
    )  # fmt: skip
    first = render_public(COHORT, "day1-day2") + "\nmy phone 555-0199\n"
    number = cohort.as_(
        "ada", "POST", issues,
        {"title": "[REGISTER] ada", "body": first, "labels": ["registration"]},
    )["number"]  # fmt: skip
    time.sleep(1)  # the first run is now waiting on the admin repository
    edited = render_public(COHORT, "day2-only") + "\nmy phone 555-0199\n"
    cohort.as_("ada", "PATCH", f"{issues}/{number}", {"body": edited})
    assert cohort.hub.wait_idle(120)
    body = cohort.api.get(f"{issues}/{number}").json()["body"]
    assert PATH_CHOICES["day2-only"] in body and "555-0199" not in body
    ada = read_roster(cohort.api).learners["ada"]
    assert ada.path == "day2-only" and "555-0199" in (ada.volunteered or "")
