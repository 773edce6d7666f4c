"""Peer-review groups: pairs and one trio, stable when learners join or leave, deterministic."""

from __future__ import annotations

import pytest

from glow.cohort.grouping.decide import (
    Groups,
    describe_changes,
    parse_groups,
    regroup,
    render_markdown,
)
from glow.errors import GlowError

COHORT = "2026-12"


def members(n: int) -> list[str]:
    return [f"learner{i:02d}" for i in range(n)]


def flat(groups: list[list[str]]) -> list[str]:
    return sorted(m for g in groups for m in g)


@pytest.mark.parametrize("n", [2, 3, 4, 5, 10, 11])
def test_everyone_in_exactly_one_pair_and_one_trio_when_odd(n: int) -> None:
    groups = regroup(COHORT, [], members(n))
    assert flat(groups) == members(n)
    assert sorted(len(g) for g in groups) == [2] * (n // 2 - n % 2) + [3] * (n % 2)


def test_same_input_same_groups_and_a_rerun_changes_nothing() -> None:
    first = regroup(COHORT, [], members(9))
    assert regroup(COHORT, [], list(reversed(members(9)))) == first
    assert regroup(COHORT, first, members(9)) == first


def test_the_cohort_seeds_the_order_not_the_alphabet() -> None:
    assert regroup("2026-12", [], members(8)) != regroup("2027-01", [], members(8))


def test_new_learners_pair_among_themselves_and_existing_pairs_stay() -> None:
    first = regroup(COHORT, [], members(4))
    after = regroup(COHORT, first, [*members(4), "zoe", "yan"])
    assert after[:2] == first
    assert sorted(after[2]) == ["yan", "zoe"]


def test_one_newcomer_joins_the_last_pair_as_a_trio() -> None:
    first = regroup(COHORT, [], members(4))
    after = regroup(COHORT, first, [*members(4), "zoe"])
    assert after[0] == first[0]
    assert after[1] == [*first[1], "zoe"]


def test_a_learner_who_leaves_frees_their_partner_to_be_repaired() -> None:
    first = [["ann", "bob"], ["cy", "di"], ["ed", "fay"]]
    after = regroup(COHORT, first, ["ann", "bob", "cy", "ed", "fay", "gus"])
    assert after[:2] == [["ann", "bob"], ["ed", "fay"]]
    assert sorted(after[2]) == ["cy", "gus"]
    assert "left the groups: di" in describe_changes(first, after)


def test_a_trio_gives_one_member_when_the_count_turns_even() -> None:
    first = [["ann", "bob", "cy"], ["di", "ed"]]
    after = regroup(COHORT, first, ["ann", "bob", "cy", "di", "ed", "fay"])
    assert after[:2] == [["ann", "bob"], ["di", "ed"]]
    assert sorted(after[2]) == ["cy", "fay"]


def test_a_trio_that_loses_one_stays_a_pair_and_a_lone_learner_is_said_plainly() -> None:
    assert regroup(COHORT, [["ann", "bob", "cy"]], ["ann", "cy"]) == [["ann", "cy"]]
    assert regroup(COHORT, [["ann", "bob"]], ["ann"]) == [["ann"]]


def test_hand_edits_are_kept_and_stray_or_repeated_handles_dropped() -> None:
    edited = [["Ann", "cy"], ["bob", "ann", "ghost"], ["di", "ed"]]
    after = regroup(COHORT, edited, ["ann", "bob", "cy", "di", "ed"])
    assert after == [["ann", "cy"], ["di", "ed", "bob"]]


def test_markdown_is_a_numbered_list_with_handles_as_spelled() -> None:
    names = {"ann": "Ann-Lee", "bob": "bob", "cy": "Cy"}
    text = render_markdown(COHORT, [["ann", "bob", "cy"]], names)
    assert text.startswith("# Peer-review groups, cohort 2026-12\n\n1 group for 3 learners.")
    assert "\n1. @Ann-Lee, @bob and @Cy\n" in text
    alone = render_markdown(COHORT, [["ann"]], names)
    assert "1. @Ann-Lee (no partner yet: a facilitator reviews with this learner)" in alone


def test_the_groups_file_round_trips_and_a_broken_one_says_what_to_do() -> None:
    groups = Groups(cohort_id=COHORT, groups=[["ann", "bob"]])
    assert parse_groups(groups.to_text(), COHORT) == groups
    assert parse_groups(None, COHORT).groups == []
    with pytest.raises(GlowError, match=r"groups/2026-12\.json is not valid"):
        parse_groups('{"groups": 3}', COHORT)
