"""Issue forms read back: the pure parser lives in ``glow.forms`` (shared with ``glow author``,
which may not import the workshop's behaviours); the workshop's modules import it from here."""

from __future__ import annotations

from glow.forms import (
    NO_RESPONSE,
    FormAnswers,
    field_sections,
    field_text,
    parse_issue_form,
    render_issue_form,
)

__all__ = [
    "NO_RESPONSE",
    "FormAnswers",
    "field_sections",
    "field_text",
    "parse_issue_form",
    "render_issue_form",
]
