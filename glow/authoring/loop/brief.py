"""A course brief read from its issue (the admin repository's form
``admin-roster/.github/ISSUE_TEMPLATE/course-brief.yml``): pure.

GitHub renders the form as ``### Label`` sections, ``_No response_`` for a field left empty,
and does not enforce ``required`` in a private repository, so every field is checked here.
``read_brief`` returns the ``Brief``, or every problem at once, each naming the field to fix,
so the creator fixes them in one edit. The brief is untrusted text: it is kept as words, sized,
and never read as instructions (``safety`` judges what a model makes of it).
"""

from __future__ import annotations

import re

from glow.forms import field_sections, field_text

from .state import Brief, Stack

# The label the form adds; `glow setup` makes it in the admin repository
# (glow.cohort.setup.decide.ADMIN_LABELS, held equal by tests/test_author_plan.py).
LABEL = "course-brief"
FORM = "Course brief"  # the form's name in the issue chooser

PROBLEM = "Problem statement"
OUTCOMES = "Desired outcomes"
LANGUAGE = "Language"
FRAMEWORK = "Framework"
RUNTIME = "Runtime"
DATA = "Data sources and constraints"
NETWORK = "Network"
NETWORK_BOX = "The project needs the network to install, boot or check"
LABELS = (PROBLEM, OUTCOMES, LANGUAGE, FRAMEWORK, RUNTIME, DATA, NETWORK)
_BOX = re.compile(r"^\s*-\s\[(?P<mark>[ xX])\]\s+(?P<text>.+?)\s*$")

MAX_TITLE = 120
MAX_TEXT = 4000  # the problem statement, and the data sources and constraints
MAX_OUTCOMES = 12
MAX_OUTCOME = 300
MAX_STACK = 80

_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")


def outcome_lines(text: str) -> list[str]:
    """One outcome per line: list marks dropped, blank lines and repeats (ignoring case) left
    out, in the creator's order."""
    found: list[str] = []
    seen: set[str] = set()
    for line in text.splitlines():
        outcome = " ".join(_LIST_MARK.sub("", line).split())
        if outcome and outcome.lower() not in seen:
            seen.add(outcome.lower())
            found.append(outcome)
    return found


def read_brief(title: str, body: str | None) -> Brief | list[str]:
    """The brief in issue ``title`` with form ``body``, or the problems to fix (one sentence
    each, naming the field)."""
    _outside, sections = field_sections(body, LABELS)
    if not sections:
        return [
            f"The issue is not a {FORM} form: none of its fields ({PROBLEM}, {OUTCOMES}) is "
            f"there; open a new issue with the {FORM} form."
        ]

    def answer(label: str) -> str:
        return field_text(sections.get(label.lower(), [])) or ""

    problems: list[str] = []
    name = " ".join(title.split())
    if not name:
        problems.append("Title: it is empty; write the course's title as the issue's title.")
    elif len(name) > MAX_TITLE:
        problems.append(f"Title: it has {len(name)} characters; keep it to {MAX_TITLE}.")
    problem = answer(PROBLEM)
    if not problem:
        problems.append(f"{PROBLEM}: it is empty; describe what the learners build, and for whom.")
    outcomes = outcome_lines(answer(OUTCOMES))
    if not outcomes:
        problems.append(f"{OUTCOMES}: it is empty; write one outcome per line.")
    elif len(outcomes) > MAX_OUTCOMES:
        problems.append(
            f"{OUTCOMES}: it lists {len(outcomes)}; keep it to {MAX_OUTCOMES}, one per line."
        )
    long = [n for n, outcome in enumerate(outcomes, 1) if len(outcome) > MAX_OUTCOME]
    if long:
        problems.append(
            f"{OUTCOMES}: line {long[0]} has more than {MAX_OUTCOME} characters; write one "
            "outcome per line, in a sentence."
        )
    data = answer(DATA)
    for label, text in ((PROBLEM, problem), (DATA, data)):
        if len(text) > MAX_TEXT:
            problems.append(f"{label}: it has {len(text)} characters; keep it to {MAX_TEXT}.")
    stack: dict[str, str] = {}
    for label in (LANGUAGE, FRAMEWORK, RUNTIME):
        text = answer(label)
        if "\n" in text.strip() or len(text) > MAX_STACK:
            problems.append(
                f"{label}: write it on one line, in at most {MAX_STACK} characters, or leave "
                "it blank for a suggestion."
            )
        stack[label.lower()] = " ".join(text.split())
    network = any(
        (m := _BOX.match(line)) is not None
        and m.group("mark") != " "
        and " ".join(m.group("text").split()) == NETWORK_BOX
        for line in sections.get(NETWORK.lower(), [])
    )
    if problems:
        return problems
    return Brief(
        title=name,
        problem=problem,
        outcomes=outcomes,
        stack=Stack(**stack),
        data=data,
        network=network,
    )
