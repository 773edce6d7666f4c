"""What a part of the local GitHub may use of the hub it serves: the ``Hub`` protocol.

The dependency runs one way. ``hub.py`` builds the ``LocalHub`` and wires every router: it
imports each API module (``glow/localhub/api/``), the control API, the server, git smart HTTP
and the runner bridge, and hands each one the hub (``module.register(hub)``). None of them
imports ``hub.py``: they see the hub only through this protocol, and this module imports no API
module, so the import graph has no cycle (``tests/localhub/test_import_graph.py`` holds it,
counting imports under ``if TYPE_CHECKING:`` and inside functions too).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from glow.localhub.limits import Limits
from glow.localhub.routing import Response, Router
from glow.localhub.searchindex import SearchIndex
from glow.localhub.shapes import Urls
from glow.localhub.state import Store

if TYPE_CHECKING:
    from glow.localhub.auth import Principal
    from glow.localhub.runner import Runner


@runtime_checkable
class Hub(Protocol):
    """The local GitHub as its routes, the control API, the server and the runner see it."""

    store: Store  # all state, under ``store.lock``
    router: Router  # REST routes, GitHub's path templates under /api/v3
    control: Router  # the control API under /_localhub/
    limits: Limits
    urls: Urls
    data_dir: Path
    requests: deque[dict[str, Any]]  # the request log
    deliveries: deque[dict[str, Any]]  # the delivery log
    runner: Runner | None  # the Actions runner, when the hub runs workflows
    search_index: SearchIndex  # issues as search sees them, which lags (``searchindex.py``)

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Response:
        """The whole request pipeline: faults, authentication, limits, routing, ETag."""
        ...

    def emit(
        self,
        repo: dict[str, Any],
        event: str,
        payload: dict[str, Any],
        principal: Principal,
        *,
        sha: str | None = None,
        ref: str | None = None,
    ) -> None:
        """Record a delivery and start the workflows it triggers."""
        ...

    def record_delivery(
        self,
        repo: dict[str, Any],
        event: str,
        payload: dict[str, Any],
        *,
        triggers: bool,
        approval: bool = False,
    ) -> None: ...

    def create_account(
        self, login: str, kind: str, *, ident: int | None = None, **extra: Any
    ) -> dict[str, Any]: ...

    def account_or_ghost(self, login: str | None) -> dict[str, Any]:
        """The account, or GitHub's ``ghost`` for a deleted or unknown one."""
        ...

    def user_json(self, login: str | None) -> dict[str, Any]:
        """The account as a ``simple-user``."""
        ...

    def background(self, delay: float, fn: Callable[[], None]) -> None:
        """Run ``fn`` after ``delay`` seconds, counted as pending work by ``wait_idle``."""
        ...

    def wait_idle(self, timeout: float = 60.0) -> bool: ...
