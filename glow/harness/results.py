"""What a suite's run says: its checks read from JUnit XML, judged the same for every stack.

A check passes when its ``testcase`` holds no ``failure`` or ``error`` (a ``skipped`` one is
not counted); a suite passes when the job ran to the end (not stopped by a limit), it has at
least one check, and every check passes. JUnit XML is what test runners of most stacks write
(pytest's ``--junitxml``, ``node --test --test-reporter=junit``, JUnit itself), so reading it
is the one thing the platform knows about tests.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from glow.harness.sandbox import Outcome

MESSAGE_LIMIT = 300


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    message: str = ""


@dataclass(frozen=True)
class SuiteResult:
    """One suite of one deliverable against one variant ("starter" for none)."""

    deliverable: str
    suite: str
    variant: str
    outcome: Outcome
    checks: tuple[Check, ...]
    problem: str = ""
    """Why the checks could not be read ("" when they could)."""

    @property
    def passed_count(self) -> int:
        return sum(1 for c in self.checks if c.passed)

    @property
    def ran(self) -> bool:
        """The job ran to the end: a script's exit code decided, not a limit or the sandbox."""
        return self.outcome.status in ("passed", "failed")

    @property
    def passed(self) -> bool:
        return (
            self.ran
            and self.outcome.status == "passed"
            and bool(self.checks)
            and all(c.passed for c in self.checks)
        )

    @property
    def failing(self) -> list[str]:
        return [c.name for c in self.checks if not c.passed]


def read_checks(xml_text: str | None) -> tuple[tuple[Check, ...], str]:
    """The checks of a JUnit XML report, and "" or why none could be read."""
    if xml_text is None or not xml_text.strip():
        return (), "check.sh wrote no results to $COURSEGEN_RESULTS"
    try:
        root = ET.fromstring(xml_text)
    except ET.ParseError as error:
        return (), f"the results in $COURSEGEN_RESULTS are not XML ({error})"
    checks = []
    for case in root.iter("testcase"):
        if case.find("skipped") is not None:
            continue
        name = case.get("name") or "unnamed check"
        owner = case.get("classname")
        label = f"{owner}.{name}" if owner and owner not in name else name
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if problem is None:
            checks.append(Check(label, True))
        else:
            text = problem.get("message") or (problem.text or "").strip()
            checks.append(Check(label, False, " ".join(text.split())[:MESSAGE_LIMIT]))
    if not checks:
        return (), "the results in $COURSEGEN_RESULTS hold no testcase"
    return tuple(checks), ""


def suite_result(deliverable: str, suite: str, variant: str, outcome: Outcome) -> SuiteResult:
    checks, problem = read_checks(outcome.results) if outcome.stage == "check" else ((), "")
    return SuiteResult(deliverable, suite, variant, outcome, checks, problem)
