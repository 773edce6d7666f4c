"""The public registration form, read robustly: two answers, and everything else.

The public form asks only what may be public: the cohort and the path (accessibility needs and
contact details are asked privately, in the learner's own Learning Room). A learner may still
write more in the public issue: a ``### heading`` or an HTML comment inside an answer, a
sentence before the first heading, the private fields of an older copy of the form. Everything
that is not exactly one of the two answers is *volunteered* text: the registration bot moves it
to the private roster and rewrites the public body to the two answers alone (the safety net).

Both answers are short and fixed (a cohort name, one of the form's path choices), so nothing
private can hide in a valid answer; an answer that is neither is volunteered text too, and is
never quoted back in public. The path choices are plain words on the form (``PATH_CHOICES``);
the ids they stand for (``day1-day2``, ``day2-only``), which older registrations hold, are read
as well (``path_id``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from glow.cohort.forms import NO_RESPONSE, field_sections
from glow.cohort.model import COHORT_RE

FIELD_COHORT = "Cohort"
FIELD_PATH = "Path"
PATHS = {"day1-day2": "Day 1 and Day 2", "day2-only": "Day 2 only"}
# The form's dropdown options, word for word (``.github/ISSUE_TEMPLATE/registration.yml``; a test
# holds them equal): what the learner reads and what GitHub writes into the issue.
PATH_CHOICES = {
    "day1-day2": "Both days (Day 1 and Day 2)",
    "day2-only": "Day 2 only (I already know the GitHub basics)",
}
REDACTED_MARK = "<!-- glow:redacted -->"
SUMMARY = (
    "Registration for a GLOW workshop. Anything written here beyond the two answers below was "
    "moved to the facilitators' private roster."
)

_COMMENT = re.compile(r"(<!--.*?(?:-->|\Z))", re.DOTALL)  # an unclosed comment runs to the end


@dataclass(frozen=True)
class PublicAnswers:
    """What the public body says: each answer when it is a valid token, and the rest."""

    cohort: str | None  # a cohort name (lower-case letters, digits, hyphens), open or not
    cohort_written: bool  # something was written in the Cohort field
    path: str | None  # one of PATHS
    path_written: bool
    volunteered: str | None  # every other piece of text, as the learner wrote it


def _words(text: str) -> str:
    """Lower-case words only: punctuation, Markdown marks and spacing do not count."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


_PATH_ANSWERS = {
    _words(answer): path
    for path, choice in PATH_CHOICES.items()
    for answer in (path, PATHS[path], choice, choice.partition("(")[0])
}


def path_id(answer: str) -> str | None:
    """The path an answer names: a choice of the form (however it is spaced, cased or
    punctuated), its short name, or the id itself (older registrations); else None."""
    return _PATH_ANSWERS.get(_words(answer))


def _pieces(lines: list[str]) -> list[tuple[bool, str]]:
    """The non-empty pieces in document order: (is a line of text, the piece as written).
    HTML comments other than our own mark are pieces too: hidden when rendered, they are
    still in the body anyone can read."""
    pieces: list[tuple[bool, str]] = []
    for index, part in enumerate(_COMMENT.split("\n".join(lines))):
        if index % 2:  # a comment (the split keeps what its group matched)
            if part.strip() != REDACTED_MARK:
                pieces.append((False, part))
            continue
        pieces += [
            (True, line.strip())
            for line in part.split("\n")
            if line.strip() and line.strip() not in (NO_RESPONSE, SUMMARY)
        ]
    return pieces


def _field(
    lines: list[str], read: Callable[[str], str | None]
) -> tuple[str | None, bool, list[str]]:
    """(the answer when the field's first line of text is one valid answer, whether anything
    was written, the volunteered pieces: comments, an invalid answer, every other line)."""
    pieces = _pieces(lines)
    first = next((i for i, (is_text, _) in enumerate(pieces) if is_text), None)
    answer = None
    if first is not None and (answer := read(pieces[first][1])) is not None:
        pieces.pop(first)
    return answer, answer is not None or bool(pieces), [piece for _, piece in pieces]


def _cohort(token: str) -> str | None:
    return token.lower() if COHORT_RE.fullmatch(token.lower()) else None


def read_public(body: str | None) -> PublicAnswers:
    outside, sections = field_sections(body, (FIELD_COHORT, FIELD_PATH))
    cohort, cohort_written, from_cohort = _field(sections.get("cohort", []), _cohort)
    path, path_written, from_path = _field(sections.get("path", []), path_id)
    volunteered = [piece for _, piece in _pieces(outside)] + from_cohort + from_path
    return PublicAnswers(
        cohort=cohort,
        cohort_written=cohort_written,
        path=path,
        path_written=path_written,
        volunteered="\n".join(volunteered) if volunteered else None,
    )


def render_public(cohort: str | None, path: str | None) -> str:
    """The form's body with these answers, as GitHub renders a filled issue form (a path id is
    written as the form's choice for it)."""
    cohort_text = cohort or NO_RESPONSE
    path_text = PATH_CHOICES.get(path, path) if path else NO_RESPONSE
    return f"### {FIELD_COHORT}\n\n{cohort_text}\n\n### {FIELD_PATH}\n\n{path_text}\n"


def redacted_body(body: str | None) -> str | None:
    """The public body with only the two answers, when it holds anything else; else None."""
    answers = read_public(body)
    if answers.volunteered is None:
        return None
    return f"{SUMMARY}\n\n{render_public(answers.cohort, answers.path)}\n{REDACTED_MARK}\n"


def looks_like_registration(body: str | None) -> bool:
    """True when the body has the form's two fields, whatever the title says (a registration
    whose title the learner rewrote, and whose label was lost, is still one)."""
    _, sections = field_sections(body, (FIELD_COHORT, FIELD_PATH))
    return {FIELD_COHORT.lower(), FIELD_PATH.lower()} <= set(sections)
