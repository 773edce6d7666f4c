"""The values of the expression language and GitHub's rules for them: numbers, truthiness,
strings, loose equality and comparison, JSON; and the scope an expression is evaluated in.

GitHub's rules are JavaScript-like and easy to get subtly wrong, so they are spelled out here:
loose equality coerces mismatched types to numbers, strings compare case-insensitively, objects
and arrays are equal only to themselves, and ``false``, ``0``, ``-0``, ``""``, ``null`` and
``NaN`` are the only falsy values. ``evaluate.py`` and ``functions.py`` both build on this
module, so neither imports the other's caller.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

_NUMERIC_STRING = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+")


class FilteredArray(list[Any]):
    """The result of a ``*`` object filter: property access maps over the items."""


@dataclass
class Status:
    """What the status functions answer at this point of the job or run."""

    failed: bool = False
    cancelled: bool = False
    blocked: bool = False  # a job this one needs was skipped or cancelled

    def success(self) -> bool:
        return not (self.failed or self.cancelled or self.blocked)


@dataclass
class Scope:
    """Everything an expression may see: contexts, status and ``hashFiles``."""

    contexts: Mapping[str, Any]
    status: Status = field(default_factory=Status)
    hash_files: Callable[[list[str]], str] | None = None


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def to_number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if is_number(value):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return 0.0
        if not _NUMERIC_STRING.fullmatch(text):
            return math.nan
        lowered = text.lower()
        if lowered.startswith("0x"):
            return float(int(lowered, 16))
        if lowered.startswith("0o"):
            return float(int(lowered, 8))
        return float(text)
    return math.nan


def truthy(value: Any) -> bool:
    if value is None or value is False:
        return False
    if value is True:
        return True
    if is_number(value):
        return not (value == 0 or math.isnan(value))
    if isinstance(value, str):
        return value != ""
    return True


def format_number(value: float | int) -> str:
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value)


def to_string(value: Any) -> str:
    """How a value appears when interpolated into a string."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        return format_number(value)
    if isinstance(value, str):
        return value
    return "Array" if isinstance(value, list) else "Object"


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if is_number(value):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def loose_equal(left: Any, right: Any) -> bool:
    kl, kr = _kind(left), _kind(right)
    if kl in ("array", "object") or kr in ("array", "object"):
        return left is right
    if kl == kr == "string":
        return str(left).casefold() == str(right).casefold()
    if kl == kr and kl != "number":
        return bool(left == right)
    return to_number(left) == to_number(right)


def compare(op: str, left: Any, right: Any) -> bool:
    if _kind(left) == _kind(right) == "string":
        a, b = left.upper(), right.upper()
    elif _kind(left) in ("array", "object") or _kind(right) in ("array", "object"):
        return False
    else:
        a, b = to_number(left), to_number(right)
        if math.isnan(a) or math.isnan(b):
            return False
    return bool({"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op])


def to_json(value: Any) -> str:
    def normal(v: Any) -> Any:
        if isinstance(v, float) and v.is_integer():
            return int(v)
        if isinstance(v, dict):
            return {k: normal(x) for k, x in v.items()}
        if isinstance(v, list):
            return [normal(x) for x in v]
        return v

    return json.dumps(normal(value), indent=2, ensure_ascii=False)
