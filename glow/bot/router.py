"""A small synchronous router: handlers registered by (event, action), one visible table.

The shape of gidgethub's ``routing.Router``, made synchronous and small (STYLE.md, 1 and 2).
``@router.register("issues", "opened", "edited")`` adds a handler for those actions; an
event with no actions (``schedule``) is registered by its name alone, and a repository_dispatch
by its event type (``register("repository_dispatch", "provision")``). ``glow.bot.run`` calls
every handler of the event, in registration order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from glow.bot.gate import event_key

C = TypeVar("C")  # what a handler is given: the bot's context
Handler = Callable[[C], "int | None"]  # an exit code; None is 0


@dataclass
class Router(Generic[C]):
    """Handlers by event key; ``table()`` is the one place that says where an event goes."""

    _routes: dict[str, list[Handler[C]]] = field(default_factory=dict)

    def register(self, event: str, *actions: str) -> Callable[[Handler[C]], Handler[C]]:
        keys = [event_key(event, action) for action in actions] or [event]

        def add(handler: Handler[C]) -> Handler[C]:
            for key in keys:
                self._routes.setdefault(key, []).append(handler)
            return handler

        return add

    def register_keys(self, keys: Iterable[str]) -> Callable[[Handler[C]], Handler[C]]:
        """Register a handler for every event key of ``keys`` (``issues.opened``, ``schedule``):
        a behaviour that converges on every event its command's workflow starts for."""
        wanted = sorted(keys)

        def add(handler: Handler[C]) -> Handler[C]:
            for key in wanted:
                self._routes.setdefault(key, []).append(handler)
            return handler

        return add

    def extend(self, other: Router[C]) -> None:
        """Add every route of ``other`` after this router's own (a command made of behaviours)."""
        for key, handlers in other._routes.items():
            self._routes.setdefault(key, []).extend(handlers)

    def handlers(self, event: str, action: str | None = None) -> list[Handler[C]]:
        """The handlers of ``event.action`` (an action-less registration matches every action)."""
        exact = self._routes.get(event_key(event, action), []) if action else []
        return [*exact, *self._routes.get(event, [])]

    def keys(self) -> set[str]:
        return set(self._routes)

    def table(self) -> list[tuple[str, str]]:
        """(event key, handler) for every route, sorted: what ``glow routes`` prints."""
        return sorted(
            (key, f"{handler.__module__}.{handler.__qualname__}")
            for key, handlers in self._routes.items()
            for handler in handlers
        )
