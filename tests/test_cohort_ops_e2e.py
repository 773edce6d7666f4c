"""Day 2 release, grouping and teardown end to end on the local GitHub, through `glow ...`.

The world (``tests.cohort_world``, built by ``glow.rehearsal.world``): organisation ``org`` with
a public workshop repository (learners' registration issues, filed with their own tokens) and a
private admin repository (cohorts.json, rosters), the provisioning App installed on ``org``, and
the job's GITHUB_TOKEN on the workshop repo.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from glow.cohort.model import Learner
from glow.localhub.runner_host import HubRunnerHost
from tests import factories
from tests.cohort_world import COHORT, ROOT, Glow, World, build_world, glow_runner

pytestmark = pytest.mark.e2e

DAY2_URL = "https://example.org/workshop/day2"
LEARNERS = ("ada", "bob", "cy", "dee", "eve")


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    yield from ops_world(tmp_path, monkeypatch, runner=False)


@pytest.fixture
def runner_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """The same world with the local Actions runner, to run this project's real workflows."""
    yield from ops_world(tmp_path, monkeypatch, runner=True)


def ops_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, runner: bool) -> Iterator[World]:
    """The shared world without a template, every learner registered, and the job's
    GITHUB_TOKEN on the workshop repository (the workflows these commands run in)."""
    cohorts = {"cohorts": [{"id": COHORT, "day2_url": DAY2_URL}, {"id": "2027-01"}]}
    w = build_world(
        tmp_path,
        monkeypatch,
        LEARNERS,
        runner=runner,
        template=False,
        cohorts=cohorts,
        permissions={"administration": "write", "contents": "write", "issues": "write"},
    )
    for handle in LEARNERS:
        w.register(handle, title=f"[REGISTER] {handle.capitalize()}")
    job_token = HubRunnerHost(w.hub).mint_job_token("org/workshop", {"issues": "write"})
    monkeypatch.setenv("GITHUB_REPOSITORY", "org/workshop")
    monkeypatch.setenv("GITHUB_TOKEN", job_token)
    for name in ("LEARNING_ROOM_TEMPLATE_REPO", "GLOW_ROOMS_OWNER", "GITHUB_SERVER_URL"):
        monkeypatch.delenv(name, raising=False)
    yield w
    w.http.close()
    w.hub.stop()


def learner(world: World, handle: str, cohort: str = COHORT, **changes: Any) -> Learner:
    """``handle``'s record as registered (capitalised, as they wrote it), not yet provisioned."""
    issue = world.registrations.get(handle, 999)
    return factories.learner(handle.capitalize(), cohort=cohort, issue=issue, **changes)


@pytest.fixture
def glow(capsys: pytest.CaptureFixture[str]) -> Glow:
    return glow_runner(capsys)


def marker_comments(world: World, handle: str) -> list[dict[str, Any]]:
    return [
        c for c in world.comments(handle) if c["body"].startswith("<!-- glow:day2-release -->\n")
    ]


# Day 2 release ----------------------------------------------------------------------------------


def test_day2_release_posts_once_labels_records_and_a_rerun_writes_nothing(
    world: World, glow: Glow
) -> None:
    world.set_roster({h: learner(world, h) for h in ("ada", "bob", "cy", "dee")})
    n = world.registrations
    world.api(
        "POST",
        f"/repos/org/workshop/issues/{n['ada']}/comments",
        who="ada",
        json={"body": "Day 1 complete! That was fun."},
    )
    world.api(
        "POST",
        f"/repos/org/workshop/issues/{n['bob']}/comments",
        json={"body": "> day1-complete\n\nBob, when you finish, type the line above."},
    )
    world.api(
        "POST", f"/repos/org/workshop/issues/{n['cy']}/labels", json={"labels": ["day1-complete"]}
    )
    commits = world.commits()

    code, out, err = glow("day2-release", "--cohort", COHORT, "--dry-run")
    assert code == 0, err
    assert "would release @Ada" in out and "would release @Cy" in out and "@Bob" not in out

    code, out, err = glow("day2-release", "--cohort", COHORT)
    assert code == 0, err
    assert "Day 2 release: released 2; 0 already released" in out
    for handle in ("ada", "cy"):
        [posted] = marker_comments(world, handle)
        assert posted["body"].split("\n")[1:4] == [
            "## Day 2 is open for you",
            "",
            f"Your Day 2 link: [Day 2 of the workshop, cohort {COHORT}]({DAY2_URL})",
        ]
        assert posted["user"]["login"] == "github-actions[bot]"
        assert "day2-released" in world.labels(handle)
    assert marker_comments(world, "bob") == [] and "day2-released" not in world.labels("bob")
    assert marker_comments(world, "dee") == []
    assert world.commits() == commits + 1
    roster = world.admin.roster(COHORT).learners
    assert roster["ada"].status == "day2-released"
    assert roster["ada"].signals == ["day1-complete", "day2-released"]
    assert roster["ada"].last_signal_at is not None
    assert roster["cy"].status == "day2-released"
    assert roster["bob"].status == "awaiting-ack" and roster["bob"].signals == []

    mark = world.mark()
    code, out, err = glow("day2-release")
    assert code == 0, err
    assert world.writes_since(mark) == []
    assert len(marker_comments(world, "ada")) == 1


