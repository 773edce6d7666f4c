"""Progression and help end to end on the local GitHub: a room made by provisioning, then
`glow room` run in-process with the room's job token on the events the hub records (real
issues, real git, real mergeability)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from glow.__main__ import main
from glow.cohort.forms import render_issue_form
from glow.cohort.model import Roster, roster_path
from glow.localhub.runner_host import HubRunnerHost
from tests.provisioning_support import ADMIN, COHORT, ORG, TEMPLATE, World, make_world

pytestmark = pytest.mark.e2e
HELP_FORM = (
    Path(__file__).resolve().parents[1] / "learning-room-template/.github/ISSUE_TEMPLATE/help.yml"
)

LINK = (
    "learn_more:\n  - text: GitHub Docs, about issues\n    url: https://docs.github.com/en/issues\n"
)


def challenge_file(number: int, unlocks: list[int], paths: str = "[day1-day2]") -> str:
    return (
        f'---\nnumber: {number}\nkey: "{number}"\n'
        f'title: "Challenge {number}: practise step {number}"\n'
        f"day: {1 if number < 10 else 2}\npaths: {paths}\nevidence: A comment on this issue.\n"
        f"unlocks: {unlocks}\n{LINK}---\n## Challenge {number}\n\nFirst paragraph of {number}.\n\n"
        f"Second paragraph of {number}, which must reach the issue too.\n"
    )


CHALLENGES = {
    "challenges/challenge-01.md": challenge_file(1, [2]),
    "challenges/challenge-02.md": challenge_file(2, [3]),
    "challenges/challenge-03.md": challenge_file(3, [4]),
    "challenges/challenge-04.md": challenge_file(4, []),
    "challenges/challenge-07.md": challenge_file(7, []),
    "challenges/challenge-10.md": challenge_file(10, [11], "[day1-day2, day2-only]"),
    "challenges/challenge-11.md": challenge_file(11, [], "[day1-day2, day2-only]"),
    "docs/conflict-practice.md": "# Conflict practice\n\nThe workshop starts at 9:00.\n",
}


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = make_world(tmp_path, ("ada", "bob"))
    w.staff(*TEMPLATE.split("/")).commit_files(CHALLENGES, "challenges", branch="main")
    admin = w.staff(*ADMIN.split("/"))
    found = admin.read_file(roster_path(COHORT))
    assert found is not None
    roster = Roster.model_validate_json(found.text)
    bob = roster.learners["bob"].model_copy(update={"path": "day2-only"})
    roster = roster.model_copy(update={"learners": {**roster.learners, "bob": bob}})
    admin.commit_files({roster_path(COHORT): roster.to_text()}, "bob is day2-only", branch="main")
    engine = w.engine()
    [cohort] = engine.cohorts()
    engine.run(cohort)
    yield w
    w.hub.stop()


def room_of(handle: str) -> str:
    return f"{ORG}/learning-room-{COHORT}-{handle}"


def glow_room(
    w: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    event: str,
    payload: dict[str, Any],
    *args: str,
) -> int:
    room = room_of("ada") if "repository" not in payload else payload["repository"]["full_name"]
    token = HubRunnerHost(w.hub).mint_job_token(
        room, {"contents": "read", "issues": "write", "pull_requests": "write"}
    )
    path = tmp_path / f"event-{len(list(tmp_path.glob('event-*')))}.json"
    path.write_text(json.dumps({"repository": {"full_name": room}, **payload}))
    for name, value in {
        "GITHUB_EVENT_NAME": event,
        "GITHUB_EVENT_PATH": str(path),
        "GITHUB_REPOSITORY": room,
        "GITHUB_TOKEN": token,
        "GITHUB_API_URL": w.hub.api_url,
        "GLOW_FACILITATORS": "@acme/facilitators",
    }.items():
        monkeypatch.setenv(name, value)
    return main(["room", *args])


def issues(w: World, handle: str) -> list[dict[str, Any]]:
    room = w.staff(*room_of(handle).split("/"))
    return list(room.paginate(room.url("issues"), {"state": "all"}))


def by_marker(w: World, handle: str, key: str) -> list[dict[str, Any]]:
    return [
        i for i in issues(w, handle) if (i.get("body") or "").startswith(f"<!-- glow:{key} -->")
    ]


def test_closing_challenge_1_opens_challenge_2_once_even_with_two_deliveries(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = world
    staff = w.staff(*room_of("ada").split("/"))
    [first] = by_marker(w, "ada", "challenge:1")
    assert "Second paragraph of 1" in first["body"]  # the whole body, not its first line
    closed = staff.request(
        "PATCH",
        staff.url("issues", first["number"]),
        json={"state": "closed", "state_reason": "completed"},
    ).json()
    payload = {
        "action": "closed",
        "issue": closed,
        "sender": {"login": "facilitator", "type": "User"},
    }
    assert glow_room(w, tmp_path, monkeypatch, "issues", payload) == 0
    mark = w.mark()
    assert glow_room(w, tmp_path, monkeypatch, "issues", payload) == 0  # duplicate delivery
    assert w.writes(mark) == []
    [second] = by_marker(w, "ada", "challenge:2")
    assert second["title"] == "Challenge 2: practise step 2"
    assert second["user"]["login"] == "github-actions[bot]"
    assert second["assignees"] == []  # ada's invitation is still pending: unassigned, no 422
    assert "Second paragraph of 2" in second["body"]


def test_day2_only_starts_at_10_and_the_learner_file_is_written(world: World) -> None:
    assert [i["title"] for i in issues(world, "bob")] == ["Challenge 10: practise step 10"]
    found = world.staff(*room_of("bob").split("/")).read_file(".glow/learner.yml")
    assert found is not None and "path: day2-only" in found.text and "handle: bob" in found.text


def test_each_learner_request_is_answered_once_and_a_facilitators_help_is_not(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = world
    room = room_of("ada")
    w.tokens["ada"] = w.control("tokens", {"login": "ada"})["token"]
    [invitation] = w.api("GET", "/user/repository_invitations", who="ada")
    w.api("PATCH", f"/user/repository_invitations/{invitation['id']}", who="ada")
    staff = w.staff(*room.split("/"))
    [first] = by_marker(w, "ada", "challenge:1")
    where = f"/repos/{room}/issues/{first['number']}/comments"
    asked = w.api("POST", where, who="ada", json={"body": "help, where is the README?"})
    payload = {"action": "created", "issue": first, "comment": asked}
    for _ in range(2):
        assert glow_room(w, tmp_path, monkeypatch, "issue_comment", payload) == 0
    # A second request on the same issue, a facilitator's "Help ...", and a help-form issue
    # (help.yml's rendered body; this room has no `help` label) arrive before the next run.
    again = w.api("POST", where, who="ada", json={"body": "Still stuck, @Gandalf can you look?"})
    w.api("POST", where, json={"body": "Help is on the way: look at the Code tab."})
    fields = yaml.safe_load(HELP_FORM.read_text(encoding="utf-8"))["body"]
    typed = ["Challenge 1, I cannot find the README.", "NVDA"]
    form = render_issue_form(
        {f["attributes"]["label"]: t for f, t in zip(fields, typed, strict=True)}
    )
    filed = w.api(
        "POST", f"/repos/{room}/issues", who="ada", json={"title": "Help: ", "body": form}
    )
    payload = {"action": "opened", "issue": filed}
    for _ in range(2):
        assert glow_room(w, tmp_path, monkeypatch, "issues", payload) == 0
    comments = list(staff.paginate(staff.url("issues", first["number"], "comments")))
    answers = [c for c in comments if c["body"].startswith("<!-- glow:help:")]
    assert [a["body"].split("\n", 1)[0] for a in answers] == [
        f"<!-- glow:help:{asked['id']} -->",
        f"<!-- glow:help:{again['id']} -->",
    ]
    assert all("@acme/facilitators, please reply on this issue." in a["body"] for a in answers)
    assert f"issuecomment-{asked['id']})" in answers[0]["body"]
    assert f"issuecomment-{again['id']})" in answers[1]["body"]
    [on_form] = list(staff.paginate(staff.url("issues", filed["number"], "comments")))
    assert on_form["body"].startswith("<!-- glow:help:issue -->")
    assert "@acme/facilitators, please reply on this issue." in on_form["body"]
    assert f"[your help request]({filed['html_url']})" in on_form["body"]
    # Nothing changed: a re-run writes nothing; a malformed payload is logged and ignored.
    mark = w.mark()
    assert glow_room(w, tmp_path, monkeypatch, "issue_comment", {"action": "created"}) == 0
    assert w.writes(mark) == []


def test_start_challenge_7_opens_a_real_conflict_and_bad_input_is_one_line(
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    w = world
    dispatch = {"inputs": {"start_challenge": "7"}}
    assert (
        glow_room(w, tmp_path, monkeypatch, "workflow_dispatch", dispatch, "--start-challenge", "7")
        == 0
    )
    [seven] = by_marker(w, "ada", "challenge:7")
    [pull] = by_marker(w, "ada", "practice:merge-conflict")
    staff = w.staff(*room_of("ada").split("/"))
    detail = staff.get_json(staff.url("pulls", pull["number"]))
    assert detail is not None
    assert detail["head"]["ref"] == "practice/merge-conflict"
    assert detail["mergeable_state"] == "dirty"
    assert not [c for c in staff.paginate(staff.url("issues", seven["number"], "comments"))]
    mark = w.mark()
    assert (
        glow_room(w, tmp_path, monkeypatch, "workflow_dispatch", dispatch, "--start-challenge", "7")
        == 0
    )
    assert w.writes(mark) == []
    capsys.readouterr()
    code = glow_room(w, tmp_path, monkeypatch, "workflow_dispatch", {}, "--start-challenge", "22")
    err = capsys.readouterr().err
    assert code != 0 and "start_challenge must be a challenge number from 1 to 21" in err
    assert "Traceback" not in err


def test_when_github_is_slow_to_compute_the_conflict_the_learner_is_told_how_to_find_it(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GitHub computes mergeability in the background: while it stays unknown (here for an hour
    of the hub's clock), the Challenge 7 issue gets one fallback comment, and a re-run adds
    nothing."""
    import httpx

    w = world
    httpx.post(
        f"{w.hub.url}/_localhub/config", json={"mergeability_delay_seconds": 3600}
    ).raise_for_status()
    dispatch = {"inputs": {"start_challenge": "7"}}
    assert glow_room(w, tmp_path, monkeypatch, "workflow_dispatch", dispatch) == 0
    [seven] = by_marker(w, "ada", "challenge:7")
    [pull] = by_marker(w, "ada", "practice:merge-conflict")
    staff = w.staff(*room_of("ada").split("/"))
    notes = [
        c
        for c in staff.paginate(staff.url("issues", seven["number"], "comments"))
        if c["body"].startswith("<!-- glow:practice:merge-conflict-note -->")
    ]
    assert len(notes) == 1
    assert f"#{pull['number']}" in notes[0]["body"] or str(pull["number"]) in notes[0]["body"]
    assert notes[0]["body"].split("\n")[1].startswith("## ")
    mark = w.mark()
    assert glow_room(w, tmp_path, monkeypatch, "workflow_dispatch", dispatch) == 0
    assert w.writes(mark) == []
