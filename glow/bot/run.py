"""Run a command's router: the Actions event goes to every handler registered for it; a command
run by hand (no event) goes to its ``by_hand`` handler. One exit code: the worst handler's."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from glow.bot.context import Context
from glow.bot.router import Router
from glow.errors import ConfigError

NO_EVENT = (
    "GITHUB_EVENT_NAME and GITHUB_EVENT_PATH must be set (they are, inside GitHub Actions; "
    "locally, point them at a recorded payload)"
)


def _every(context: Context, handlers: list[Callable[[Context], int | None]]) -> int:
    """Call every handler; one that fails does not stop the others (each behaviour of a room
    answers the same event). The first failure is raised once all have run."""
    from glow.errors import GlowError

    worst, failure = 0, None
    for handler in handlers:
        try:
            worst = max(worst, int(handler(context) or 0))
        except GlowError as exc:
            if len(handlers) == 1:
                raise
            context.log("a handler failed", handler=handler.__qualname__, error=str(exc))
            failure = failure or exc
    if failure is not None:
        raise failure
    return worst


def run(
    command: str,
    router: Router[Context],
    args: argparse.Namespace,
    *,
    by_hand: Callable[[Context], int | None] | None = None,
    remember_reads: bool = False,
) -> int:
    from glow.bot.actions import current

    context = Context(command, args, current(), remember_reads=remember_reads)
    try:
        if context.event is None:
            if by_hand is None:
                raise ConfigError(NO_EVENT)
            return int(by_hand(context) or 0)
        handlers = router.handlers(context.event.name, context.event.action)
        if not handlers:
            context.log("event not handled, nothing to do", event=context.event.key)
            return 0
        return _every(context, handlers)
    finally:
        context.close()
