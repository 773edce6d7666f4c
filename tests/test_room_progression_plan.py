"""Progression and help, decided: pure plans from the room's issues and comments."""

from __future__ import annotations

from typing import Any

import pytest

from glow.room.challenges import Challenge, PathName
from glow.room.help.copy import answer
from glow.room.help.decide import is_help_request, unanswered
from glow.room.progression.decide import (
    Plan,
    conflict_versions,
    learner_file,
    marked_items,
    parse_learner_file,
    plan,
    valid_start,
)

BOT = {"login": "github-actions[bot]", "type": "Bot"}
ADA = {"login": "ada", "type": "User"}


def challenge(
    number: int, unlocks: tuple[int, ...] = (), paths: tuple[str, ...] = ("day1-day2", "day2-only")
) -> Challenge:
    return Challenge.model_validate(
        {
            "number": number,
            "key": str(number),
            "title": f"Challenge {number}: something to practise",
            "day": 1 if number < 10 else 2,
            "paths": paths,
            "evidence": "A comment on this issue.",
            "unlocks": unlocks,
            "learn_more": [{"text": "GitHub Docs", "url": "https://docs.github.com/en"}],
            "body": f"Challenge {number} body, first line.\nSecond line of the body.\n",
        }
    )


CATALOGUE = {
    1: challenge(1, (2,), ("day1-day2",)),
    2: challenge(2, (3,), ("day1-day2",)),
    3: challenge(3, (4,), ("day1-day2",)),
    9: challenge(9, (10,), ("day1-day2",)),
    10: challenge(10, (11,)),
    11: challenge(11),
    15: challenge(15, (16, 17, 18)),
    16: challenge(16),
    17: challenge(17),
    18: challenge(18, (), ("day1-day2",)),
}


def issue(
    number: int, key: str, state: str = "open", user: dict[str, str] = BOT, **extra: Any
) -> dict[str, Any]:
    return {
        "number": number,
        "body": f"<!-- glow:{key} -->\nbody",
        "state": state,
        "user": user,
        **extra,
    }


def decide(
    issues: list[dict[str, Any]], path: PathName = "day1-day2", start: int | None = None
) -> Plan:
    return plan(
        marked_items(issues, "ada", ["github-actions[bot]"]), path, CATALOGUE.get, start=start
    )


def test_closing_a_challenge_opens_what_it_unlocks_once() -> None:
    closed = [issue(1, "challenge:1", "closed", state_reason="completed")]
    assert decide(closed).create == [2]
    # Duplicate delivery: challenge 2 exists now, so nothing more.
    assert decide([*closed, issue(2, "challenge:2")]).empty


def test_a_run_makes_up_for_a_dropped_one() -> None:
    issues = [
        issue(1, "challenge:1", "closed"),
        issue(2, "challenge:2", "closed"),  # its run was replaced: 3 never opened
    ]
    assert decide(issues).create == [3]


def test_not_planned_opens_nothing_and_a_learners_copy_is_not_a_challenge() -> None:
    assert decide([issue(1, "challenge:1", "closed", state_reason="not_planned")]).create == []
    spoof = [issue(1, "challenge:1"), issue(5, "challenge:2", "closed", user=ADA)]
    assert decide(spoof).empty


def test_day2_only_starts_at_10_and_15_opens_16_and_the_bonus_of_its_path() -> None:
    assert decide([], "day2-only").create == [10]
    assert decide([]).create == [1]
    done = [issue(1, "challenge:15", "closed")]
    assert decide(done, "day2-only").create == [16, 17]
    assert decide(done).create == [16, 17, 18]


def test_start_challenge_seeds_any_challenge_and_is_validated() -> None:
    assert decide([issue(1, "challenge:1")], start=11).create == [11]
    assert [valid_start(v) for v in ("7", " 21 ", "0", "22", "x", "", None)] == [
        7,
        21,
        None,
        None,
        None,
        None,
        None,
    ]


def test_newer_open_copies_are_closed_as_duplicates() -> None:
    plan_ = decide(
        [issue(4, "challenge:2"), issue(7, "challenge:2"), issue(1, "challenge:1", "closed")]
    )
    assert plan_.close_duplicates == [(7, 4)] and plan_.create == []