def test_a_release_posted_before_the_roster_commit_is_recorded_without_posting_again(
    world: World, glow: Glow
) -> None:
    # A run that posted then crashed, or a facilitator who released by hand: GitHub shows it.
    world.set_roster({"dee": learner(world, "dee")})
    world.api(
        "POST",
        f"/repos/org/workshop/issues/{world.registrations['dee']}/labels",
        json={"labels": ["day2-released"]},
    )
    mark = world.mark()
    code, out, err = glow("day2-release", "--cohort", COHORT)
    assert code == 0, err
    assert "released 0; 1 already released, now recorded in the roster" in out
    writes = world.writes_since(mark)
    # The roster's one write: its file through the contents API.
    assert [w for w in writes if "/repos/org/admin/" in w] == [
        f"PUT /api/v3/repos/org/admin/contents/roster/{COHORT}.json"
    ], writes
    assert not [w for w in writes if "/issues/" in w], writes  # no comment, no issue label
    assert world.admin.roster(COHORT).learners["dee"].status == "day2-released"
    assert marker_comments(world, "dee") == []


def test_a_cohort_without_a_day2_url_posts_nothing_and_fails_clearly(
    world: World, glow: Glow
) -> None:
    world.set_roster({"eve": learner(world, "eve", cohort="2027-01")}, cohort="2027-01")
    world.api(
        "POST",
        f"/repos/org/workshop/issues/{world.registrations['eve']}/comments",
        who="eve",
        json={"body": "day1-complete"},
    )
    code, out, err = glow("day2-release", "--cohort", "2027-01")
    assert code == 1
    assert "released 0;" in out and "1 problem(s)" in out
    assert "glow day2-release: cohort 2027-01: 1 learner(s) finished Day 1 (@Eve)" in err
    assert "day2_url" in err and "Traceback" not in err
    assert marker_comments(world, "eve") == [] and "day2-released" not in world.labels("eve")
    assert world.admin.roster("2027-01").learners["eve"].status == "awaiting-ack"


def test_issue_narrows_the_run_to_one_registration(world: World, glow: Glow) -> None:
    world.set_roster({h: learner(world, h, path="day2-only") for h in ("ada", "bob")})
    code, out, err = glow("day2-release", "--issue", str(world.registrations["bob"]))
    assert code == 0, err
    assert "released @Bob" in out and "@Ada" not in out
    assert marker_comments(world, "ada") == [] and len(marker_comments(world, "bob")) == 1


def test_a_missing_registration_issue_fails_that_learner_only(world: World, glow: Glow) -> None:
    roster = {"ada": learner(world, "ada", path="day2-only")}
    roster["zed"] = learner(world, "zed", path="day2-only", registration_issue=999)
    world.set_roster(roster)
    code, out, err = glow("day2-release", "--cohort", COHORT)
    assert code == 1
    assert "released @Ada" in out
    assert "glow day2-release: @Zed: registration issue org/workshop#999 was not found" in err
    assert world.admin.roster(COHORT).learners["zed"].status == "awaiting-ack"


# Grouping ---------------------------------------------------------------------------------------


