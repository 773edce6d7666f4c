"""The ``${{ }}`` expression language: tokenizer, recursive-descent parser and templates.

A real parser (no ``eval``, no regular-expression evaluation) because workflow expressions carry
untrusted event data: the only operations are the ones listed here. Evaluation lives in
``evaluate.py``. Precedence, loosest first: ``||``, ``&&``, ``== !=``, ``< <= > >=``, ``!``,
then property access, indexing and calls. Names of contexts and functions are case-insensitive,
as on GitHub.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from glow.localhub.runner.errors import ExpressionError

CONTEXTS = frozenset(
    {
        "github",
        "env",
        "inputs",
        "secrets",
        "steps",
        "needs",
        "job",
        "runner",
        "vars",
        "strategy",
        "matrix",
        "jobs",
    }
)
# name -> (min args, max args or None for unbounded)
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "contains": (2, 2),
    "startswith": (2, 2),
    "endswith": (2, 2),
    "format": (1, None),
    "join": (1, 2),
    "tojson": (1, 1),
    "fromjson": (1, 1),
    "hashfiles": (1, None),
    "success": (0, 0),
    "failure": (0, 0),
    "always": (0, 0),
    "cancelled": (0, 0),
}
STATUS_FUNCTIONS = frozenset({"success", "failure", "always", "cancelled"})

_NUMBER = re.compile(r"0x[0-9a-fA-F]+|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_OPERATORS = ("&&", "||", "==", "!=", "<=", ">=", "<", ">", "!", "(", ")", "[", "]", ".", ",", "*")


@dataclass(frozen=True)
class Token:
    kind: str  # "num" | "str" | "ident" | "op" | "eof"
    value: Any
    pos: int


# ---- AST --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Literal:
    value: Any


@dataclass(frozen=True)
class ContextRef:
    name: str


@dataclass(frozen=True)
class Property:
    target: Node
    name: str


@dataclass(frozen=True)
class Index:
    target: Node
    index: Node


@dataclass(frozen=True)
class Star:
    target: Node


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class Binary:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Template:
    """A string with embedded expressions; evaluates to a string."""

    parts: tuple[str | Node, ...]


Node = Literal | ContextRef | Property | Index | Star | Call | Not | Binary | Template


# ---- tokenizer --------------------------------------------------------------------------------


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char.isspace():
            pos += 1
        elif char == "'":
            value, pos_after = _read_string(text, pos)
            tokens.append(Token("str", value, pos))
            pos = pos_after
        elif (number := _NUMBER.match(text, pos)) and not _IDENT.match(text, pos):
            tokens.append(Token("num", _number_value(number.group()), pos))
            pos = number.end()
        elif ident := _IDENT.match(text, pos):
            tokens.append(Token("ident", ident.group(), pos))
            pos = ident.end()
        else:
            op = next((o for o in _OPERATORS if text.startswith(o, pos)), None)
            if op is None:
                raise ExpressionError(f"unexpected character {char!r} at position {pos + 1}")
            tokens.append(Token("op", op, pos))
            pos += len(op)
    tokens.append(Token("eof", None, len(text)))
    return tokens


def _read_string(text: str, start: int) -> tuple[str, int]:
    out: list[str] = []
    pos = start + 1
    while pos < len(text):
        if text[pos] == "'":
            if text.startswith("''", pos):
                out.append("'")
                pos += 2
                continue
            return "".join(out), pos + 1
        out.append(text[pos])
        pos += 1
    raise ExpressionError(f"unterminated string starting at position {start + 1}")


def _number_value(text: str) -> int | float:
    if text.lower().startswith("0x"):
        return int(text, 16)
    value = float(text)
    return int(value) if value.is_integer() and re.fullmatch(r"[-+]?\d+", text) else value


# ---- parser -----------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def accept(self, op: str) -> bool:
        token = self.peek()
        if token.kind == "op" and token.value == op:
            self.pos += 1
            return True
        return False

    def expect(self, op: str) -> None:
        if not self.accept(op):
            raise self.error(f"expected `{op}`")

    def error(self, message: str) -> ExpressionError:
        token = self.peek()
        found = "end of expression" if token.kind == "eof" else repr(str(token.value))
        return ExpressionError(f"{message} but found {found} in `{self.text.strip()}`")

    def parse(self) -> Node:
        if self.peek().kind == "eof":
            raise ExpressionError("empty expression")
        node = self.binary(0)
        if self.peek().kind != "eof":
            raise self.error("expected an operator")
        return node

    _LEVELS: tuple[tuple[str, ...], ...] = (("||",), ("&&",), ("==", "!="), ("<", "<=", ">", ">="))

    def binary(self, level: int) -> Node:
        if level == len(self._LEVELS):
            return self.unary()
        node = self.binary(level + 1)
        while (token := self.peek()).kind == "op" and token.value in self._LEVELS[level]:
            self.pos += 1
            node = Binary(token.value, node, self.binary(level + 1))
        return node

    def unary(self) -> Node:
        if self.accept("!"):
            return Not(self.unary())
        return self.postfix(self.primary())

    def postfix(self, node: Node) -> Node:
        while True:
            if self.accept("."):
                token = self.take()
                if token.kind == "op" and token.value == "*":
                    node = Star(node)
                elif token.kind in ("ident", "num"):
                    node = Property(node, str(token.value))
                else:
                    self.pos -= 1
                    raise self.error("expected a property name after `.`")
            elif self.accept("["):
                node = Star(node) if self.accept("*") else Index(node, self.binary(0))
                self.expect("]")
            else:
                return node

    def primary(self) -> Node:
        token = self.take()
        if token.kind in ("num", "str"):
            return Literal(token.value)
        if token.kind == "op" and token.value == "(":
            node = self.binary(0)
            self.expect(")")
            return node
        if token.kind == "ident":
            return self.identifier(token.value)
        self.pos -= 1
        raise self.error("expected a value")

    def identifier(self, name: str) -> Node:
        keyword = {"true": True, "false": False, "null": None}
        if name in keyword:
            return Literal(keyword[name])
        lowered = name.lower()
        if self.accept("("):
            return self.call(name, lowered)
        if lowered not in CONTEXTS:
            raise ExpressionError(f"Unrecognized named-value: '{name}'")
        return ContextRef(lowered)

    def call(self, name: str, lowered: str) -> Node:
        if lowered not in FUNCTIONS:
            raise ExpressionError(f"Unrecognized function: '{name}'")
        args: list[Node] = []
        if not self.accept(")"):
            args.append(self.binary(0))
            while self.accept(","):
                args.append(self.binary(0))
            self.expect(")")
        low, high = FUNCTIONS[lowered]
        if len(args) < low or (high is not None and len(args) > high):
            expected = str(low) if low == high else f"{low}+" if high is None else f"{low}-{high}"
            raise ExpressionError(f"{name}() takes {expected} arguments, got {len(args)}")
        return Call(lowered, tuple(args))


@lru_cache(maxsize=4096)
def parse(text: str) -> Node:
    """Parse one expression (the text between ``${{`` and ``}}``)."""
    return _Parser(text).parse()


# ---- templates and conditions ------------------------------------------------------------------


def _expression_end(text: str, start: int) -> int:
    """Index of the ``}}`` closing the expression that starts at ``start`` (after ``${{``)."""
    pos = start
    while pos < len(text):
        if text[pos] == "'":
            _, pos = _read_string(text, pos)
            continue
        if text.startswith("}}", pos):
            return pos
        pos += 1
    raise ExpressionError("`${{` is not closed by `}}`")


@lru_cache(maxsize=4096)
def parse_template(text: str) -> tuple[str | Node, ...]:
    """Split a string into literal parts and parsed ``${{ }}`` expressions."""
    parts: list[str | Node] = []
    pos = 0
    while (start := text.find("${{", pos)) != -1:
        if start > pos:
            parts.append(text[pos:start])
        end = _expression_end(text, start + 3)
        parts.append(parse(text[start + 3 : end]))
        pos = end + 2
    if pos < len(text):
        parts.append(text[pos:])
    return tuple(parts)


def has_expression(value: Any) -> bool:
    return isinstance(value, str) and "${{" in value


def uses_status_function(node: Node) -> bool:
    if isinstance(node, Call):
        return node.name in STATUS_FUNCTIONS or any(uses_status_function(a) for a in node.args)
    if isinstance(node, Template):
        return any(not isinstance(p, str) and uses_status_function(p) for p in node.parts)
    children: tuple[Node, ...] = ()
    if isinstance(node, (Property, Star)):
        children = (node.target,)
    elif isinstance(node, Index):
        children = (node.target, node.index)
    elif isinstance(node, Not):
        children = (node.operand,)
    elif isinstance(node, Binary):
        children = (node.left, node.right)
    return any(uses_status_function(c) for c in children)


@lru_cache(maxsize=4096)
def parse_condition(text: str) -> Node:
    """Parse an ``if:`` value, adding GitHub's implicit ``success() &&``.

    ``if:`` is an expression with or without ``${{ }}``. When the text mixes literal text and
    ``${{ }}``, GitHub treats it as a string (truthy when non-empty): we do the same rather than
    guess what was meant.
    """
    stripped = text.strip()
    if not stripped:
        node: Node = Call("success", ())
    elif "${{" in stripped:
        parts = parse_template(stripped)
        node = parts[0] if len(parts) == 1 and not isinstance(parts[0], str) else Template(parts)
    else:
        node = parse(stripped)
    if not uses_status_function(node):
        node = Binary("&&", Call("success", ()), node)
    return node
