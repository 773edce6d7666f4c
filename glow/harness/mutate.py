"""Mutants of a learner-owned file: small edits that keep the text's shape.

The operators know no language: they flip a comparison, swap ``+`` and ``-``, change an
integer, swap a boolean word, or remove one line. A mutant that no longer parses is killed by
both suites alike, so it never tips the comparison the analysis exists for: whether the hidden
suite catches mistakes the visible suite lets through. Mutants are chosen deterministically
(spread evenly over the candidates), so two runs on the same bundle measure the same mutants;
and only the lines the answer wrote are mutated, not the starter's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Each operator: a pattern and what its match becomes.
_SWAPS: tuple[tuple[str, dict[str, str]], ...] = (
    (r"(?<![<>=!])(<=|>=|==|!=)(?!=)", {"<=": "<", ">=": ">", "==": "!=", "!=": "=="}),
    (r"(?<![<>=\-])(<|>)(?![<>=])", {"<": "<=", ">": ">="}),
    (r"(?<=\s)(\+|-)(?=\s)", {"+": "-", "-": "+"}),
    (
        r"\b(true|false|True|False)\b",
        {"true": "false", "false": "true", "True": "False", "False": "True"},
    ),
    (r"\b(and|or)\b", {"and": "or", "or": "and"}),
    (r"(&&|\|\|)", {"&&": "||", "||": "&&"}),
)
_NUMBER = re.compile(r"(?<![\w.])(\d+)(?![\w.])")


@dataclass(frozen=True)
class Mutant:
    path: str
    line: int
    description: str
    text: str


def _line_mutants(path: str, lines: list[str], number: int) -> list[Mutant]:
    line = lines[number]
    found = []

    def with_line(new: str, description: str) -> Mutant:
        changed = [*lines[:number], new, *lines[number + 1 :]]
        return Mutant(path, number + 1, description, "".join(changed))

    for pattern, swaps in _SWAPS:
        for match in re.finditer(pattern, line):
            old = match.group(1)
            new = line[: match.start(1)] + swaps[old] + line[match.end(1) :]
            found.append(with_line(new, f"{old} became {swaps[old]}"))
    for match in _NUMBER.finditer(line):
        value = int(match.group(1))
        replacement = str(value + 1) if value != 1 else "0"
        new = line[: match.start(1)] + replacement + line[match.end(1) :]
        found.append(with_line(new, f"{value} became {replacement}"))
    stripped = line.strip()
    if len(stripped) > 3 and any(ch.isalnum() for ch in stripped):
        indent = line[: len(line) - len(line.lstrip())]
        ending = "\n" if line.endswith("\n") else ""
        # A removed line keeps its indentation with a harmless statement-free blank, so the
        # file's block structure survives in indentation-sensitive languages too.
        found.append(with_line(indent + ending if ending else indent, "line removed"))
    return found


def candidates(path: str, text: str, starter: str | None = None) -> list[Mutant]:
    """The mutants of ``text``. Given the ``starter``'s text of the same file, only the lines
    the answer wrote or changed are mutated (the starter's scaffolding, its comments and
    docstrings among them, is the same for every learner), unless it changed none."""
    lines = text.splitlines(keepends=True)
    given = {line.strip() for line in (starter or "").splitlines()}
    written = [n for n, line in enumerate(lines) if line.strip() not in given]
    found: list[Mutant] = []
    for number in written or range(len(lines)):
        found += _line_mutants(path, lines, number)
    return found


def choose(mutants: list[Mutant], limit: int) -> list[Mutant]:
    """At most ``limit`` mutants spread evenly over the list (deterministic)."""
    if limit <= 0:
        return []
    if len(mutants) <= limit:
        return list(mutants)
    step = len(mutants) / limit
    return [mutants[int(i * step)] for i in range(limit)]
