"""Job-level ``concurrency:``: per group at most one running job and one pending job.

A newer job entering a group replaces (cancels) the pending one; with ``cancel-in-progress`` it
also cancels the running one. Workflow-level groups are handled by the run queue instead
(``scheduler.py``), because a pending run must not hold a worker thread while it waits. The two
kinds of group live in separate namespaces, so a job can never wait on its own run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class GroupGate:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._running: dict[str, threading.Event] = {}
        self._pending: dict[str, threading.Event] = {}

    def acquire(
        self,
        group: str,
        cancel: threading.Event,
        cancel_in_progress: bool,
        stopped: Callable[[], bool],
    ) -> bool:
        """Block until ``group`` is free; ``False`` when replaced or stopped while pending.

        ``cancel`` is the job's own cancellation flag: setting it is how a newer job cancels
        this one, whether it is still pending or already running.
        """
        with self._cond:
            older = self._pending.get(group)
            if older is not None:
                older.set()
            if cancel_in_progress and group in self._running:
                self._running[group].set()
            self._pending[group] = cancel
            self._cond.notify_all()
            while group in self._running:
                if cancel.is_set() or stopped():
                    if self._pending.get(group) is cancel:
                        del self._pending[group]
                    return False
                self._cond.wait(0.05)
            if self._pending.get(group) is cancel:
                del self._pending[group]
            if cancel.is_set() or stopped():
                return False
            self._running[group] = cancel
            return True

    def release(self, group: str, cancel: threading.Event) -> None:
        with self._cond:
            if self._running.get(group) is cancel:
                del self._running[group]
            self._cond.notify_all()
