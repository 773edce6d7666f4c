"""Run one folder of unittest checks and write JUnit XML, one testcase per check.

Usage: python3 junit_runner.py TESTS_DIR RESULTS_FILE

Exits 0 when every check passed, 1 otherwise. The workspace root (the current directory) is put
first on sys.path so the checks import the learner's code as ``ledger``.
"""

from __future__ import annotations

import io
import os
import sys
import time
import traceback
import unittest
import xml.etree.ElementTree as ET
from types import TracebackType

ErrInfo = tuple[type[BaseException], BaseException, TracebackType] | tuple[None, None, None]


class JUnitResult(unittest.TestResult):
    """Collects each check's outcome as a JUnit ``testcase`` element."""

    def __init__(self) -> None:
        super().__init__()
        self.cases: list[ET.Element] = []
        self._started = 0.0
        self._recorded = False
        self._subtest_problems: list[str] = []

    def startTest(self, test: unittest.TestCase) -> None:
        super().startTest(test)
        self._started = time.perf_counter()
        self._recorded = False
        self._subtest_problems = []

    def stopTest(self, test: unittest.TestCase) -> None:
        # A check whose subtests failed reaches neither addSuccess nor addFailure: one testcase
        # carries every failed subtest, so a check is one testcase whatever its subtests did.
        if self._subtest_problems and not self._recorded:
            failure = ET.SubElement(self._case(test), "failure", type="SubTestFailure")
            failure.set("message", f"{len(self._subtest_problems)} subtest(s) failed")
            failure.text = "\n".join(self._subtest_problems)
        super().stopTest(test)

    def _case(self, test: unittest.TestCase) -> ET.Element:
        self._recorded = True
        test_id = test.id()
        classname, _, name = test_id.rpartition(".")
        case = ET.Element(
            "testcase",
            classname=classname or "checks",
            name=name,
            time=f"{time.perf_counter() - self._started:.4f}",
        )
        self.cases.append(case)
        return case

    def _problem(self, test: unittest.TestCase, tag: str, err: ErrInfo) -> None:
        case = self._case(test)
        kind, value, trace = err
        name = kind.__name__ if kind is not None else "Error"
        problem = ET.SubElement(case, tag, type=name, message=str(value))
        problem.text = "".join(traceback.format_exception(kind, value, trace))

    def addSuccess(self, test: unittest.TestCase) -> None:
        super().addSuccess(test)
        self._case(test)

    def addFailure(self, test: unittest.TestCase, err: ErrInfo) -> None:
        super().addFailure(test, err)
        self._problem(test, "failure", err)

    def addError(self, test: unittest.TestCase, err: ErrInfo) -> None:
        super().addError(test, err)
        self._problem(test, "error", err)

    def addSubTest(
        self,
        test: unittest.TestCase,
        subtest: unittest.TestCase,
        err: ErrInfo | None,
    ) -> None:
        super().addSubTest(test, subtest, err)
        if err is not None:
            trace = "".join(traceback.format_exception(err[0], err[1], err[2]))
            self._subtest_problems.append(f"{subtest.id()}\n{trace}")

    def addSkip(self, test: unittest.TestCase, reason: str) -> None:
        super().addSkip(test, reason)
        ET.SubElement(self._case(test), "skipped", message=reason)

    def addExpectedFailure(self, test: unittest.TestCase, err: ErrInfo) -> None:
        super().addExpectedFailure(test, err)
        self._case(test)

    def addUnexpectedSuccess(self, test: unittest.TestCase) -> None:
        super().addUnexpectedSuccess(test)
        failure = ET.SubElement(self._case(test), "failure", type="UnexpectedSuccess")
        failure.set("message", "a check marked as an expected failure passed")


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: junit_runner.py TESTS_DIR RESULTS_FILE", file=sys.stderr)
        return 2
    tests_dir, results_file = argv[1], argv[2]
    sys.path.insert(0, os.getcwd())
    suite = unittest.defaultTestLoader.discover(tests_dir, top_level_dir=tests_dir)
    result = JUnitResult()
    started = time.perf_counter()
    suite.run(result)
    root = ET.Element(
        "testsuite",
        name=os.path.basename(os.path.normpath(tests_dir)),
        tests=str(len(result.cases)),
        failures=str(len(result.failures) + len(result.unexpectedSuccesses)),
        errors=str(len(result.errors)),
        skipped=str(len(result.skipped)),
        time=f"{time.perf_counter() - started:.4f}",
    )
    root.extend(result.cases)
    os.makedirs(os.path.dirname(os.path.abspath(results_file)), exist_ok=True)
    buffer = io.BytesIO()
    ET.ElementTree(root).write(buffer, encoding="utf-8", xml_declaration=True)
    with open(results_file, "wb") as out:
        out.write(buffer.getvalue())
    passed = sum(1 for case in result.cases if not case.findall("failure") + case.findall("error"))
    print(f"coursegen: {passed} of {len(result.cases)} checks passed")
    return 0 if result.wasSuccessful() and result.cases else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
