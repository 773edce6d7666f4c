"""The facilitator dashboard end to end on the local GitHub, through `glow dashboard`.

Three learners with real rooms (generated from the template through the REST API): ada acked
and closed challenges 1 to 3, bob acked and is on challenge 1, cy has not acked yet.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cohort_world import COHORT, Glow, World, build_world, glow_runner

pytestmark = pytest.mark.e2e


@pytest.fixture
def glow(capsys: pytest.CaptureFixture[str]) -> Glow:
    return glow_runner(capsys)


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    w = build_world(tmp_path, monkeypatch, ("ada", "bob", "cy"))
    for handle, acked, closed in (("ada", True, 3), ("bob", True, 0), ("cy", False, 0)):
        w.register(handle, ack=acked)
        w.make_room(handle, closed=closed)
    w.set_roster([w.learner(h) for h in ("ada", "bob", "cy")])
    yield w
    w.http.close()
    w.hub.stop()


def body_lines(issue: dict) -> list[str]:
    return issue["body"].split("\n")


def labels(issue: dict) -> list[str]:
    return sorted(label["name"] for label in issue["labels"])


def test_dashboard_upserts_one_issue_per_learner_and_a_summary_and_rerun_writes_nothing(
    world: World, glow: Glow
) -> None:
    code, out, err = glow("dashboard", "--now", world.now())
    assert code == 0, err
    issues = world.admin_issues("dashboard")
    assert sorted(issues) == [f"dashboard:{COHORT}:{k}" for k in ("ada", "bob", "cy", "summary")]
    ada = issues[f"dashboard:{COHORT}:ada"]
    assert ada["title"] == f"[DASHBOARD] @ada ({COHORT})"
    outcome = body_lines(ada)[1]
    assert outcome.startswith("ada: active on Day 1, challenge 4 of 16, last activity 20")
    assert outcome.endswith(" UTC.")
    assert "- Completed: 3 of 16 (1, 2, 3)" in ada["body"]
    assert "- Level: Contributor" in ada["body"]
    assert "- Last signal: ack, " in ada["body"]
    assert "- Stuck: no" in ada["body"]
    assert "- Next action for the facilitator: Nothing needed." in ada["body"]
    assert labels(ada) == ["dashboard", "status:active-day1"]
    cy = issues[f"dashboard:{COHORT}:cy"]
    assert body_lines(cy)[1].startswith("cy: enrolled, waiting for the learner's ack, challenge 1")
    assert labels(cy) == ["dashboard", "status:awaiting-ack"]
    summary = issues[f"dashboard:{COHORT}:summary"]
    assert summary["title"] == f"[DASHBOARD] Cohort {COHORT} summary"
    assert body_lines(summary)[1] == (
        f"Cohort {COHORT}: 3 learners on the dashboard, 0 stuck, "
        "0 with failed provisioning, 0 waitlisted."
    )
    # Each learner's line links their status issue in the admin repository.
    assert re.search(
        rf"^- \[ada\]\(\S+/org/admin/issues/{ada['number']}\): active on Day 1$",
        summary["body"],
        re.M,
    )
    assert "- active on Day 1: 2" in summary["body"]
    # The roster of record learns what the dashboard derived (the Acknowledge contract).
    roster = world.admin.roster(COHORT)
    assert (roster.learners["ada"].status, roster.learners["ada"].signals) == (
        "active-day1",
        ["ack"],
    )
    assert roster.learners["ada"].last_signal_at is not None
    assert roster.learners["cy"].status == "awaiting-ack"

    mark = world.mark()
    code, out, _ = glow("dashboard", "--now", world.now())
    assert code == 0
    assert world.writes_since(mark) == []
    assert "changed 0 issue(s)" in out


def test_closing_a_challenge_rewrites_exactly_that_learners_issue(world: World, glow: Glow) -> None:
    assert glow("dashboard", "--now", world.now())[0] == 0
    ada = world.admin_issues("dashboard")[f"dashboard:{COHORT}:ada"]
    world.close_challenge("ada", 3 + 1)
    world.open_challenge("ada", 5)
    mark = world.mark()
    code, _, err = glow("dashboard", "--now", world.now())
    assert code == 0, err
    assert world.writes_since(mark) == [f"PATCH /api/v3/repos/org/admin/issues/{ada['number']}"]
    ada = world.admin_issues("dashboard")[f"dashboard:{COHORT}:ada"]
    assert "challenge 5 of 16" in body_lines(ada)[1]
    assert "- Completed: 4 of 16 (1, 2, 3, 4)" in ada["body"]
    assert "- Level: Contributor" in ada["body"]


def test_advancing_the_clock_flips_stuck_and_its_label_for_the_silent_learners_only(
    world: World, glow: Glow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GLOW_ACK_WAIT_MINUTES", "30")
    assert glow("dashboard", "--now", world.now())[0] == 0
    world.advance(21 * 60)
    world.comment("bob", "Working on challenge 1 now.")
    code, _, err = glow("dashboard", "--now", world.now())
    assert code == 0, err
    issues = world.admin_issues("dashboard")
    ada, bob, cy = (issues[f"dashboard:{COHORT}:{h}"] for h in ("ada", "bob", "cy"))
    assert labels(ada) == ["dashboard", "status:active-day1", "stuck"]
    assert body_lines(ada)[1].startswith("ada is stuck: active on Day 1, challenge 4 of 16, no ")
    assert "- Stuck: yes" in ada["body"]
    assert (
        "Check the Learning Room: open challenge 4 in org/learning-room-2026-12-ada" in ada["body"]
    )
    assert "stuck" not in labels(bob)
    # cy has not acked: never "stuck", but the facilitator is asked to nudge after the ack wait.
    assert labels(cy) == ["dashboard", "status:awaiting-ack"]
    assert "Next action for the facilitator: Nothing needed." in cy["body"]
    summary = issues[f"dashboard:{COHORT}:summary"]
    assert re.search(r"Stuck \(1\): \[ada\]\(\S+\) \(challenge 4\)", summary["body"])

    world.advance(10 * 60)
    world.close_challenge("ada", 4)  # activity again: ada is no longer stuck
    assert glow("dashboard", "--now", world.now())[0] == 0
    issues = world.admin_issues("dashboard")
    ada, cy = issues[f"dashboard:{COHORT}:ada"], issues[f"dashboard:{COHORT}:cy"]
    assert labels(ada) == ["dashboard", "status:active-day1"]
    assert body_lines(cy)[1].startswith("cy: enrolled, waiting for the learner's ack, ack overdue")
    assert "Comment on the registration issue (org/workshop#" in cy["body"]
    assert "Ack overdue (1): [cy](" in issues[f"dashboard:{COHORT}:summary"]["body"]


def test_a_learner_who_left_the_roster_gets_the_issue_closed_with_a_note(
    world: World, glow: Glow
) -> None:
    assert glow("dashboard", "--now", world.now())[0] == 0
    world.set_roster([world.learner(h) for h in ("ada", "bob")])
    code, _, err = glow("dashboard", "--now", world.now())
    assert code == 0, err
    cy = world.admin_issues("dashboard")[f"dashboard:{COHORT}:cy"]
    assert cy["state"] == "closed"
    comments = world.api("GET", f"/repos/org/admin/issues/{cy['number']}/comments")
    assert [c["body"].split("\n")[1] for c in comments] == [
        f"Closed: cy is no longer an enrolled learner of cohort {COHORT} in the roster "
        "(withdrawn or removed). This issue is kept for the record."
    ]
    mark = world.mark()
    assert glow("dashboard", "--now", world.now())[0] == 0
    assert world.writes_since(mark) == []


def test_dry_run_and_json_write_nothing_and_print_the_rows(world: World, glow: Glow) -> None:
    mark = world.mark()
    code, out, err = glow("dashboard", "--dry-run", "--json", "--now", world.now())
    assert code == 0, err
    assert world.writes_since(mark) == []
    rows = {row["handle"]: row for row in json.loads(out)}
    assert rows["ada"]["completed"] == [1, 2, 3]
    assert rows["ada"]["current_challenge"] == 4
    assert rows["cy"]["status"] == "awaiting-ack"
    assert "would change 4 issue(s)" in err


ROOT = Path(__file__).resolve().parents[1]


def test_the_admin_repos_workflows_run_on_the_local_runner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """admin-roster/.github/workflows/{dashboard,watchdog}.yml, dispatched in the admin repo.

    A facilitator ran the dashboard from a terminal first (the provisioning App wrote its
    issues); the workflow then writes with the job's own token: the App's issues are found and
    updated, never duplicated, and a new learner's issue is the job token's."""
    w = build_world(tmp_path, monkeypatch, ("ada", "bob"), runner=True)
    try:
        w.register("ada", ack=True)
        w.make_room("ada", closed=1)
        w.set_roster([w.learner("ada")])
        code, _, err = glow_runner(capsys)("dashboard", "--now", w.now())
        assert code == 0, err
        by_hand = w.admin_issues("dashboard")
        assert {i["user"]["login"] for i in by_hand.values()} == {"glow-provisioning[bot]"}
        w.close_challenge("ada", 2)
        w.register("bob", ack=True)
        w.make_room("bob", closed=0)
        w.set_roster([w.learner("ada"), w.learner("bob")])
        seed = ROOT / "admin-roster"
        for path in [*seed.glob(".github/workflows/*.yml"), *seed.glob("actions/*/action.yml")]:
            w.put_file("org/admin", path.relative_to(seed).as_posix(), path.read_text())
        for name, value in (
            ("PROVISIONING_APP_ID", str(w.app["id"])),
            ("PROVISIONING_APP_PRIVATE_KEY", w.app["private_key"]),
        ):
            w.control("secrets", {"repo": "org/admin", "name": name, "value": value})
        head = w.api("GET", "/repos/org/workshop/commits/main")["sha"]
        for name, value in (
            ("GLOW_ROOMS_OWNER", "org"),
            ("LEARNING_ROOM_TEMPLATE_REPO", "org/template"),
            ("GLOW_INSTALL", f"git+{w.hub.url}/org/workshop@{head}"),
        ):
            w.control("variables", {"repo": "org/admin", "name": name, "value": value})
        assert w.hub.wait_idle(60)
        # The dashboard as another workflow would ask for it, the watchdog from the Actions tab.
        w.api(
            "POST",
            "/repos/org/admin/dispatches",
            json={"event_type": "dashboard", "client_payload": {"cohort": COHORT}},
        )
        w.api(
            "POST",
            "/repos/org/admin/actions/workflows/watchdog.yml/dispatches",
            json={"ref": "main"},
        )
        assert w.hub.wait_idle(120)
        runs = [r for r in w.hub.store.data["runs"].values() if r["repo"] == "org/admin"]
        # The App's edits of the dashboard's issues start the Author workflow, as on GitHub;
        # its job is skipped (they are not course briefs), so it costs no minutes.
        authoring = [r for r in runs if r["name"] == "Author"]
        assert {(r["event"], r["conclusion"]) for r in authoring} <= {("issues", "skipped")}
        assert sorted(
            (r["name"], r["event"], r["conclusion"]) for r in runs if r["name"] != "Author"
        ) == [
            ("Dashboard", "repository_dispatch", "success"),
            ("Watchdog", "workflow_dispatch", "success"),
        ]
        every = w.api("GET", "/repos/org/admin/issues", params={"state": "all", "per_page": 100})
        marked = [i for i in every if "dashboard" in {lab["name"] for lab in i["labels"]}]
        assert len(marked) == 3  # ada, bob and the summary: the App's two were not duplicated
        issues = w.admin_issues("dashboard")
        ada, summary = (issues[f"dashboard:{COHORT}:{k}"] for k in ("ada", "summary"))
        assert ada["number"] == by_hand[f"dashboard:{COHORT}:ada"]["number"]
        assert "- Completed: 2 of 16 (1, 2)" in ada["body"]
        assert summary["number"] == by_hand[f"dashboard:{COHORT}:summary"]["number"]
        bob_number = issues[f"dashboard:{COHORT}:bob"]["number"]
        assert f"/org/admin/issues/{bob_number}): active on Day 1" in summary["body"]
        assert issues[f"dashboard:{COHORT}:bob"]["user"]["login"] == "github-actions[bot]"
        # Made with the job token (content limits), edited with the App (its hourly budget: a
        # job token has 1,000 requests an hour for the repository; a board of 300 edited every
        # run would spend more).
        edits = [
            r
            for r in w.hub.requests
            if r["method"] == "PATCH" and r["path"].startswith("/api/v3/repos/org/admin/issues/")
        ]
        assert edits and {r["kind"] for r in edits} == {"installation"}
        made = [
            r
            for r in w.hub.requests
            if r["method"] == "POST" and r["path"] == "/api/v3/repos/org/admin/issues"
        ]
        assert "job" in {r["kind"] for r in made}
    finally:
        w.http.close()
        w.hub.stop()


def test_private_intake_is_read_from_the_room_into_the_roster_and_never_shown_publicly(
    world: World, glow: Glow
) -> None:
    """The learner answers the intake form in their own private room; the dashboard (the App)
    reads it into the private roster. A stranger's intake-labelled issue there does not count."""
    room = "org/learning-room-2026-12-ada"
    body = (
        "### Screen reader or tools\n\nNVDA, Braille display\n\n### Accessibility needs\n\n"
        "I read slowly\n### not a field\nmore\n\n### Contact (optional)\n\nada@private.example\n"
    )
    world.api("POST", f"/repos/{room}/labels", json={"name": "intake", "color": "ededed"})
    world.api(
        "POST",
        f"/repos/{room}/issues",
        who="ada",
        json={"title": "About me", "body": body, "labels": ["intake"]},
    )
    world.api(  # the facilitator files one too: only the learner's own words count
        "POST",
        f"/repos/{room}/issues",
        json={"title": "About me", "body": body.replace("NVDA", "JAWS"), "labels": ["intake"]},
    )
    code, _, err = glow("dashboard", "--now", world.now())
    assert code == 0, err
    ada = world.admin.roster(COHORT).learners["ada"]
    assert (ada.tools, ada.contact) == ("NVDA, Braille display", "ada@private.example")
    assert ada.accessibility_needs == "I read slowly\n### not a field\nmore"
    issue = world.admin_issues("dashboard")[f"dashboard:{COHORT}:ada"]
    assert f"- Private intake: filled in, [{room}#" in issue["body"]
    assert "ada@private.example" not in issue["body"] and "I read slowly" not in issue["body"]
    public = world.api("GET", "/repos/org/workshop/issues", params={"state": "all"})
    comments = world.api("GET", "/repos/org/workshop/issues/comments")
    assert "private.example" not in json.dumps([public, comments])
    bob = world.admin_issues("dashboard")[f"dashboard:{COHORT}:bob"]
    assert "- Private intake: not filled in yet" in bob["body"]
    mark = world.mark()
    code, _, err = glow("dashboard", "--now", world.now())
    assert code == 0, err
    assert world.writes_since(mark) == []  # nothing changed: nothing written


