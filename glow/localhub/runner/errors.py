"""Errors of the local Actions runner.

Every problem a workflow author can fix names the file and the line, because a rehearsal that
fails with "something went wrong" teaches nothing: the message must point at the YAML to edit.
"""

from __future__ import annotations

from glow.errors import GlowError


class ExpressionError(Exception):
    """A ``${{ }}`` expression is malformed or cannot be evaluated (no location yet).

    The expression layer does not know which file it came from; callers catch this and re-raise
    it as a ``WorkflowError`` carrying the file and line.
    """


class WorkflowError(GlowError):
    """A workflow or action file problem, located: ``<kind>: <file> line <n>: <message>``."""

    def __init__(self, file: str, line: int, message: str, *, kind: str = "workflow syntax"):
        self.file = file
        self.line = line
        self.detail = message
        self.kind = kind
        super().__init__(f"{kind}: {file} line {line}: {message}")


UNSUPPORTED_USES = (
    "the local runner supports actions/checkout, actions/setup-python, actions/cache and local "
    "composite actions"
)
