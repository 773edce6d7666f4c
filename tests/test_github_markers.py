"""Hidden markers: the only way a bot recognises its own comments and body regions."""

from __future__ import annotations

import pytest

from glow.github import has_marker, marker, replace_between_markers, with_marker


def test_marker_is_an_html_comment_on_one_line() -> None:
    assert marker("progress:7") == "<!-- glow:progress:7 -->"


@pytest.mark.parametrize("key", ["", "a--b", "a>b", "has space", "-lead"])
def test_keys_that_would_break_the_comment_are_refused(key: str) -> None:
    with pytest.raises(ValueError):
        marker(key)


def test_has_marker_matches_only_the_exact_first_line() -> None:
    body = "<!-- glow:welcome -->\nHello"
    assert has_marker(body, "welcome")
    assert has_marker("<!-- glow:welcome -->\r\nHello", "welcome")
    assert not has_marker(body, "welcom")
    assert not has_marker("<!-- glow:welcome-2 -->\nHello", "welcome")
    # A person quoting our comment further down does not make theirs ours.
    assert not has_marker("Thanks!\n> <!-- glow:welcome -->", "welcome")
    assert not has_marker(None, "welcome")


def test_with_marker_adds_the_marker_once() -> None:
    once = with_marker("k", "Body")
    assert once == "<!-- glow:k -->\nBody"
    assert with_marker("k", once) == once


def test_replace_between_markers_edits_only_the_region() -> None:
    body = "Learner text above\n<!-- glow:status:start -->\nold\n<!-- glow:status:end -->\nbelow\n"
    new = replace_between_markers(body, "status", "new")
    assert (
        new
        == "Learner text above\n<!-- glow:status:start -->\nnew\n<!-- glow:status:end -->\nbelow\n"
    )
    assert replace_between_markers(new, "status", "new") is new  # no change, same string


def test_replace_between_markers_appends_a_missing_region() -> None:
    assert replace_between_markers("Hello\n", "s", "x") == (
        "Hello\n\n<!-- glow:s:start -->\nx\n<!-- glow:s:end -->\n"
    )
    assert (
        replace_between_markers(None, "s", "x") == "<!-- glow:s:start -->\nx\n<!-- glow:s:end -->"
    )


def test_a_start_marker_without_its_end_is_not_guessed_at() -> None:
    body = "text\n<!-- glow:s:start -->\nhalf"
    result = replace_between_markers(body, "s", "x")
    assert result.startswith(body)
    assert result.endswith("<!-- glow:s:start -->\nx\n<!-- glow:s:end -->\n")
