"""The runner's public face: events in, workflow runs out.

``dispatch_event`` selects the workflows an event starts (from the files at the commit the
caller names, normally the default branch's head) and queues a run for each; ``tick_schedule``
does the same for ``on.schedule`` when the hub's clock moves. Runs execute on worker threads.
"""

from __future__ import annotations

import copy
import logging
import os
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from glow.localhub.runner.cachestore import CacheStore
from glow.localhub.runner.concurrency import GroupGate
from glow.localhub.runner.context import (
    INHERITED_ENV,
    WORKFLOW_CONTEXTS,
    RunContext,
    RunnerOptions,
    eval_value,
    resolve_dispatch_inputs,
)
from glow.localhub.runner.engine import execute_run
from glow.localhub.runner.errors import WorkflowError
from glow.localhub.runner.evaluate import truthy
from glow.localhub.runner.host import ChangedFilesHost, RunIdHost, RunnerHost
from glow.localhub.runner.model import WorkflowRun
from glow.localhub.runner.scheduler import DEFAULT_WORKERS, RunQueue, Task
from glow.localhub.runner.triggers import (
    Trigger,
    needs_changed_files,
    push_changed_files,
    trigger_matches,
)
from glow.localhub.runner.workflow import Workflow, parse_workflow

log = logging.getLogger(__name__)


