"""Gandalf's decisions, pure: a learner's pull request and the room's state in, one comment out."""

from __future__ import annotations

from typing import Any

from glow.room.gandalf.decide import (
    Facts,
    Issue,
    Pull,
    comment_body,
    first_pull_of,
    judge,
    open_issues,
    own_words,
    render,
)
from glow.room.rules import is_learner_pull, judged

REPO = "org/room"
SHA = "a" * 40
ISSUES = (
    Issue(2, "Challenge 2: File your first issue", None),  # a learner's own issue
    Issue(5, "Challenge 6: Open your first pull request", 6),
)
GOOD_BODY = "Closes #5\n\nI fixed the TODO in the welcome page so it names the facilitators."


def pull(body: str = GOOD_BODY, number: int = 9, sha: str = SHA) -> Pull:
    return Pull(number, "ada", sha, "learn/ada", body, "open")


def facts(**changes: Any) -> Facts:
    base: dict[str, Any] = {
        "repo": REPO,
        "pull": pull(),
        "first": False,
        "issues": ISSUES,
        "changed": ("docs/welcome.md",),
        "allowed": {6: ("docs/*.md",)},
        "challenge_keys": {6: "6"},
    }
    return Facts(**{**base, **changes})


def text(f: Facts) -> str:
    return render(judge(f), f.pull)


def test_a_linked_described_pull_request_within_its_files_is_ready() -> None:
    out = text(facts())
    assert out.startswith("## Your pull request is ready for review\n\n")
    assert "Gandalf checked commit `aaaaaaa` and found nothing to change." in out
    assert "closes #5 (Challenge 6: Open your first pull request)" in out
    assert "Welcome" not in out


def test_the_first_pull_request_is_welcomed() -> None:
    assert "Welcome to your first pull request" in text(facts(first=True))


def test_every_problem_is_counted_in_the_heading_and_says_how_to_fix_it() -> None:
    out = text(facts(pull=pull("Closes #2")))
    assert out.startswith("## Your pull request needs two changes\n")
    assert "The description names #2, but none of them is an open challenge issue" in out
    assert "Write `Closes #5` on a line of its own" in out
    assert "### Describe your change" in out
    assert out.count("To edit the description with a keyboard:") == 1


def test_closing_keywords_follow_the_one_shared_rule() -> None:
    for body in ("Fixed #5 the welcome page needs words", "closes: #5 the welcome page now"):
        assert judge(facts(pull=pull(body))).linked == (ISSUES[1],), body
    for body in ("Closes#5 the welcome page now", "Prefixes #5 the welcome page now"):
        assert judge(facts(pull=pull(body))).linked == (), body


def test_files_outside_the_challenge_are_named_with_what_is_allowed() -> None:
    out = text(facts(changed=("docs/welcome.md", "README.md", "src/x.py")))
    assert out.startswith("## Your pull request needs one change\n")
    assert "### Keep to the files of Challenge 6" in out
    assert "This pull request changes `README.md` and `src/x.py`, which Challenge 6" in out
    assert "Challenge 6 expects changes only in `docs/*.md`." in out


def test_a_challenge_without_allowed_files_sets_no_limit() -> None:
    assert judge(facts(allowed={}, changed=("anything.txt",))).findings == ()


def test_no_open_challenge_issue_sends_the_learner_to_a_person() -> None:
    out = text(facts(issues=(ISSUES[0],), pull=pull("A real description of the change.")))
    assert "You have no open challenge issue right now, so write `help`" in out


def test_a_description_of_only_the_template_and_a_closing_line_is_empty() -> None:
    template = "## What I changed\n\n<!-- say what you changed -->\n"
    body = "## What I changed\r\n\r\n<!-- say what you changed -->\r\nCloses #5\r\n"
    assert own_words(body, template, REPO) == 0
    assert [f.kind for f in judge(facts(pull=pull(body), template=template)).findings] == [
        "description"
    ]
    assert own_words(body + "Fixed the typo.", template, REPO) == 3


def test_the_comment_records_what_it_judged_and_changes_when_the_pull_request_does() -> None:
    first = comment_body(judge(facts()), pull())
    assert first.startswith("<!-- glow:gandalf -->\n## Your pull request")
    assert judged(first, "gandalf") == pull().fingerprint
    assert comment_body(judge(facts()), pull()) == first
    pushed = pull(sha="b" * 40)
    assert judged(comment_body(judge(facts(pull=pushed)), pushed), "gandalf") != judged(
        first, "gandalf"
    )
    assert pull(GOOD_BODY.replace("\n", "\r\n")).fingerprint == pull().fingerprint


def user(login: str, kind: str = "User") -> dict[str, Any]:
    return {"login": login, "type": kind}


def pr(number: int, login: str, ref: str = "learn/x", kind: str = "User") -> dict[str, Any]:
    return {"number": number, "user": user(login, kind), "head": {"ref": ref, "sha": SHA}}


def test_the_first_pull_request_counts_only_that_learners_own() -> None:
    pulls = [
        pr(1, "github-actions[bot]", "practice/merge-conflict", "Bot"),
        pr(2, "bob"),
        pr(4, "Ada"),
        pr(7, "ada"),
        pr(3, "ada", "practice/peer-review"),
    ]
    assert first_pull_of(pulls, "ada") == 4
    assert first_pull_of(pulls, "bob") == 2
    assert first_pull_of(pulls, "cy") is None
    assert not is_learner_pull(pulls[0]) and not is_learner_pull(pulls[4])
    assert not is_learner_pull({"number": 1})


def test_a_challenge_issue_carries_our_marker_and_our_author() -> None:
    items: list[dict[str, Any]] = [
        {"number": 3, "title": "C6", "body": "<!-- glow:challenge:6 -->\nDo.", "user": user("bot")},
        {"number": 4, "title": "fake", "body": "<!-- glow:challenge:7 -->", "user": user("ada")},
        {
            "number": 7,
            "title": "C10",
            "body": "<!-- glow:challenge:10 -->\nDo.",
            "user": user("glow-provisioner[bot]", "Bot"),
        },
        {"number": 5, "title": "a PR", "body": "", "pull_request": {}, "user": user("ada")},
        {"number": 6, "title": "closed", "body": "", "state": "closed", "user": user("ada")},
        {"title": "no number"},
    ]
    found = open_issues(items, "ada", ["bot"])
    assert found == [Issue(3, "C6", 6), Issue(4, "fake", None), Issue(7, "C10", 10)]


def test_a_malformed_pull_request_is_none() -> None:
    assert Pull.from_json({"number": 1}) is None
    assert Pull.from_json("garbage") is None
    assert Pull.from_json({"number": 1, "user": {}, "head": {"sha": SHA}}) is None
    ok = Pull.from_json({"number": 1, "user": {"login": "a"}, "head": {"sha": SHA}, "body": None})
    assert ok is not None and ok.body == ""
