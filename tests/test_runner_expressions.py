"""The ``${{ }}`` expression language: parser, GitHub's value rules, functions and errors."""

from __future__ import annotations

import math
from typing import Any

import pytest

from glow.localhub.runner.errors import ExpressionError
from glow.localhub.runner.evaluate import Scope, Status, condition, evaluate, render
from glow.localhub.runner.expressions import Binary, Call, parse, parse_condition

CONTEXTS: dict[str, Any] = {
    "github": {
        "event": {
            "issue": {"title": "Fix typo", "labels": [{"name": "bug"}, {"name": "docs"}]},
            "number": 7,
        },
        "event_name": "issues",
    },
    "env": {"NAME": "Mona", "EMPTY": ""},
    "steps": {"build": {"outputs": {"count": "3"}, "outcome": "success"}},
}


def ev(text: str, status: Status | None = None) -> Any:
    return evaluate(parse(text), Scope(CONTEXTS, status or Status()))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("null", None),
        ("true", True),
        ("false", False),
        ("42", 42),
        ("-3.5", -3.5),
        ("1e3", 1000.0),
        ("0xff", 255),
        ("'it''s'", "it's"),
        ("''", ""),
    ],
)
def test_literals(text: str, expected: Any) -> None:
    assert ev(text) == expected


@pytest.mark.parametrize(
    ("left", "right", "equal"),
    [
        ("1", "'1'", True),
        ("0", "''", True),
        ("null", "0", True),
        ("null", "false", True),
        ("'abc'", "'ABC'", True),
        ("true", "1", True),
        ("'true'", "true", False),  # 'true' is NaN as a number
        ("'0x10'", "16", True),
        ("' 2 '", "2", True),
        ("'a'", "0", False),
        ("fromJSON('[]')", "fromJSON('[]')", False),  # arrays equal only to themselves
    ],
)
def test_loose_equality(left: str, right: str, equal: bool) -> None:
    assert ev(f"{left} == {right}") is equal
    assert ev(f"{left} != {right}") is (not equal)


def test_same_object_is_equal_to_itself() -> None:
    assert ev("github.event == github.event") is True


def test_and_or_return_operands_not_booleans() -> None:
    assert ev("env.NAME && 'yes'") == "yes"
    assert ev("env.EMPTY && 'yes'") == ""
    assert ev("env.EMPTY || 'fallback'") == "fallback"
    assert ev("github.event.number || 0") == 7


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("!true || true", True),  # ! binds tighter than ||
        ("!(true || true)", False),
        ("true || false && false", True),  # && binds tighter than ||
        ("(true || false) && false", False),
        ("1 < 2 == true", True),  # comparison binds tighter than equality
        ("2 > 1 && 'b' > 'A'", True),  # strings compare case-insensitively
        ("'a' < 'B'", True),
        ("1 <= '1'", True),
        ("'x' < 1", False),  # NaN compares false
        ("!''", True),
        ("!'0'", False),  # a non-empty string is truthy
    ],
)
def test_operators_and_precedence(text: str, expected: Any) -> None:
    assert ev(text) == expected


def test_property_access_index_and_filter() -> None:
    assert ev("github.event.issue.title") == "Fix typo"
    assert ev("github['event']['issue'].TITLE") == "Fix typo"  # case-insensitive
    assert ev("github.event.issue.labels[1].name") == "docs"
    assert ev("github.event.issue.labels[5]") is None
    assert ev("github.event.missing.deeper") is None
    assert ev("github.event.issue.labels.*.name") == ["bug", "docs"]
    assert ev("steps.build.outputs.count") == "3"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("contains('Hello World', 'WORLD')", True),
        ("contains(github.event.issue.labels.*.name, 'Docs')", True),
        ("contains(fromJSON('[1, 2]'), '2')", True),
        ("startsWith('refs/heads/main', 'REFS/')", True),
        ("endsWith('file.yml', '.YML')", True),
        ("format('{0} has {1} labels {{ok}}', env.NAME, 2)", "Mona has 2 labels {ok}"),
        ("join(github.event.issue.labels.*.name, ', ')", "bug, docs"),
        ("join(fromJSON('[1, true, null]'))", "1,true,"),
        ("join('solo')", "solo"),
        ('fromJSON(\'{"a": {"b": 5}}\').a.b', 5),
        ("toJSON(fromJSON('[1,2]'))", "[\n  1,\n  2\n]"),
        ("toJSON(env.NAME)", '"Mona"'),
    ],
)
def test_functions(text: str, expected: Any) -> None:
    assert ev(text) == expected


