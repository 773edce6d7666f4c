"""Issue forms as GitHub renders them into an issue body, parsed back into fields.

Pure text, shared by the workshop's bots (``glow.cohort.forms`` re-exports it) and
``glow author`` (the course brief).

A filled form becomes ``### Label`` headings with the value below; an empty field is
``_No response_``; checkboxes are ``- [X] option`` / ``- [ ] option``. GitHub does not enforce
``required`` in private repositories, so every field is validated by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

NO_RESPONSE = "_No response_"
_HEADING = re.compile(r"^###\s+(?P<label>.+?)\s*$")
_CHECKBOX = re.compile(r"^\s*-\s\[(?P<mark>[ xX])\]\s+(?P<text>.+?)\s*$")


@dataclass(frozen=True)
class FormAnswers:
    values: dict[str, str | None]
    checkboxes: dict[str, dict[str, bool]] = field(default_factory=dict)

    def get(self, label: str) -> str | None:
        return self.values.get(label.strip().lower())

    def checked(self, label: str) -> list[str]:
        boxes = self.checkboxes.get(label.strip().lower(), {})
        return [text for text, ticked in boxes.items() if ticked]


def parse_issue_form(body: str | None) -> FormAnswers:
    """Every ``### Label`` section of ``body``; text outside sections is ignored."""
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for line in (body or "").replace("\r\n", "\n").split("\n"):
        m = _HEADING.match(line)
        if m:
            current = m.group("label").strip().lower()
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    values: dict[str, str | None] = {}
    boxes: dict[str, dict[str, bool]] = {}
    for label, lines in sections.items():
        # Hidden HTML comments (GLOW's markers) are not part of an answer.
        text = re.sub(r"<!--.*?-->", "", "\n".join(lines), flags=re.DOTALL).strip()
        values[label] = None if text in ("", NO_RESPONSE) else text
        found = {
            m.group("text"): m.group("mark") != " "
            for m in (_CHECKBOX.match(line) for line in lines)
            if m
        }
        if found:
            boxes[label] = found
    return FormAnswers(values, boxes)


_ANY_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(?P<label>.+?)[ \t#]*$")


def field_sections(
    body: str | None, labels: Iterable[str]
) -> tuple[list[str], dict[str, list[str]]]:
    """The lines outside the form's fields, and each field's lines, keyed by lower-cased label.

    Robust to what learners type: only the first heading naming each of ``labels`` starts that
    field, so a ``### heading`` written inside an answer stays part of the answer."""
    lines = (body or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    wanted = {label.lower() for label in labels}
    starts: dict[str, int] = {}
    for index, line in enumerate(lines):
        found = _ANY_HEADING.match(line)
        label = found.group("label").strip().lower() if found else None
        if label in wanted and label not in starts:
            starts[label] = index
    order = sorted(starts.items(), key=lambda item: item[1])
    outside = lines[: order[0][1]] if order else lines
    sections: dict[str, list[str]] = {}
    for position, (label, start) in enumerate(order):
        end = order[position + 1][1] if position + 1 < len(order) else len(lines)
        sections[label] = lines[start + 1 : end]
    return outside, sections


def field_text(lines: Iterable[str]) -> str | None:
    """A field's answer as text: None when empty or ``_No response_``."""
    text = "\n".join(lines).strip()
    return None if text in ("", NO_RESPONSE) else text


def render_issue_form(answers: dict[str, str | None]) -> str:
    """The body GitHub would make from these answers (used by rehearsals and tests)."""
    parts = []
    for label, value in answers.items():
        parts.append(f"### {label}\n\n{value if value not in (None, '') else NO_RESPONSE}")
    return "\n\n".join(parts) + "\n"
