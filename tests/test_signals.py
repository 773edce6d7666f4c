"""Text signals: whole tokens, any case, only from the learner, never from quotes or code."""

from __future__ import annotations

from glow.cohort.signals import asks_for_help, learner_signals, open_help_request, signals_in


def test_whole_tokens_in_any_case() -> None:
    assert signals_in("ACK, I'm here") == {"ack"}
    assert signals_in("I acknowledge the rules") == set()
    assert signals_in("Day 1 complete!") == {"day1-complete"}
    assert signals_in("day1-complete") == {"day1-complete"}
    assert signals_in("day1 complete and ready") == {"day1-complete", "ready"}
    assert signals_in("back-ack") == set()


def test_quotes_and_code_are_not_signals() -> None:
    assert signals_in("> ack\nthanks for the reminder") == set()
    assert signals_in("type `ack` when ready-ish") == set()


def test_only_the_learner_counts_and_the_first_time_wins() -> None:
    comments = [
        {"user": {"login": "facilitator"}, "body": "ack", "created_at": "2026-01-01T00:00:00Z"},
        {"user": {"login": "Ada"}, "body": "ack", "created_at": "2026-01-02T00:00:00Z"},
        {"user": {"login": "ada"}, "body": "ack again", "created_at": "2026-01-03T00:00:00Z"},
    ]
    assert learner_signals(comments, "ada") == {"ack": "2026-01-02T00:00:00Z"}


def test_a_help_request_is_a_comment_that_starts_with_help() -> None:
    assert asks_for_help("help")
    assert asks_for_help("`help` I cannot find the invitation")
    assert asks_for_help("Help: the room is empty")
    assert not asks_for_help("thanks for the help")
    assert not asks_for_help("helpful, thanks")
    assert not asks_for_help("> help\nI found it")


def test_a_help_request_is_open_until_someone_but_a_bot_replies() -> None:
    def said(who: str, body: str, day: int, kind: str = "User") -> dict[str, object]:
        return {
            "user": {"login": who, "type": kind},
            "body": body,
            "created_at": f"2026-01-0{day}T00:00:00Z",
        }

    asked = [said("ada", "help, no invitation", 1), said("glow[bot]", "received", 2, "Bot")]
    assert open_help_request(asked, "ada") == "2026-01-01T00:00:00Z"
    asked.append(said("ada", "help again", 3))
    assert open_help_request(asked, "ada") == "2026-01-01T00:00:00Z"  # waiting since the first
    asked.append(said("facilitator", "Check your email", 4))
    assert open_help_request(asked, "ada") is None
    asked.append(said("ada", "help, still nothing", 5))
    assert open_help_request(asked, "ada") == "2026-01-05T00:00:00Z"


def test_only_a_facilitators_reply_answers_a_help_request() -> None:
    """On a public issue anyone can comment: a stranger's reply leaves the request waiting."""
    from glow.cohort.signals import open_help_request

    asked = {"user": {"login": "ada"}, "body": "help, please", "created_at": "2026-12-01T10:00:00Z"}
    stranger = {
        "user": {"login": "mallory"},
        "body": "solved!",
        "created_at": "2026-12-01T10:01:00Z",
        "author_association": "NONE",
    }
    facilitator = {**stranger, "user": {"login": "fac"}, "author_association": "MEMBER"}
    assert open_help_request([asked, stranger], "ada") == "2026-12-01T10:00:00Z"
    assert open_help_request([asked, stranger, facilitator], "ada") is None
