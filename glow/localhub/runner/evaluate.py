"""Evaluation of parsed expressions with GitHub's value rules.

GitHub's rules are JavaScript-like and easy to get subtly wrong, so they are spelled out here:
loose equality coerces mismatched types to numbers, strings compare case-insensitively, objects
and arrays are equal only to themselves, ``&&``/``||`` return an operand (not a boolean), and
``false``, ``0``, ``-0``, ``""``, ``null`` and ``NaN`` are the only falsy values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from glow.localhub.runner.errors import ExpressionError
from glow.localhub.runner.expressions import (
    Binary,
    Call,
    ContextRef,
    Index,
    Literal,
    Node,
    Not,
    Property,
    Star,
    Template,
    parse_condition,
    parse_template,
)
from glow.localhub.runner.functions import call_function
from glow.localhub.runner.values import (
    FilteredArray,
    Scope,
    Status,
    compare,
    format_number,
    is_number,
    loose_equal,
    to_json,
    to_number,
    to_string,
    truthy,
)

# The value rules live in values.py; callers keep importing them from here.
__all__ = [
    "FilteredArray",
    "Scope",
    "Status",
    "compare",
    "condition",
    "evaluate",
    "format_number",
    "get_property",
    "is_number",
    "loose_equal",
    "render",
    "render_str",
    "to_json",
    "to_number",
    "to_string",
    "truthy",
]

# ---- evaluation -------------------------------------------------------------------------------


def get_property(target: Any, name: str) -> Any:
    if isinstance(target, FilteredArray):
        result = FilteredArray()
        for item in target:
            value = get_property(item, name)
            if isinstance(value, FilteredArray):
                result.extend(value)
            elif value is not None:
                result.append(value)
        return result
    if isinstance(target, Mapping):
        if name in target:
            return target[name]
        folded = name.casefold()
        for key, value in target.items():
            if isinstance(key, str) and key.casefold() == folded:
                return value
    return None


def _index(target: Any, index: Any) -> Any:
    if isinstance(target, list) and not isinstance(index, str):
        number = to_number(index)
        if math.isnan(number) or number < 0 or not number.is_integer():
            return None
        return target[int(number)] if int(number) < len(target) else None
    if isinstance(index, str) or isinstance(target, Mapping):
        return get_property(target, to_string(index))
    return None


def evaluate(node: Node, scope: Scope) -> Any:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, ContextRef):
        if node.name not in scope.contexts:
            raise ExpressionError(f"Unrecognized named-value: '{node.name}' (not available here)")
        return scope.contexts[node.name]
    if isinstance(node, Property):
        return get_property(evaluate(node.target, scope), node.name)
    if isinstance(node, Index):
        return _index(evaluate(node.target, scope), evaluate(node.index, scope))
    if isinstance(node, Star):
        target = evaluate(node.target, scope)
        if isinstance(target, Mapping):
            return FilteredArray(target.values())
        return FilteredArray(target) if isinstance(target, list) else FilteredArray()
    if isinstance(node, Not):
        return not truthy(evaluate(node.operand, scope))
    if isinstance(node, Binary):
        return _binary(node, scope)
    if isinstance(node, Call):
        return call_function(node.name, [evaluate(arg, scope) for arg in node.args], scope)
    if isinstance(node, Template):
        return "".join(
            p if isinstance(p, str) else to_string(evaluate(p, scope)) for p in node.parts
        )
    raise ExpressionError(f"cannot evaluate {node!r}")


def _binary(node: Binary, scope: Scope) -> Any:
    left = evaluate(node.left, scope)
    if node.op == "&&":
        return evaluate(node.right, scope) if truthy(left) else left
    if node.op == "||":
        return left if truthy(left) else evaluate(node.right, scope)
    right = evaluate(node.right, scope)
    if node.op == "==":
        return loose_equal(left, right)
    if node.op == "!=":
        return not loose_equal(left, right)
    return compare(node.op, left, right)


def render(value: Any, scope: Scope) -> Any:
    """Evaluate a YAML value: a string that is exactly one ``${{ }}`` keeps the value's type;
    a string with text around expressions becomes a string; other values pass through."""
    if not isinstance(value, str) or "${{" not in value:
        return value
    parts = parse_template(value)
    if len(parts) == 1 and not isinstance(parts[0], str):
        return evaluate(parts[0], scope)
    return evaluate(Template(parts), scope)


def render_str(value: Any, scope: Scope) -> str:
    return to_string(render(value, scope))


def condition(text: Any, scope: Scope) -> bool:
    """Evaluate an ``if:`` value (``None`` means no condition: ``success()``)."""
    if text is None:
        text = ""
    if isinstance(text, bool):
        text = "true" if text else "false"
    if is_number(text):
        text = format_number(text)
    return truthy(evaluate(parse_condition(str(text)), scope))
