"""The run queue: FIFO worker threads with workflow-level ``concurrency:`` groups.

Per group at most one run executes and one waits: a newer run replaces (cancels) the waiting
one, and with ``cancel-in-progress`` also cancels the executing one. A waiting run holds no
worker; a worker takes the oldest queued run whose group is free.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from glow.localhub.runner.context import RunContext


@dataclass(eq=False)
class Task:
    rc: RunContext
    group: str | None = None  # namespaced by repository
    cancel_in_progress: bool = False


class RunQueue:
    def __init__(
        self, workers: int, execute: Callable[[Task], None], discard: Callable[[Task], None]
    ) -> None:
        self._cond = threading.Condition()
        self._queue: list[Task] = []
        self._running: list[Task] = []
        self._stopping = False
        self._execute = execute
        self._discard = discard  # called (outside the lock) for a run cancelled while queued
        self._threads = [
            threading.Thread(target=self._work, name=f"glow-runner-{i}", daemon=True)
            for i in range(max(1, workers))
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, task: Task) -> None:
        replaced: list[Task] = []
        with self._cond:
            if self._stopping:
                replaced.append(task)
            else:
                if task.group is not None:
                    replaced = [t for t in self._queue if t.group == task.group]
                    self._queue = [t for t in self._queue if t.group != task.group]
                    if task.cancel_in_progress:
                        for running in self._running:
                            if running.group == task.group:
                                running.rc.cancel.set()
                self._queue.append(task)
                self._cond.notify_all()
        for old in replaced:
            self._discard(old)

    def cancel(self, run_id: int) -> bool:
        with self._cond:
            queued = [t for t in self._queue if t.rc.run.id == run_id]
            self._queue = [t for t in self._queue if t.rc.run.id != run_id]
            running = [t for t in self._running if t.rc.run.id == run_id]
            for task in running:
                task.rc.cancel.set()
        for task in queued:
            self._discard(task)
        return bool(queued or running)

    def _take(self) -> Task | None:
        busy = {t.group for t in self._running if t.group is not None}
        for index, task in enumerate(self._queue):
            if task.group is None or task.group not in busy:
                return self._queue.pop(index)
        return None

    def _work(self) -> None:
        while True:
            with self._cond:
                task = None
                while not self._stopping and (task := self._take()) is None:
                    self._cond.wait()
                if task is None:
                    return
                self._running.append(task)
            try:
                self._execute(task)
            finally:
                with self._cond:
                    self._running.remove(task)
                    self._cond.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._queue or self._running:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
            return True

    def shutdown(self, timeout: float = 30.0) -> None:
        """Stop taking work, discard queued runs, cancel running ones and join the workers."""
        with self._cond:
            self._stopping = True
            queued, self._queue = self._queue, []
            for task in self._running:
                task.rc.cancel.set()
            self._cond.notify_all()
        for task in queued:
            self._discard(task)
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
