"""Text signals: whole tokens, any case, only from the learner, never from quotes or code."""

from __future__ import annotations

from glow.cohort.signals import learner_signals, signals_in


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