def test_practice_material_is_seeded_once_when_its_challenge_opens() -> None:
    catalogue = {**CATALOGUE, 2: challenge(2, (3,))}
    got = plan(marked_items([issue(2, "challenge:2", "closed")], None), "day1-day2", catalogue.get)
    assert got.create == [3] and got.peer_issue
    seeded = [issue(3, "challenge:3"), issue(4, "practice:peer-issue")]
    assert not plan(marked_items(seeded, None), "day1-day2", catalogue.get).peer_issue


def test_the_learner_file_round_trips_and_garbage_falls_back() -> None:
    facts = parse_learner_file(learner_file("ada", "2026-12", "day2-only"))
    assert (facts.handle, facts.cohort, facts.path) == ("ada", "2026-12", "day2-only")
    for garbage in (None, "", ": : :", "- a list", "path: nowhere"):
        assert parse_learner_file(garbage).path == "day1-day2"


def test_the_conflict_changes_the_same_line_two_ways() -> None:
    base, theirs, ours = conflict_versions("# Title\n\nLine one.\n\nThe last line.\n")
    assert theirs != ours
    changed = [
        i
        for i, (a, b) in enumerate(zip(theirs.split("\n"), ours.split("\n"), strict=True))
        if a != b
    ]
    assert len(changed) == 1 and base.split("\n")[changed[0]] == "The last line."
    assert conflict_versions(ours)[1:] == (theirs, ours)  # stable once the default branch moved


def test_the_room_conflict_is_on_the_line_challenge_7_names() -> None:
    """Challenge 7 tells the learner the conflict is on the "Meeting place:" line: both versions
    change that line and keep its label, whatever follows it in the file."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "learning-room-template"
    text = (root / "docs" / "conflict-practice.md").read_text()
    assert "Meeting place:" in (root / "challenges" / "challenge-07.md").read_text()
    _base, theirs, ours = conflict_versions(text)
    changed = [(a, b) for a, b in zip(theirs.split("\n"), ours.split("\n"), strict=True) if a != b]
    assert len(changed) == 1
    assert all(line.startswith("Meeting place: ") for line in changed[0])
    assert conflict_versions(ours)[1:] == (theirs, ours)


@pytest.mark.parametrize(
    ("body", "asks"),
    [
        ("help", True),
        ("HELP: I cannot find the branch", True),
        ("`help` please", True),
        ("@gandalf", True),
        ("@Gandalf please!", True),
        ("thanks for the help", False),
        ("helpful tip", False),
        # The room's copy: "a comment that mentions `@gandalf` also asks for help".
        ("@gandalf review my heading levels", True),
        ("I am stuck on the conflict, @GANDALF can you look?", True),
        ("thanks `@gandalf`", True),
        ("> help\nquoted only", False),
        ("> @gandalf said this\nsolved it myself", False),
        ("```\n@gandalf\n```\nsolved", False),
        ("write to me@gandalf.dev", False),
        ("@gandalf-fan club", False),
    ],
)
def test_a_help_request_is_help_first_or_mentions_gandalf(body: str, asks: bool) -> None:
    assert is_help_request(body) is asks


def test_the_copy_and_the_rule_agree_on_gandalf() -> None:
    """Every place the room tells learners how @gandalf asks for help says "mentions"."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "learning-room-template"
    lines = [
        line
        for path in root.rglob("*.md")
        for line in path.read_text(encoding="utf-8").splitlines()
        if "@gandalf" in line.lower()
    ]
    assert lines and all(re.search(r"mentions `@gandalf`", line) for line in lines), lines


def comment(
    ident: int,
    issue_no: int,
    body: str,
    user: dict[str, str] = ADA,
    at: str = "2026-12-01T10:00:00Z",
) -> dict[str, Any]:
    return {
        "id": ident,
        "issue_url": f"https://x/api/v3/repos/o/r/issues/{issue_no}",
        "html_url": f"https://x/o/r/issues/{issue_no}#issuecomment-{ident}",
        "body": body,
        "user": user,
        "created_at": at,
    }


