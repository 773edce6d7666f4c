"""Peer-review groups within a cohort: pairs, one trio when the count is odd, stable on re-runs.

Pure functions only; ``handlers`` reads the roster and writes ``groups/<cohort>.json`` (the
record, handle keys) and ``groups/<cohort>.md`` (a readable list) in one commit.

Stability rules, in order:

1. Every existing group keeps its members who are still enrolled; a group left with two or
   more stays as it is (a facilitator's hand edit to the JSON file is kept the same way).
2. A learner whose partner left, and every new learner, is "loose".
3. Pairs plus at most one trio: when the cohort's size is even, or a second trio exists, a
   trio gives its last member to the loose learners (the other two stay partners).
4. Loose learners are paired in a fixed order: a hash of the cohort id and handle, so the same
   input always gives the same groups, yet partners are not simply alphabetical neighbours.
   One left over joins the newest pair (making the trio), else the last existing pair.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from pydantic import BaseModel, ConfigDict, Field

from glow.cohort.grouping.copy import (
    ALONE,
    INVALID_GROUPS,
    LEFT,
    MD_INTRO,
    MD_TITLE,
    NEW_GROUP,
    NO_LEARNERS,
)
from glow.errors import GlowError

GROUPS_DIR = "groups"


class Groups(BaseModel):
    """The file ``groups/<cohort>.json``: each group a list of lower-cased handles."""

    model_config = ConfigDict(extra="forbid")

    cohort_id: str
    groups: list[list[str]] = Field(default_factory=list)

    def to_text(self) -> str:
        return self.model_dump_json(indent=2) + "\n"


def groups_json_path(cohort_id: str) -> str:
    return f"{GROUPS_DIR}/{cohort_id}.json"


def groups_md_path(cohort_id: str) -> str:
    return f"{GROUPS_DIR}/{cohort_id}.md"


def parse_groups(text: str | None, cohort_id: str) -> Groups:
    """The groups file's content, or no groups when it does not exist yet."""
    if not text:
        return Groups(cohort_id=cohort_id)
    try:
        return Groups.model_validate_json(text)
    except ValueError as exc:
        raise GlowError(
            INVALID_GROUPS.format(path=groups_json_path(cohort_id), error=str(exc).splitlines()[0])
        ) from None


def pairing_order(cohort_id: str, key: str) -> tuple[str, str]:
    """Fixed, seeded order: the same cohort and handle always sort the same way."""
    return hashlib.sha256(f"{cohort_id}:{key}".encode()).hexdigest(), key


def regroup(
    cohort_id: str, previous: Iterable[list[str]], members: Iterable[str]
) -> list[list[str]]:
    """The new groups for ``members`` (handle keys), keeping ``previous`` groups stable."""
    present = {member.lower() for member in members}
    placed: set[str] = set()
    kept: list[list[str]] = []
    loose: list[str] = []
    for group in previous:
        stay = list(dict.fromkeys(m.lower() for m in group if m.lower() in present))
        stay = [m for m in stay if m not in placed]
        placed.update(stay)
        if len(stay) >= 2:
            kept.append(stay)
        else:
            loose += stay
    loose += [member for member in present if member not in placed]
    trios_allowed = len(present) % 2
    for trio in [group for group in kept if len(group) == 3][trios_allowed:]:
        loose.append(trio.pop())
    loose.sort(key=lambda member: pairing_order(cohort_id, member))
    new = [loose[i : i + 2] for i in range(0, len(loose) - 1, 2)]
    if len(loose) % 2:
        pairs = [group for group in [*kept, *new] if len(group) == 2]
        if pairs:
            pairs[-1].append(loose[-1])  # the newest pair: new pairs come after kept ones
        else:
            new.append([loose[-1]])
    return kept + new


def render_markdown(cohort_id: str, groups: list[list[str]], names: Mapping[str, str]) -> str:
    """A numbered list a screen reader reads in order: "1. @ada and @bob"."""
    learners = sum(len(group) for group in groups)
    lines = [
        MD_TITLE.format(cohort=cohort_id),
        "",
        MD_INTRO.format(
            groups=_count(len(groups), "group"),
            learners=_count(learners, "learner"),
            cohort=cohort_id,
        ),
        "",
    ]
    if not groups:
        lines.append(NO_LEARNERS)
    for number, group in enumerate(groups, start=1):
        who = [f"@{names.get(member, member)}" for member in group]
        if len(who) == 1:
            text = ALONE.format(who=who[0])
        else:
            text = ", ".join(who[:-1]) + f" and {who[-1]}"
        lines.append(f"{number}. {text}")
    return "\n".join(lines) + "\n"


def describe_changes(previous: list[list[str]], groups: list[list[str]]) -> list[str]:
    """Plain lines saying what changed: groups formed, learners who left."""
    before = {frozenset(group) for group in previous}
    left = sorted({m for g in previous for m in g} - {m for g in groups for m in g})
    lines = [
        NEW_GROUP.format(members=", ".join(group))
        for group in groups
        if frozenset(group) not in before
    ]
    lines += [LEFT.format(member=member) for member in left]
    return lines


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")
