"""The matrix's verdict from suite results alone: each broken rule is a finding naming the
deliverable."""

from __future__ import annotations

from glow.harness.matrix import (
    STARTER,
    MutationScore,
    index,
    matrix_findings,
    mutation_findings,
)
from glow.harness.results import Check, SuiteResult, read_checks
from glow.harness.sandbox import Outcome

VARIANTS = ["partial", "naive", "strong", "buggy-x"]
# checks passed of (visible 2, hidden 4), for a bundle that keeps every rule.
GOOD = {
    STARTER: (0, 0),
    "partial": (1, 1),
    "naive": (2, 2),
    "strong": (2, 4),
    "buggy-x": (2, 3),
}


def result(deliverable: str, suite: str, variant: str, passed: int, total: int) -> SuiteResult:
    checks = tuple(Check(f"c{i}", i < passed) for i in range(total))
    status = "passed" if passed == total else "failed"
    outcome = Outcome(
        status=status,
        stage="check",
        exit_code=0 if passed == total else 1,
        headline=f"check.sh exited {0 if passed == total else 1}",
    )
    return SuiteResult(deliverable, suite, variant, outcome, checks)


def cells(table: dict[str, tuple[int, int]]) -> dict[tuple[str, str, str], SuiteResult]:
    results = []
    for variant, (visible, hidden) in table.items():
        results.append(result("d1", "visible", variant, visible, 2))
        results.append(result("d1", "hidden", variant, hidden, 4))
    return index(results)


def messages(table: dict[str, tuple[int, int]]) -> list[str]:
    found = matrix_findings(["d1"], VARIANTS, cells(table))
    assert all(f.deliverable == "d1" for f in found)
    return [f.line() for f in found]


def test_a_bundle_that_keeps_every_rule_has_no_finding() -> None:
    assert messages(GOOD) == []


def test_a_starter_that_already_passes_is_blocked() -> None:
    found = messages(GOOD | {STARTER: (2, 4)})
    assert any("the untouched starter already passes the visible suite" in m for m in found)
    assert any("the untouched starter already passes the hidden suite" in m for m in found)


def test_a_partial_variant_must_unlock_a_visible_check() -> None:
    found = messages(GOOD | {"partial": (0, 1)})
    assert found == [
        "deliverables/d1/: visible: the partial variant passes 0 visible checks, no more than "
        "the starter's 0: a small real improvement must show progress"
    ]


def test_a_naive_variant_that_passes_hidden_means_a_weak_hidden_suite() -> None:
    found = messages(GOOD | {"naive": (2, 4)})
    assert found == [
        "deliverables/d1/: hidden: the hidden suite passes the naive variant: it is no stronger "
        "than the visible suite"
    ]


def test_hidden_must_reject_what_visible_rejects() -> None:
    found = messages(GOOD | {"buggy-x": (1, 4)})
    assert any("the hidden suite passes the buggy-x variant: it must catch it" in m for m in found)
    assert any("the visible suite rejects: hidden must be strictly stronger" in m for m in found)


def test_a_stopped_run_is_its_own_finding_with_the_sandboxs_headline() -> None:
    table = cells(GOOD)
    hung = Outcome(
        status="timeout", stage="check", headline="timeout: check.sh was still running after 3 s"
    )
    table[("d1", "hidden", STARTER)] = SuiteResult("d1", "hidden", STARTER, hung, ())
    found = [f.line() for f in matrix_findings(["d1"], VARIANTS, table)]
    assert found == [
        "deliverables/d1/: hidden: hidden suite, starter: timeout: check.sh was still running "
        "after 3 s"
    ]


def test_a_hidden_suite_killing_no_more_mutants_than_visible_is_blocked() -> None:
    assert mutation_findings([MutationScore("d1", 10, 4, 7)]) == []
    [finding] = mutation_findings([MutationScore("d1", 10, 6, 6)])
    assert finding.deliverable == "d1"
    assert "kills 6 of 10 mutants of the strong variant, no more than the visible" in finding.line()


def test_junit_results_are_read_the_same_from_any_runner() -> None:
    checks, problem = read_checks(
        '<testsuites><testsuite name="s">'
        '<testcase classname="ledger.Test" name="test_ok"/>'
        '<testcase name="fails"><failure message="expected 3, got 4">trace</failure></testcase>'
        '<testcase name="errs"><error>boom</error></testcase>'
        '<testcase name="skipped"><skipped/></testcase>'
        "</testsuite></testsuites>"
    )
    assert problem == ""
    assert [(c.name, c.passed, c.message) for c in checks] == [
        ("ledger.Test.test_ok", True, ""),
        ("fails", False, "expected 3, got 4"),
        ("errs", False, "boom"),
    ]
    assert read_checks(None)[1] == "check.sh wrote no results to $COURSEGEN_RESULTS"
    assert read_checks("<testsuite/>")[1] == "the results in $COURSEGEN_RESULTS hold no testcase"
    assert read_checks("not xml")[1].startswith("the results in $COURSEGEN_RESULTS are not XML")
