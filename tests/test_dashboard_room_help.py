"""A help request in a learner's Learning Room on the dashboard (pure): open until a person of
the workshop replies in that issue or pull request; never progress."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from glow.cohort.dashboard.copy import learner_issue, outcome, summary_issue
from glow.cohort.dashboard.decide import open_room_help, row_for
from glow.cohort.model import Roster
from glow.cohort.observe import Observation, any_comments
from glow.markers import with_marker
from glow.room.help.copy import answer
from tests import factories

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ROOM = "org/learning-room-2026-12-ada"
API = f"https://api.github.com/repos/{ROOM}"
WEB = f"https://github.com/{ROOM}"
learner = partial(factories.learner, "ada", registered_at=T0, provisioned=True)
_ids = iter(range(100, 10_000))


def comment(
    who: str,
    body: str,
    *,
    issue: int = 3,
    minute: int = 0,
    association: str = "COLLABORATOR",
    kind: str = "User",
) -> dict[str, Any]:
    ident = next(_ids)
    return {
        "id": ident,
        "issue_url": f"{API}/issues/{issue}",
        "html_url": f"{WEB}/issues/{issue}#issuecomment-{ident}",
        "user": {"login": who, "type": kind},
        "author_association": association,
        "body": body,
        "created_at": (T0 + timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def bot_answer(request: dict[str, Any], minute: int) -> dict[str, Any]:
    """The room's help bot's real answer, as the job token posts it."""
    body = with_marker("help", answer("ada", request["html_url"], "@org/facilitators", pull=False))
    return comment("github-actions[bot]", body, minute=minute, association="NONE", kind="Bot")


def waiting(comments: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return [(h.issue, h.url) for h in open_room_help(comments, "ada", ROOM)]


def test_a_help_request_stays_open_through_the_bots_answer_and_the_learners_own_comments() -> None:
    asked = comment("ada", "help, the branch will not push", minute=1)
    thread = [
        asked,
        bot_answer(asked, 2),  # our help bot's answer is no reply by a person
        comment("ada", "I tried again, same error", minute=3),
        comment("ada", "help please", minute=4),  # still waiting since the first request
        comment("stranger", "try harder", minute=5, association="NONE"),  # not the workshop
        comment("gandalf[bot]", "nudge", minute=6, association="MEMBER", kind="Bot"),
    ]
    assert waiting(thread) == [(3, asked["html_url"])]
    [request] = open_room_help(thread, "ADA", ROOM)  # handles compare case-insensitively
    assert request.asked_at == T0 + timedelta(minutes=1)


def test_a_facilitators_reply_in_that_issue_answers_it_and_a_new_request_opens_again() -> None:
    asked = comment("ada", "help", minute=1)
    elsewhere = comment("facilitator", "Good morning!", issue=9, minute=2, association="MEMBER")
    assert waiting([asked, elsewhere]) == [(3, asked["html_url"])]
    earlier = comment("facilitator", "Welcome", minute=0, association="OWNER")
    assert waiting([asked, earlier]) == [(3, asked["html_url"])]  # a reply before is no reply
    replied = comment("facilitator", "Which error do you see?", minute=5, association="MEMBER")
    assert waiting([replied, asked]) == []  # listing order does not matter, time does
    again = comment("ada", "`help` it still fails", minute=9)
    assert waiting([asked, replied, again]) == [(3, again["html_url"])]


def test_only_the_learners_own_help_requests_count() -> None:
    assert waiting([comment("ada", "thanks for the help", minute=1)]) == []
    assert waiting([comment("ada", "> help\nsolved it", minute=1)]) == []
    assert waiting([comment("facilitator", "help", association="MEMBER")]) == []
    gandalf = comment("ada", "@gandalf", issue=4, minute=2)  # the room bot's other request form
    first = comment("ada", "Help: where is the README?", issue=7, minute=1)
    assert waiting([gandalf, first]) == [(7, first["html_url"]), (4, gandalf["html_url"])]


def test_malformed_comments_are_skipped_never_a_crash() -> None:
    asked = comment("ada", "help", minute=1)
    garbage: list[dict[str, Any]] = [
        {},
        {"user": None, "body": "help"},
        {"user": "ada", "issue_url": f"{API}/issues/3", "body": "help"},
        {**comment("ada", "help"), "issue_url": "not a url"},
        {**comment("facilitator", "hi", minute=3, association="MEMBER"), "issue_url": None},
        {**comment("ada", "help", issue=5), "body": None, "created_at": None, "id": "x"},
    ]
    assert waiting([asked, *garbage]) == [(3, asked["html_url"])]


def test_any_comments_reads_the_issue_listings_count() -> None:
    assert not any_comments([{"number": 1, "comments": 0}])
    assert any_comments([{"number": 1, "comments": 0}, {"number": 2, "comments": 2}])
    assert any_comments([{"number": 1}])  # no count given: read to be sure


def room(closed: int) -> list[dict[str, Any]]:
    stamp = (T0 + timedelta(minutes=14)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return [
        {
            "number": n,
            "title": f"Challenge {n}: x",
            "body": f"<!-- glow:challenge:{n} -->",
            "state": "closed" if n <= closed else "open",
            "created_at": stamp,
            "updated_at": stamp,
            "closed_at": stamp,
            "comments": 1,
        }
        for n in range(1, closed + 2)
    ]


ACK = [{"body": "ack", "user": {"login": "ada"}, "created_at": "2026-11-23T09:02:00Z"}]
LINK = re.compile(r"\[help request in org/learning-room-2026-12-ada#3\]\(([^)\s]+)\)")
BARE_URL = re.compile(r"(?<!\]\()https?://")


def row(room_comments: list[dict[str, Any]] | None) -> Any:
    seen = Observation(learner(), room(2), ACK, room_comments=room_comments)
    return row_for("2026-12", seen, now=T0 + timedelta(minutes=20), threshold=timedelta(minutes=20))


def test_the_status_issue_and_the_summary_link_the_request_and_drop_it_once_answered() -> None:
    asked = comment("ada", "help, the conflict PR has no merge button", minute=16)
    r = row([asked, bot_answer(asked, 17)])
    assert r.situation == "room-help-requested"
    assert outcome(r).startswith(
        "ada: asked for help in the Learning Room at 2026-11-23 09:16 UTC, no reply yet, "
        "active on Day 1, challenge 3 of 16"
    )
    issue = learner_issue(r, server="https://github.com")
    assert "needs-reply" in issue.labels
    help_line = next(line for line in issue.body.split("\n") if line.startswith("- Help request:"))
    assert LINK.findall(help_line) == [asked["html_url"]]
    assert help_line.endswith("waiting since 2026-11-23 09:16 UTC, no reply yet")
    action = next(line for line in issue.body.split("\n") if line.startswith("- Next action"))
    assert LINK.findall(action) == [asked["html_url"]]
    roster = Roster(cohort_id="2026-12", learners={"ada": r.learner})
    numbers = {"dashboard:2026-12:ada": 12}
    summary = summary_issue(
        "2026-12", [r], roster, numbers, server="https://github.com", board="org/admin"
    ).body
    ada = "[ada](https://github.com/org/admin/issues/12)"
    assert f"Asked for help, no reply yet (1): {ada} ([help request in" in summary
    assert LINK.findall(summary) == [asked["html_url"]]
    assert f"- {ada}: active on Day 1, asked for help" in summary
    for text in (issue.body, summary):  # descriptive links only, one line per paragraph
        assert not BARE_URL.search(text)
    assert r.as_json()["room_help"] == [
        {"issue": 3, "url": asked["html_url"], "asked_at": "2026-11-23 09:16 UTC"}
    ]

    replied = comment("facilitator", "Look at the Files tab", minute=18, association="MEMBER")
    answered = row([asked, bot_answer(asked, 17), replied])
    assert answered.situation == "nothing" and answered.room_help == ()
    quiet = learner_issue(answered, server="https://github.com")
    assert quiet == learner_issue(row([]), server="https://github.com")
    assert "- Help request: none open" in quiet.body and "needs-reply" not in quiet.labels


def test_a_help_request_in_the_room_is_never_progress() -> None:
    """Help comments on open challenges (even ones reading like signals or evidence) change
    neither completion, the current challenge, the level, the status nor the signals."""
    noisy = [
        comment("ada", "help, I am done with challenge 3, day1-complete ack", issue=3, minute=16),
        comment("ada", "help Closes #3", issue=2, minute=17),
    ]
    quiet, asking = row(None), row(noisy)
    assert asking.room_help and not quiet.room_help
    assert asking.progress == quiet.progress
    assert asking.progress.completed == frozenset({1, 2})
    assert asking.progress.current == 3
    assert asking.progress.level == "Explorer"
    assert asking.progress.said == ("ack",)  # from the registration issue only
    assert not asking.progress.day1_complete


def filed(number: int, *, who: str = "ada", minute: int = 0, **changes: Any) -> dict[str, Any]:
    """An issue filed with the room's "Ask for help" form (help.yml), as the list API has it."""
    return {
        "number": number,
        "title": "Help: the branch menu",
        "body": "### Where are you stuck?\n\nChallenge 4.\n\n### Your screen reader or tools\n\n",
        "labels": [{"name": "help"}],
        "state": "open",
        "user": {"login": who, "type": "User"},
        "author_association": "COLLABORATOR",
        "html_url": f"{WEB}/issues/{number}",
        "created_at": (T0 + timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        **changes,
    }


def test_an_issue_filed_with_the_help_form_shows_until_a_person_replies_on_it() -> None:
    form = filed(8, minute=1, labels=[])  # no label: the form's heading tells
    shown = open_room_help([], "ada", ROOM, [form])
    assert [(h.issue, h.url, h.asked_at) for h in shown] == [
        (8, form["html_url"], T0 + timedelta(minutes=1))
    ]
    ours = bot_answer({"html_url": form["html_url"]}, 2) | {"issue_url": f"{API}/issues/8"}
    own = comment("ada", "I tried the menu again", issue=8, minute=3)
    elsewhere = comment("facilitator", "Hello", issue=3, minute=4, association="MEMBER")
    assert len(open_room_help([ours, own, elsewhere], "ada", ROOM, [form])) == 1
    reply = comment("facilitator", "Which menu?", issue=8, minute=5, association="MEMBER")
    assert open_room_help([ours, reply], "ada", ROOM, [form]) == ()
    others = [
        filed(9, state="closed"),
        filed(10, who="facilitator", author_association="OWNER"),
        filed(11, pull_request={"url": "x"}),
        filed(12, body="A plain issue", labels=[]),
    ]
    assert open_room_help([], "ada", ROOM, others) == ()


def test_the_status_issue_shows_a_help_form_issue_only_with_the_rooms_comments_read() -> None:
    def row_with(room_comments: list[dict[str, Any]] | None) -> Any:
        issues = [*room(2), filed(8, minute=16)]
        seen = Observation(learner(), issues, ACK, room_comments=room_comments)
        return row_for(
            "2026-12", seen, now=T0 + timedelta(minutes=20), threshold=timedelta(minutes=20)
        )

    asking = row_with([])
    assert asking.situation == "room-help-requested"
    assert [h.url for h in asking.room_help] == [f"{WEB}/issues/8"]
    assert row_with(None).room_help == ()  # no comments read: no reply could be seen