def test_every_unanswered_request_is_found_and_an_answer_settles_it() -> None:
    comments = [
        comment(1, 3, "help I am lost"),
        comment(2, 5, "@gandalf"),
        comment(3, 6, "help", user=BOT),  # a bot's help is no request
        comment(4, 7, "all good"),
    ]
    waiting = unanswered(comments, ["github-actions[bot]"])
    assert [(r.issue, r.comment_id) for r in waiting] == [(3, 1), (5, 2)]
    body = "<!-- glow:help -->\n" + answer("ada", waiting[0].url, "@org/facilitators", pull=False)
    answered = [*comments, comment(9, 3, body, user=BOT, at="2026-12-01T10:01:00Z")]
    assert [r.issue for r in unanswered(answered, ["github-actions[bot]"])] == [5]
    # A stranger's copy of our answer does not count as an answer.
    forged = [*comments, comment(9, 3, body, user={"login": "mallory", "type": "User"})]
    assert [r.issue for r in unanswered(forged, ["github-actions[bot]"])] == [3, 5]


def test_each_request_gets_its_own_answer_and_an_old_answer_still_counts() -> None:
    """An edited answer notifies nobody: a second request on the same issue gets a new one."""
    first, second = comment(1, 3, "help I am lost"), comment(5, 3, "@gandalf still stuck")
    waiting = unanswered([first, second], ["github-actions[bot]"])
    assert [(r.issue, r.comment_id, r.key) for r in waiting] == [(3, 1, "help:1"), (3, 5, "help:5")]

    def ours(key: str, request: dict[str, Any], ident: int) -> dict[str, Any]:
        text = answer("ada", request["html_url"], "@org/facilitators", pull=False)
        return comment(ident, 3, f"<!-- glow:{key} -->\n{text}", user=BOT)

    one = [first, second, ours("help:1", first, 2)]
    assert [r.comment_id for r in unanswered(one, ["github-actions[bot]"])] == [5]
    assert unanswered([*one, ours("help:5", second, 6)], ["github-actions[bot]"]) == []
    # The old one-per-issue answer named the latest request it answered: that and earlier ones.
    old_latest = [first, second, ours("help", second, 6)]
    assert unanswered(old_latest, ["github-actions[bot]"]) == []
    old_first = [first, second, ours("help", first, 2)]
    assert [r.comment_id for r in unanswered(old_first, ["github-actions[bot]"])] == [5]


def test_only_the_learner_or_someone_not_staff_asks() -> None:
    """A facilitator's "Help is on the way" is no request; the learner's is."""

    def by(who: str, association: str, ident: int) -> dict[str, Any]:
        made = comment(ident, 3, "Help is on the way", user={"login": who, "type": "User"})
        return {**made, "author_association": association}

    thread = [
        by("facilitator", "OWNER", 1),
        by("mentor", "MEMBER", 2),
        by("cofacilitator", "COLLABORATOR", 3),
        by("ada", "COLLABORATOR", 4),
        by("visitor", "NONE", 5),
        {**comment(6, 3, "help", user=BOT), "author_association": "NONE"},
    ]
    found = unanswered(thread, ["github-actions[bot]"], learner="Ada")
    assert [r.author for r in found] == ["ada", "visitor"]
    # Learner unknown (no .glow/learner.yml): the learner is a collaborator of their room.
    found = unanswered(thread, ["github-actions[bot]"])
    assert [r.author for r in found] == ["cofacilitator", "ada", "visitor"]


def form_issue(number: int, **changes: Any) -> dict[str, Any]:
    """An issue filed with learning-room-template/.github/ISSUE_TEMPLATE/help.yml."""
    body = (
        "### Where are you stuck?\n\nChallenge 4, the branch menu.\n\n"
        "### Your screen reader or tools\n\nNVDA"
    )
    return {
        "number": number,
        "title": "Help: the branch menu",
        "body": body,
        "labels": [{"name": "help"}],
        "state": "open",
        "user": ADA,
        "author_association": "COLLABORATOR",
        "html_url": f"https://x/o/r/issues/{number}",
        "created_at": "2026-12-01T10:00:00Z",
        **changes,
    }


