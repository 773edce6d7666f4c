"""The baseline matrix's verdict, and the mutation analysis's: pure, from suite results.

For every deliverable (docs/authoring/bundle.md, "The baseline matrix"): the untouched starter
fails both suites; ``partial`` passes more visible checks than the starter; ``naive`` passes the
visible suite and fails the hidden one; ``strong`` passes both; every ``buggy-*`` fails hidden;
and whatever the visible suite rejects the hidden suite rejects too. A run that a limit stopped
(a hang, a fork bomb) is a finding of its own, whatever the variant, with the sandbox's
headline. Every finding names the deliverable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from glow.harness.bundle import BUGGY_PREFIX, Finding
from glow.harness.results import SuiteResult

STARTER = "starter"

Key = tuple[str, str, str]
"""(deliverable, suite, variant)."""


def index(results: Iterable[SuiteResult]) -> dict[Key, SuiteResult]:
    return {(r.deliverable, r.suite, r.variant): r for r in results}


def _where(deliverable: str) -> str:
    return f"deliverables/{deliverable}/"


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def run_findings(result: SuiteResult) -> list[Finding]:
    """A run the suite's checks cannot judge: stopped by a limit, or no readable results."""
    d, suite, variant = result.deliverable, result.suite, result.variant
    label = f"{suite} suite, {variant}"
    if not result.ran:
        return [Finding(_where(d), suite, f"{label}: {result.outcome.headline}", d)]
    if result.outcome.stage != "check":
        return []  # install or boot failed: the suite fails, judged by the matrix
    if result.problem and variant == "strong":
        return [Finding(_where(d), suite, f"{label}: {result.problem}", d)]
    return []


def matrix_findings(
    deliverables: Iterable[str], variants: Iterable[str], cells: Mapping[Key, SuiteResult]
) -> list[Finding]:
    """Every way the bundle breaks the matrix's rules, per deliverable."""
    names = [STARTER, *variants]
    found: list[Finding] = []
    for d in deliverables:

        def cell(suite: str, variant: str, d: str = d) -> SuiteResult:
            return cells[(d, suite, variant)]

        for variant in names:
            for suite in ("visible", "hidden"):
                found += run_findings(cell(suite, variant))
        for suite in ("visible", "hidden"):
            if cell(suite, STARTER).passed:
                found.append(
                    Finding(
                        _where(d),
                        suite,
                        f"the untouched starter already passes the {suite} suite: "
                        "it must fail until the learner does the work",
                        d,
                    )
                )
        partial, starter = cell("visible", "partial"), cell("visible", STARTER)
        if partial.passed_count <= starter.passed_count:
            found.append(
                Finding(
                    _where(d),
                    "visible",
                    f"the partial variant passes {partial.passed_count} visible checks, "
                    f"no more than the starter's {starter.passed_count}: a small real "
                    "improvement must show progress",
                    d,
                )
            )
        naive_visible, naive_hidden = cell("visible", "naive"), cell("hidden", "naive")
        if not naive_visible.passed:
            found.append(
                Finding(
                    _where(d),
                    "visible",
                    "the naive variant fails visible checks "
                    f"({_names(naive_visible.failing) or naive_visible.outcome.headline}): "
                    "it must pass them and fail hidden ones",
                    d,
                )
            )
        if naive_hidden.passed:
            found.append(
                Finding(
                    _where(d),
                    "hidden",
                    "the hidden suite passes the naive variant: it is no stronger than the "
                    "visible suite",
                    d,
                )
            )
        for suite in ("visible", "hidden"):
            strong = cell(suite, "strong")
            if not strong.passed:
                why = _names(strong.failing) or strong.problem or strong.outcome.headline
                found.append(
                    Finding(
                        _where(d), suite, f"the strong variant fails the {suite} suite ({why})", d
                    )
                )
        for variant in names:
            if variant.startswith(BUGGY_PREFIX) and cell("hidden", variant).passed:
                found.append(
                    Finding(
                        _where(d),
                        "hidden",
                        f"the hidden suite passes the {variant} variant: it must catch it",
                        d,
                    )
                )
            if (
                variant != STARTER
                and not cell("visible", variant).passed
                and cell("hidden", variant).passed
            ):
                found.append(
                    Finding(
                        _where(d),
                        "hidden",
                        f"the hidden suite passes the {variant} variant that the visible suite "
                        "rejects: hidden must be strictly stronger than visible",
                        d,
                    )
                )
    return found


@dataclass(frozen=True)
class MutationScore:
    deliverable: str
    mutants: int
    visible_killed: int
    hidden_killed: int
    seconds: float = 0.0

    @property
    def visible_score(self) -> float:
        return self.visible_killed / self.mutants if self.mutants else 0.0

    @property
    def hidden_score(self) -> float:
        return self.hidden_killed / self.mutants if self.mutants else 0.0


def mutation_findings(scores: Iterable[MutationScore]) -> list[Finding]:
    found = []
    for s in scores:
        if s.mutants and s.hidden_killed <= s.visible_killed:
            found.append(
                Finding(
                    _where(s.deliverable),
                    "hidden",
                    f"the hidden suite kills {s.hidden_killed} of {s.mutants} mutants of the "
                    f"strong variant, no more than the visible suite's {s.visible_killed}: "
                    "it must catch deeper mistakes than the visible checks",
                    s.deliverable,
                )
            )
    return found