def test_groups_are_written_once_and_stay_stable_as_learners_come_and_go(
    world: World, glow: Glow
) -> None:
    world.set_roster({h: learner(world, h) for h in ("ada", "bob", "cy", "dee")})
    code, out, err = glow("group", "--cohort", COHORT)
    assert code == 0, err
    first = json.loads(world.admin.repo.read_file(f"groups/{COHORT}.json").text)["groups"]
    assert sorted(len(g) for g in first) == [2, 2]
    md = world.admin.repo.read_file(f"groups/{COHORT}.md").text
    assert md.startswith(f"# Peer-review groups, cohort {COHORT}\n")
    assert "\n1. @" in md and "\n2. @" in md

    mark = world.mark()
    assert glow("group", "--cohort", COHORT)[0] == 0
    assert world.writes_since(mark) == []

    leaver = first[0][0]
    roster = {h: learner(world, h) for h in ("ada", "bob", "cy", "dee", "eve")}
    roster[leaver] = roster[leaver].model_copy(update={"enrollment": "withdrawn"})
    world.set_roster(roster)
    code, out, err = glow("group", "--cohort", COHORT)
    assert code == 0, err
    after = json.loads(world.admin.repo.read_file(f"groups/{COHORT}.json").text)["groups"]
    assert first[1] in after  # the pair nobody left is untouched
    assert sorted(m for g in after for m in g) == sorted(set(roster) - {leaver})
    assert f"left the groups: {leaver}" in out


# Teardown ---------------------------------------------------------------------------------------


def test_teardown_is_a_dry_run_until_confirmed_then_archives_once(world: World, glow: Glow) -> None:
    for name in ("learning-room-2026-12-ada", "learning-room-2026-12-bob", "room-of-dee"):
        world.api("POST", "/orgs/org/repos", json={"name": name, "private": True})
    world.api("PATCH", "/repos/org/room-of-dee", json={"archived": True})
    world.set_roster(
        {
            "ada": learner(world, "ada", learning_room_repo="org/learning-room-2026-12-ada"),
            "bob": learner(world, "bob"),  # never recorded: its provisioning name is checked
            "cy": learner(world, "cy", learning_room_repo="org/learning-room-2026-12-cy"),
            "dee": learner(world, "dee", learning_room_repo="org/room-of-dee"),
        }
    )
    log_path = f"teardown/{COHORT}.jsonl"

    mark = world.mark()
    code, out, err = glow("teardown", "--cohort", COHORT)
    assert code == 0, err
    assert "would archive: org/learning-room-2026-12-ada (@Ada)" in out
    assert "would archive: org/learning-room-2026-12-bob (@Bob)" in out
    assert "missing: org/learning-room-2026-12-cy (@Cy)" in out
    assert "already archived: org/room-of-dee (@Dee)" in out
    assert "Dry run, cohort 2026-12: nothing was changed" in out
    assert world.writes_since(mark) == []

    code, out, err = glow("teardown", "--cohort", COHORT, "--apply", "--confirm", "2026-11")
    assert code != 0 and "--apply --confirm 2026-12" in err
    assert world.writes_since(mark) == []

    code, out, err = glow("teardown", "--cohort", COHORT, "--apply", "--confirm", COHORT)
    assert code == 0, err
    for room in ("learning-room-2026-12-ada", "learning-room-2026-12-bob"):
        assert world.api("GET", f"/repos/org/{room}")["archived"] is True
    lines = [json.loads(line) for line in world.admin.repo.read_file(log_path).text.splitlines()]
    assert [(e["handle"], e["result"]) for e in lines] == [
        ("Ada", "archived"),
        ("Bob", "archived"),
        ("Cy", "missing"),
        ("Dee", "already-archived"),
    ]
    assert all(e["repo"].startswith("org/") and e["at"] for e in lines)

    mark = world.mark()
    code, out, err = glow("teardown", "--cohort", COHORT, "--apply", "--confirm", COHORT)
    assert code == 0, err
    assert world.writes_since(mark) == []
    assert len(world.admin.repo.read_file(log_path).text.splitlines()) == 4


# The real workflow -------------------------------------------------------------------------------