def test_status_functions_follow_status() -> None:
    assert ev("success()") is True
    assert ev("failure()", Status(failed=True)) is True
    assert ev("success()", Status(failed=True)) is False
    assert ev("cancelled()", Status(cancelled=True)) is True
    assert ev("always()", Status(failed=True, cancelled=True)) is True


def test_if_gets_implicit_success() -> None:
    node = parse_condition("env.NAME == 'mona'")
    assert isinstance(node, Binary) and node.op == "&&"
    assert node.left == Call("success", ())
    assert parse_condition("failure() || true") == parse("failure() || true")  # no wrapper
    scope = Scope(CONTEXTS, Status(failed=True))
    assert condition("env.NAME == 'mona'", scope) is False
    assert condition("failure() && env.NAME == 'mona'", scope) is True
    assert condition("${{ always() }}", scope) is True
    assert condition(None, Scope(CONTEXTS)) is True
    assert condition(False, Scope(CONTEXTS)) is False


def test_templates_interpolate_and_keep_types() -> None:
    scope = Scope(CONTEXTS)
    assert render("Hello ${{ env.NAME }}, #${{ github.event.number }}!", scope) == "Hello Mona, #7!"
    assert render("${{ github.event.number }}", scope) == 7
    assert render("${{ github.event.issue }}", scope) == CONTEXTS["github"]["event"]["issue"]
    assert render("x=${{ github.event.issue }}", scope) == "x=Object"
    assert render("${{ 'a}}b' }}", scope) == "a}}b"  # }} inside a string literal
    assert render("no expressions", scope) == "no expressions"
    assert render(5, scope) == 5


def test_text_around_expressions_in_if_is_a_string() -> None:
    # As on GitHub: "${{ false }} == true" is the non-empty string "false == true".
    assert condition("${{ false }} == true", Scope(CONTEXTS)) is True


def test_number_formatting_in_strings() -> None:
    scope = Scope(CONTEXTS)
    assert render("${{ 1.0 }}-${{ 2.5 }}-${{ 0x10 }}", scope) == "1-2.5-16"
    assert render("${{ fromJSON('0.25') }}", scope) == 0.25
    assert render("n=${{ fromJSON('1e400') }}", scope) == "n=Infinity"
    assert math.isinf(render("${{ fromJSON('1e400') }}", scope))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("foo(1)", "Unrecognized function: 'foo'"),
        ("secretz.X", "Unrecognized named-value: 'secretz'"),
        ("'unterminated", "unterminated string"),
        ("1 2", "expected an operator"),
        ("contains('a')", "contains() takes 2 arguments, got 1"),
        ("a.", "Unrecognized named-value"),
        ("github.", "expected a property name"),
        ("(true", "expected `)`"),
        ("", "empty expression"),
        ("1 @ 2", "unexpected character '@'"),
    ],
)
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(text)


def test_runtime_errors() -> None:
    with pytest.raises(ExpressionError, match="fromJSON: invalid JSON"):
        ev("fromJSON('{')")
    with pytest.raises(ExpressionError, match="has no argument"):
        ev("format('{1}', 'a')")
    with pytest.raises(ExpressionError, match="not available here"):
        evaluate(parse("secrets.X"), Scope({}))
    with pytest.raises(ExpressionError, match="only available in steps"):
        ev("hashFiles('**/*.py')")
    with pytest.raises(ExpressionError, match="not closed"):
        render("${{ env.NAME", Scope(CONTEXTS))
