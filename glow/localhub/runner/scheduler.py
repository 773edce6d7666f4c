"""The run queue: worker threads that run workflow runs side by side, and workflow-level
``concurrency:`` groups.

GitHub decides a run's place in its group when the run is queued, not when a runner picks it
up: "When a concurrent job or workflow is queued, if another job or workflow using the same
concurrency group in the repository is in progress, the queued job or workflow will be
``pending``. Any existing pending job or workflow in the same concurrency group, if it exists,
will be canceled and the new queued job or workflow will take its place."
(docs.github.com/actions/writing-workflows/choosing-what-your-workflow-does/control-the-concurrency-of-workflows-and-jobs)

So per group one run *holds* the group (waiting for a worker, or executing) and at most one is
pending; a newer run cancels the pending one, and with ``cancel-in-progress`` also the holder.
A pending run holds no worker; runs without a group, or in different groups, run side by side
on as many workers as there are.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from glow.localhub.runner.context import RunContext

DEFAULT_WORKERS = 4  # runs executing at once; GitHub runs many, a laptop a few


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
        self._ready: deque[Task] = deque()  # waiting for a worker, each holding its group
        self._running: list[Task] = []
        self._holders: dict[str, Task] = {}  # group -> the run that holds it
        self._pending: dict[str, Task] = {}  # group -> the one run waiting for it
        self._stopping = False
        self._execute = execute
        self._discard = discard  # called (outside the lock) for a run cancelled before it ran
        self._threads = [
            threading.Thread(target=self._work, name=f"glow-runner-{i}", daemon=True)
            for i in range(max(1, workers))
        ]
        for thread in self._threads:
            thread.start()

    @property
    def workers(self) -> int:
        return len(self._threads)

    def submit(self, task: Task) -> None:
        """Queue a run; in a busy group it becomes the pending run (status ``pending``)."""
        cancelled: list[Task] = []
        with self._cond:
            if self._stopping:
                cancelled.append(task)
            elif task.group is None:
                self._ready.append(task)
            else:
                cancelled = self._enter_group(task)
            self._cond.notify_all()
        for old in cancelled:
            self._discard(old)

    def _enter_group(self, task: Task) -> list[Task]:
        assert task.group is not None
        group = task.group
        holder = self._holders.get(group)
        cancelled: list[Task] = []
        older = self._pending.pop(group, None)
        if older is not None:
            cancelled.append(older)
        if holder is not None and task.cancel_in_progress:
            if holder in self._ready:  # not started yet: cancelled before it runs anything
                self._ready.remove(holder)
                del self._holders[group]
                cancelled.append(holder)
                holder = None
            else:
                holder.rc.cancel.set()
        if holder is None:
            self._holders[group] = task
            self._ready.append(task)
        else:
            task.rc.run.status = "pending"
            self._pending[group] = task
        return cancelled

    def _release(self, task: Task) -> None:
        """``task`` no longer holds its group: the pending run, if any, takes it."""
        if task.group is None or self._holders.get(task.group) is not task:
            return
        del self._holders[task.group]
        successor = self._pending.pop(task.group, None)
        if successor is not None:
            successor.rc.run.status = "queued"
            self._holders[task.group] = successor
            self._ready.append(successor)

    def cancel(self, run_id: int) -> bool:
        with self._cond:
            waiting = [t for t in self._ready if t.rc.run.id == run_id]
            waiting += [t for t in self._pending.values() if t.rc.run.id == run_id]
            for task in waiting:
                if task in self._ready:
                    self._ready.remove(task)
                    self._release(task)
                else:
                    del self._pending[task.group]  # type: ignore[arg-type]
            running = [t for t in self._running if t.rc.run.id == run_id]
            for task in running:
                task.rc.cancel.set()
            self._cond.notify_all()
        for task in waiting:
            self._discard(task)
        return bool(waiting or running)

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._stopping and not self._ready:
                    self._cond.wait()
                if self._stopping:
                    return
                task = self._ready.popleft()
                self._running.append(task)
            try:
                self._execute(task)
            finally:
                with self._cond:
                    self._running.remove(task)
                    self._release(task)
                    self._cond.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._ready or self._running or self._pending:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
            return True

    def shutdown(self, timeout: float = 30.0) -> None:
        """Stop taking work, discard waiting runs, cancel running ones and join the workers."""
        with self._cond:
            self._stopping = True
            waiting = [*self._ready, *self._pending.values()]
            self._ready.clear()
            self._pending.clear()
            self._holders.clear()
            for task in self._running:
                task.rc.cancel.set()
            self._cond.notify_all()
        for task in waiting:
            self._discard(task)
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