def test_a_help_request_in_the_room_shows_until_a_facilitator_replies_there(
    world: World, glow: Glow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """bob comments `help` on his open challenge; the room's help bot answers (its job token);
    the dashboard shows the request, linked, until the facilitator replies in that issue."""
    from glow.localhub.runner_host import HubRunnerHost
    from glow.markers import with_marker
    from glow.room.help.copy import answer

    room = "org/learning-room-2026-12-bob"
    issue = world.challenge_issues[("bob", 1)]
    assert glow("dashboard", "--now", world.now())[0] == 0
    world.advance(60)
    asked = world.api(
        "POST",
        f"/repos/{room}/issues/{issue}/comments",
        who="bob",
        json={"body": "help, I cannot find the scavenger hunt list"},
    )
    job = HubRunnerHost(world.hub).mint_job_token(room, {"issues": "write"})
    reply = answer("bob", asked["html_url"], "@org/facilitators", pull=False)
    bot = world.http.post(
        f"/api/v3/repos/{room}/issues/{issue}/comments",
        headers={"authorization": f"token {job}"},
        json={"body": with_marker("help", reply)},
    )
    assert bot.json()["user"]["login"] == "github-actions[bot]"

    mark = world.mark()
    code, _, err = glow("dashboard", "--now", world.now())
    assert code == 0, err
    reads = [r["path"] for r in world.requests_since(mark) if r["path"].endswith("/comments")]
    rooms = [path for path in reads if "/learning-room-" in path]
    assert sorted(rooms) == [  # one listing per room with comments; ada's and cy's have none
        f"/api/v3/repos/{room}/issues/comments"
    ]
    issues = world.admin_issues("dashboard")
    bob = issues[f"dashboard:{COHORT}:bob"]
    link = f"[help request in {room}#{issue}]({asked['html_url']})"
    assert body_lines(bob)[1].startswith("bob: asked for help in the Learning Room at 20")
    assert f"- Help request: {link}, waiting since 20" in bob["body"]
    assert "- Next action for the facilitator: Reply in the Learning Room" in bob["body"]
    assert labels(bob) == ["dashboard", "needs-reply", "status:active-day1"]
    summary = issues[f"dashboard:{COHORT}:summary"]["body"]
    bob_link = re.escape(f"/org/admin/issues/{bob['number']})")
    assert re.search(rf"Asked for help, no reply yet \(1\): \[bob\]\(\S+{bob_link} \(", summary)
    assert f" ({link})" in summary
    assert re.search(rf"^- \[bob\]\(\S+{bob_link}: active on Day 1, asked for help$", summary, re.M)
    assert "needs-reply" not in labels(issues[f"dashboard:{COHORT}:ada"])
    # bob's progress is unchanged by asking: still on challenge 1, nothing completed.
    assert "- Completed: 0 of 16 (none)" in bob["body"]

    mark = world.mark()  # a re-run with nothing changed writes nothing
    assert glow("dashboard", "--now", world.now())[0] == 0
    assert world.writes_since(mark) == []

    world.advance(60)
    world.api(  # the facilitator (the organisation's owner) replies in that issue
        "POST",
        f"/repos/{room}/issues/{issue}/comments",
        json={"body": "It is in the README, under Challenge 1."},
    )
    mark = world.mark()
    code, _, err = glow("dashboard", "--now", world.now())
    assert code == 0, err
    issues = world.admin_issues("dashboard")
    bob = issues[f"dashboard:{COHORT}:bob"]
    summary_number = issues[f"dashboard:{COHORT}:summary"]["number"]
    assert world.writes_since(mark) == [  # bob's issue (text and labels), then the summary
        f"PATCH /api/v3/repos/org/admin/issues/{bob['number']}",
        f"PATCH /api/v3/repos/org/admin/issues/{summary_number}",
    ]
    assert "- Help request: none open" in bob["body"]
    assert "asked for help" not in bob["body"] and "needs-reply" not in labels(bob)
    assert (
        "Asked for help, no reply yet (0): nobody" in issues[f"dashboard:{COHORT}:summary"]["body"]
    )
    mark = world.mark()
    assert glow("dashboard", "--now", world.now())[0] == 0
    assert world.writes_since(mark) == []
