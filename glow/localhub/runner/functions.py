"""The built-in functions of the expression language, with GitHub's coercions."""

from __future__ import annotations

import json
from typing import Any

from glow.localhub.runner.errors import ExpressionError
from glow.localhub.runner.values import Scope, loose_equal, to_json, to_string


def call_function(name: str, args: list[Any], scope: Scope) -> Any:
    """A built-in function by its lower-cased name, on arguments already evaluated."""
    if name == "always":
        return True
    if name == "success":
        return scope.status.success()
    if name == "failure":
        return scope.status.failed
    if name == "cancelled":
        return scope.status.cancelled
    if name == "hashfiles":
        if scope.hash_files is None:
            raise ExpressionError("hashFiles() is only available in steps")
        return scope.hash_files([to_string(a) for a in args])
    return _PURE[name](args)


def _contains(args: list[Any]) -> bool:
    search, item = args
    if isinstance(search, list):
        return any(loose_equal(element, item) for element in search)
    return to_string(item).casefold() in to_string(search).casefold()


def _starts_with(args: list[Any]) -> bool:
    return to_string(args[0]).casefold().startswith(to_string(args[1]).casefold())


def _ends_with(args: list[Any]) -> bool:
    return to_string(args[0]).casefold().endswith(to_string(args[1]).casefold())


def _join(args: list[Any]) -> str:
    separator = to_string(args[1]) if len(args) > 1 else ","
    if isinstance(args[0], list):
        return separator.join(to_string(item) for item in args[0])
    return to_string(args[0])


def _from_json(args: list[Any]) -> Any:
    text = to_string(args[0])
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExpressionError(f"fromJSON: invalid JSON {text[:60]!r}: {exc.msg}") from exc


def format_string(template: str, values: list[Any]) -> str:
    """``format('{0} and {{literal}}', x)``: ``{{``/``}}`` escape braces, ``{N}`` substitutes."""
    out: list[str] = []
    pos = 0
    while pos < len(template):
        char = template[pos]
        if template.startswith("{{", pos) or template.startswith("}}", pos):
            out.append(char)
            pos += 2
        elif char == "{":
            end = template.find("}", pos)
            index = template[pos + 1 : end] if end != -1 else ""
            if not index.isdigit():
                raise ExpressionError(f"format: invalid placeholder in {template!r}")
            if int(index) >= len(values):
                raise ExpressionError(f"format: {{{index}}} has no argument in {template!r}")
            out.append(to_string(values[int(index)]))
            pos = end + 1
        elif char == "}":
            raise ExpressionError(f"format: unmatched '}}' in {template!r}")
        else:
            out.append(char)
            pos += 1
    return "".join(out)


_PURE = {
    "contains": _contains,
    "startswith": _starts_with,
    "endswith": _ends_with,
    "format": lambda args: format_string(to_string(args[0]), args[1:]),
    "join": _join,
    "tojson": lambda args: to_json(args[0]),
    "fromjson": _from_json,
}