def test_the_workflow_answers_the_learners_comment_and_ignores_a_facilitators(
    runner_world: World,
) -> None:
    """`.github/workflows/day2-release.yml` on issue_comment: its `if:` lets through only the
    learner's own comment on a registration issue; the App secrets reach the admin repo."""
    world = runner_world
    for path in (".github/workflows/day2-release.yml", "actions/day2-release/action.yml"):
        world.put_file("org/workshop", path, (ROOT / path).read_text())
    control = world.http.post
    control(
        "/_localhub/variables",
        json={"repo": "org/workshop", "name": "ADMIN_ROSTER_REPO", "value": "org/admin"},
    ).raise_for_status()
    for name, value in (
        ("PROVISIONING_APP_ID", str(world.app["id"])),
        ("PROVISIONING_APP_PRIVATE_KEY", world.app["private_key"]),
    ):
        control(
            "/_localhub/secrets", json={"repo": "org/workshop", "name": name, "value": value}
        ).raise_for_status()
    world.set_roster({"ada": learner(world, "ada")})
    assert world.hub.wait_idle(60)
    runs_before = len(world.hub.store.data["runs"])

    issue = f"/repos/org/workshop/issues/{world.registrations['ada']}/comments"
    world.api("POST", issue, json={"body": "Ada, comment day1-complete when you are done."})
    assert world.hub.wait_idle(60)
    world.api("POST", issue, who="ada", json={"body": "Day 1 complete"})
    assert world.hub.wait_idle(60)

    runs = sorted(world.hub.store.data["runs"].values(), key=lambda r: r["id"])[runs_before:]
    assert [(r["event"], r["conclusion"]) for r in runs] == [
        ("issue_comment", "skipped"),
        ("issue_comment", "success"),
    ], runs
    [posted] = marker_comments(world, "ada")
    assert DAY2_URL in posted["body"]
    assert "day2-released" in world.labels("ada")
    assert world.admin.roster(COHORT).learners["ada"].status == "day2-released"


def test_the_grouping_and_teardown_workflows_pass_their_inputs_through(
    runner_world: World,
) -> None:
    world = runner_world
    for path in (
        ".github/workflows/student-grouping.yml",
        "actions/group/action.yml",
        ".github/workflows/teardown.yml",
        "actions/teardown/action.yml",
    ):
        world.put_file("org/workshop", path, (ROOT / path).read_text())
    for kind, name, value in (
        ("variables", "ADMIN_ROSTER_REPO", "org/admin"),
        ("variables", "PROVISIONING_MODE", "actions-bot"),
        ("secrets", "PROVISIONING_TOKEN", world.tokens["facilitator"]),
    ):
        world.http.post(
            f"/_localhub/{kind}", json={"repo": "org/workshop", "name": name, "value": value}
        ).raise_for_status()
    world.api("POST", "/orgs/org/repos", json={"name": "learning-room-2026-12-ada"})
    world.set_roster({h: learner(world, h) for h in ("ada", "bob")})
    assert world.hub.wait_idle(60)
    runs_before = len(world.hub.store.data["runs"])

    def dispatch(workflow: str, inputs: dict[str, Any]) -> None:
        world.api(
            "POST",
            f"/repos/org/workshop/actions/workflows/{workflow}/dispatches",
            json={"ref": "main", "inputs": inputs},
        )
        assert world.hub.wait_idle(60)

    dispatch("student-grouping.yml", {"cohort": COHORT})
    dispatch("teardown.yml", {"cohort": COHORT, "apply": True, "confirm": "wrong"})
    dispatch("teardown.yml", {"cohort": COHORT, "apply": True, "confirm": COHORT})

    runs = sorted(world.hub.store.data["runs"].values(), key=lambda r: r["id"])[runs_before:]
    assert [r["conclusion"] for r in runs] == ["success", "failure", "success"], runs
    assert world.admin.repo.read_file(f"groups/{COHORT}.md") is not None
    assert world.api("GET", "/repos/org/learning-room-2026-12-ada")["archived"] is True
    log = world.admin.repo.read_file(f"teardown/{COHORT}.jsonl").text
    assert [json.loads(line)["result"] for line in log.splitlines()] == ["archived", "missing"]