class Runner:
    """Executes a repository's real workflow files for the local GitHub's events."""

    def __init__(
        self,
        host: RunnerHost,
        *,
        work_root: Path,
        base_env: Mapping[str, str] | None = None,
        workers: int = DEFAULT_WORKERS,
        composite_input_env: bool = False,
        keep_workspaces: bool = False,
        caches: CacheStore | None = None,
    ) -> None:
        self.host = host
        self.work_root = Path(work_root)
        self.work_root.mkdir(parents=True, exist_ok=True)
        inherited = {k: os.environ[k] for k in INHERITED_ENV if k in os.environ}
        self._base_env = {**inherited, **(base_env or {})}
        self._options = RunnerOptions(composite_input_env, keep_workspaces)
        self._lock = threading.Lock()
        self._runs: dict[int, WorkflowRun] = {}
        self._awaiting_approval: dict[int, Task] = {}
        # What each run was started from, so it can be re-run as GitHub does: the same event
        # payload and commit, however old (a re-run does not see what changed since).
        self._origins: dict[int, tuple[Workflow, dict[str, Any]]] = {}
        self._next_id = 1
        self._numbers: dict[tuple[str, str], int] = {}
        self._parsed: dict[tuple[str, str], Workflow] = {}
        self._job_gate = GroupGate()  # job-level concurrency groups, shared by all runs
        # actions/cache's entries (the hub keeps them in its data directory, beside its state)
        self.caches = caches or CacheStore(self.work_root / "caches", host.now)
        self._queue = RunQueue(workers, self._execute, self._discard)

    # ---- events ---------------------------------------------------------------------------

    def dispatch_event(
        self,
        repo: str,
        event_name: str,
        payload: dict[str, Any],
        *,
        sha: str,
        ref: str,
        approval_required: bool = False,
    ) -> list[WorkflowRun]:
        """Queue a run of every workflow at ``sha`` whose ``on:`` matches this event."""
        runs: list[WorkflowRun] = []
        changed: dict[str, list[str] | None] = {}
        for path, text in self.host.workflow_files(repo, sha):
            workflow = self._parse(path, text)
            if workflow.triggers is None:
                log.warning("%s: %s", repo, workflow.error)
                if event_name == "push" or (
                    event_name == "workflow_dispatch" and _names(payload, path)
                ):
                    runs.append(self._new_run(repo, workflow, event_name, payload, sha, ref))
                continue
            triggers = [t for t in workflow.triggers.values() if t.event == event_name]
            if any(
                trigger_matches(
                    t, path, payload, ref, self._changed(repo, event_name, payload, t, changed)
                )
                for t in triggers
            ):
                runs.append(
                    self._new_run(
                        repo,
                        workflow,
                        event_name,
                        payload,
                        sha,
                        ref,
                        approval_required=approval_required,
                    )
                )
        return runs

    def tick_schedule(
        self,
        repo: str,
        sha: str,
        previous: datetime,
        now: datetime,
        *,
        payload_for: Callable[[str, str], dict[str, Any]] | None = None,
    ) -> list[WorkflowRun]:
        """Run each ``on.schedule`` cron entry that fires at a minute in ``(previous, now]``.

        Several matching minutes in one window give one run per entry: like GitHub under
        load, missed schedules are not replayed one by one.
        """
        runs: list[WorkflowRun] = []
        ref = f"refs/heads/{self.host.default_branch(repo)}"
        for path, text in self.host.workflow_files(repo, sha):
            workflow = self._parse(path, text)
            schedule = (workflow.triggers or {}).get("schedule")
            for cron in schedule.crons if schedule else ():
                if cron.first_fire(previous, now) is not None:
                    payload = (
                        payload_for(cron.text, path)
                        if payload_for
                        else {"schedule": cron.text, "workflow": path}
                    )
                    runs.append(self._new_run(repo, workflow, "schedule", payload, sha, ref))
        return runs

    # ---- control ----------------------------------------------------------------------------

    def approve(self, run_id: int) -> WorkflowRun | None:
        """Start a run that waits for approval (a pull request made with a job token)."""
        with self._lock:
            task = self._awaiting_approval.pop(run_id, None)
        if task is None:
            return None
        task.rc.run.status, task.rc.run.conclusion = "queued", None
        task.rc.record()
        self._submit(task)
        return task.rc.run

    def rerun(self, run_id: int) -> WorkflowRun | None:
        """Run a completed run again: the same id, the next attempt, the original event payload
        and commit (GitHub's "Re-run all jobs"). None when unknown or not completed."""
        with self._lock:
            old = self._runs.get(run_id)
            origin = self._origins.get(run_id)
        if old is None or origin is None or old.status != "completed":
            return None
        workflow, payload = origin
        now = self.host.now()
        run = WorkflowRun(
            old.id,
            old.repo,
            old.workflow_path,
            old.name,
            old.event,
            old.head_sha,
            old.head_branch,
            old.ref,
            old.created_at,
            now,
            run_number=old.run_number,
            run_attempt=old.run_attempt + 1,
            display_title=old.display_title,
            actor=old.actor,
            revision=old.revision,  # the host keeps the newest snapshot of a run
        )
        with self._lock:
            self._runs[run.id] = run
        return self._queue_or_hold(self._context(run, workflow, payload), old.event, False)

    def cancel(self, run_id: int) -> bool:
        with self._lock:
            task = self._awaiting_approval.pop(run_id, None)
        if task is not None:
            self._discard(task)
            return True
        return self._queue.cancel(run_id)

    def get_run(self, run_id: int) -> WorkflowRun | None:
        with self._lock:
            return self._runs.get(run_id)

    def runs(self, repo: str | None = None) -> list[WorkflowRun]:
        with self._lock:
            return [r for r in self._runs.values() if repo is None or r.repo == repo]

    @property
    def workers(self) -> int:
        return self._queue.workers

    def wait_idle(self, timeout: float) -> bool:
        return self._queue.wait_idle(timeout)

    def shutdown(self) -> None:
        """Cancel queued and running runs and stop the workers."""
        with self._lock:
            waiting = list(self._awaiting_approval.values())
            self._awaiting_approval.clear()
        for task in waiting:
            self._discard(task)
        self._queue.shutdown()

    # ---- internals --------------------------------------------------------------------------

    def _parse(self, path: str, text: str) -> Workflow:
        key = (path, text)
        with self._lock:
            cached = self._parsed.get(key)
        if cached is None:
            cached = parse_workflow(path, text)
            with self._lock:
                if len(self._parsed) > 256:
                    self._parsed.clear()
                self._parsed[key] = cached
        return cached

    def _changed(
        self,
        repo: str,
        event: str,
        payload: dict[str, Any],
        trigger: Trigger,
        cache: dict[str, list[str] | None],
    ) -> list[str] | None:
        if not needs_changed_files(trigger):
            return None
        if "files" not in cache:
            cache["files"] = None
            if event == "push":
                cache["files"] = push_changed_files(payload)
            elif isinstance(self.host, ChangedFilesHost) and isinstance(
                payload.get("pull_request"), dict
            ):
                pr = payload["pull_request"]
                cache["files"] = self.host.changed_files(
                    repo,
                    str(pr.get("base", {}).get("sha", "")),
                    str(pr.get("head", {}).get("sha", "")),
                )
        return cache["files"]

    def _allocate(self, repo: str, path: str) -> tuple[int, int]:
        if isinstance(self.host, RunIdHost):
            return self.host.next_run_id(repo, path)
        with self._lock:
            run_id, self._next_id = self._next_id, self._next_id + 1
            number = self._numbers.get((repo, path), 0) + 1
            self._numbers[(repo, path)] = number
            return run_id, number

    def _new_run(
        self,
        repo: str,
        workflow: Workflow,
        event: str,
        payload: dict[str, Any],
        sha: str,
        ref: str,
        *,
        approval_required: bool = False,
    ) -> WorkflowRun:
        run_id, number = self._allocate(repo, workflow.path)
        now = self.host.now()
        found = payload.get("sender")
        sender: dict[str, Any] = found if isinstance(found, dict) else {}
        run = WorkflowRun(
            run_id,
            repo,
            workflow.path,
            workflow.name,
            event,
            sha,
            _head_branch(ref, payload),
            ref,
            now,
            now,
            run_number=number,
            actor=str(sender.get("login", "")),
            display_title=_default_title(workflow, payload),
        )
        with self._lock:
            self._runs[run_id] = run
        rc = self._context(run, workflow, payload)
        return self._queue_or_hold(rc, event, approval_required)

    def _context(self, run: WorkflowRun, workflow: Workflow, payload: dict[str, Any]) -> RunContext:
        with self._lock:
            if run.id not in self._origins:
                self._origins[run.id] = (workflow, copy.deepcopy(payload))
        return RunContext(
            host=self.host,
            run=run,
            workflow=workflow,
            payload=copy.deepcopy(payload),
            inputs={},
            work_root=self.work_root,
            base_env=self._base_env,
            options=self._options,
            record=lambda: self._record(run),
            job_gate=self._job_gate,
            caches=self.caches,
        )

    def _queue_or_hold(self, rc: RunContext, event: str, approval_required: bool) -> WorkflowRun:
        """Fail the run at once on a workflow error, hold it for approval, or queue it."""
        run = rc.run
        try:
            task = self._prepare(rc, event)
        except WorkflowError as exc:
            run.status, run.conclusion, run.error = "completed", "failure", str(exc)
            rc.record()
            return run
        if approval_required:
            run.status, run.conclusion = "waiting", "action_required"
            with self._lock:
                self._awaiting_approval[run.id] = task
            rc.record()
            return run
        rc.record()
        self._submit(task)
        return run

    def _submit(self, task: Task) -> None:
        self._queue.submit(task)
        if task.rc.run.status == "pending":  # waits for its concurrency group
            task.rc.record()

    def _prepare(self, rc: RunContext, event: str) -> Task:
        """Check the workflow, resolve dispatch inputs, run-name and the concurrency group."""
        workflow = rc.workflow
        if workflow.error is not None:
            raise workflow.error
        if event == "workflow_dispatch":
            trigger = (workflow.triggers or {})["workflow_dispatch"]
            try:
                rc.inputs, strings = resolve_dispatch_inputs(
                    trigger.inputs, rc.payload.get("inputs") or {}
                )
            except ValueError as exc:
                raise WorkflowError(
                    workflow.path, workflow.line_of("on"), str(exc), kind="workflow_dispatch"
                ) from exc
            rc.payload["inputs"] = strings
        scope = rc.scope(WORKFLOW_CONTEXTS)
        if "run-name" in workflow.raw:
            rc.run.display_title = str(
                eval_value(
                    workflow.raw["run-name"],
                    scope,
                    workflow.path,
                    workflow.line_of("run-name"),
                    as_str=True,
                )
            )
        task = Task(rc)
        if workflow.concurrency is not None:
            spec = workflow.concurrency
            group = eval_value(spec.group, scope, workflow.path, spec.line, as_str=True)
            task.group = f"{rc.run.repo}\n{group}"
            task.cancel_in_progress = truthy(
                eval_value(spec.cancel_in_progress, scope, workflow.path, spec.line)
            )
        return task

    def _record(self, run: WorkflowRun) -> None:
        run.updated_at = self.host.now()
        try:
            self.host.record_run(run.snapshot())
        except Exception:  # the host's bookkeeping must not kill a worker thread
            log.exception("record_run failed for run %s", run.id)

    def _execute(self, task: Task) -> None:
        execute_run(task.rc)

    def _discard(self, task: Task) -> None:
        run = task.rc.run
        run.status, run.conclusion = "completed", "cancelled"
        task.rc.record()


def _names(payload: dict[str, Any], path: str) -> bool:
    named = str(payload.get("workflow", ""))
    return named in (path, path.rsplit("/", 1)[-1])


def _head_branch(ref: str, payload: dict[str, Any]) -> str | None:
    pr = payload.get("pull_request")
    if isinstance(pr, dict) and isinstance(pr.get("head"), dict):
        return str(pr["head"].get("ref") or "") or None
    for prefix in ("refs/heads/", "refs/tags/"):
        if ref.startswith(prefix):
            return ref[len(prefix) :]
    return None


def _default_title(workflow: Workflow, payload: dict[str, Any]) -> str:
    head = payload.get("head_commit")
    if isinstance(head, dict) and head.get("message"):
        return str(head["message"]).splitlines()[0]
    for key in ("pull_request", "issue", "discussion"):
        item = payload.get(key)
        if isinstance(item, dict) and item.get("title"):
            return str(item["title"])
    return workflow.name