def test_an_issue_filed_with_the_help_form_is_a_request_answered_once() -> None:
    unlabelled = form_issue(4, labels=[])  # a room made from a template may lack the label
    issues = [
        form_issue(3),
        unlabelled,
        form_issue(5, state="closed"),
        form_issue(6, pull_request={"url": "x"}),
        form_issue(7, user=BOT),
        form_issue(8, body="Challenge 2: a TODO", labels=[]),  # no form, no label
        form_issue(9, created_at="2026-11-01T10:00:00Z"),  # before the look-back
        form_issue(10, user={"login": "mentor", "type": "User"}, author_association="MEMBER"),
    ]
    since = "2026-11-29T10:00:00Z"
    found = unanswered([], ["github-actions[bot]"], learner="ada", issues=issues, since=since)
    assert [(r.issue, r.comment_id, r.key, r.url) for r in found] == [
        (3, None, "help:issue", "https://x/o/r/issues/3"),
        (4, None, "help:issue", "https://x/o/r/issues/4"),
    ]
    ours = comment(20, 3, "<!-- glow:help:issue -->\n## Your help request", user=BOT)
    again = unanswered([ours], ["github-actions[bot]"], learner="ada", issues=issues, since=since)
    assert [r.issue for r in again] == [4]


def test_the_help_form_as_github_renders_it_is_recognised_without_its_label() -> None:
    """learning-room-template's help.yml, filled and rendered, with the label the room lacks."""
    from pathlib import Path

    import yaml

    from glow.cohort.forms import render_issue_form
    from glow.room.help.decide import is_form_request

    path = Path(__file__).resolve().parents[1] / "learning-room-template/.github/ISSUE_TEMPLATE"
    form = yaml.safe_load((path / "help.yml").read_text(encoding="utf-8"))
    assert form["labels"] == ["help"]
    body = render_issue_form({f["attributes"]["label"]: "x" for f in form["body"]})
    assert is_form_request({"state": "open", "body": body, "labels": []})
    assert is_form_request({"state": "open", "body": "", "labels": [{"name": "Help"}]})
    assert not is_form_request({"state": "open", "body": "Where are you stuck?", "labels": []})


def test_malformed_comments_are_ignored() -> None:
    junk: list[dict[str, Any]] = [
        {},
        {"id": "x", "body": None},
        {"id": 3, "issue_url": 5, "user": None},
        {
            "id": 4,
            "issue_url": "https://x/api/v3/repos/o/r/issues/4",
            "user": "ada",
            "body": "help",
        },
    ]
    bad_issues: list[dict[str, Any]] = [{}, {"number": "x", "labels": "help"}, {"labels": [None]}]
    assert unanswered(junk, ["github-actions[bot]"], issues=bad_issues) == []


def test_the_help_answer_mentions_the_team_only_when_set() -> None:
    with_team = answer("ada", "https://x/#issuecomment-1", "@org/facilitators", pull=True)
    assert (
        with_team.startswith("## ")
        and "@org/facilitators, please reply on this pull request." in with_team
    )
    assert "@org" not in answer("ada", "https://x/#issuecomment-1", "", pull=False)


def test_a_challenge_issue_says_what_it_unlocks_so_no_file_is_read() -> None:
    """The issue progression opens ends with a hidden line naming what closing it opens on the
    learner's path; a run reads no challenge file for it (each file is a request)."""
    body = CATALOGUE[15].issue_body([16, 17])
    assert body.startswith("<!-- glow:challenge:15 -->\n")
    assert body.rstrip().endswith("<!-- glow:unlocks:16,17 -->")
    read: list[int] = []

    def files(number: int) -> Challenge | None:
        read.append(number)
        return CATALOGUE.get(number)

    closed = {"number": 5, "body": body, "state": "closed", "user": BOT}
    wanted = plan(marked_items([closed], "ada", ["github-actions[bot]"]), "day2-only", files)
    assert wanted.create == [16, 17]
    assert read == [16, 17]  # only the files of what it opens, never 15's own
    # An issue without the line (posted by an older version, or edited) reads the file.
    read.clear()
    plain = {"number": 5, "body": CATALOGUE[15].issue_body(), "state": "closed", "user": BOT}
    assert plan(marked_items([plain], "ada", ["github-actions[bot]"]), "day2-only", files).create
    assert 15 in read
    assert CATALOGUE[16].issue_body([]).rstrip().endswith("<!-- glow:unlocks:none -->")
