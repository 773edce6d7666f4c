"""One workflow run: its jobs side by side as their ``needs`` allow, then the run's conclusion.

As on GitHub, "jobs run in parallel by default"; a job with ``needs:`` starts once every job it
needs has completed (docs.github.com/actions/writing-workflows/choosing-what-your-workflow-does/
using-jobs-in-a-workflow). Each job runs on its own thread with its own work directory, token
and log. Only this coordinating thread writes ``rc.needs``: a job reads the entries of its
ancestors, which are complete before it starts.
"""

from __future__ import annotations

import logging
import queue
import shutil
import threading

from glow.localhub.runner.context import RunContext
from glow.localhub.runner.job import run_job
from glow.localhub.runner.model import Conclusion, JobRun
from glow.localhub.runner.workflow import job_order

log = logging.getLogger(__name__)
Finished = queue.SimpleQueue[tuple[JobRun, str]]  # (job, its result), as each job ends


def execute_run(rc: RunContext) -> None:
    run = rc.run
    now = rc.host.now()
    run.status, run.run_started_at = "in_progress", now
    order = job_order(rc.workflow)
    run.jobs = [
        JobRun(run.id * 1000 + index + 1, key, str(rc.workflow.jobs[key].get("name", key)))
        for index, key in enumerate(order)
    ]
    rc.record()
    try:
        _run_jobs(rc)
    except Exception as exc:  # a runner bug must not leave the run in_progress for ever
        log.exception("local runner failed while executing run %s", run.id)
        run.error = run.error or f"internal error in the local runner: {exc!r}"
        rc.needs.setdefault("__runner__", {"result": "failure", "outputs": {}})
    finally:
        run.conclusion = run_conclusion(rc)
        run.status = "completed"
        for job in run.jobs:
            if job.status != "completed":
                job.status, job.conclusion = "completed", job.conclusion or "cancelled"
        if not rc.options.keep_workspaces:
            shutil.rmtree(rc.run_dir, ignore_errors=True)
        rc.record()


def _run_jobs(rc: RunContext) -> None:
    """Start every job whose needs are complete; record each result as it finishes."""
    waiting = list(rc.run.jobs)
    finished: Finished = queue.SimpleQueue()
    threads: list[threading.Thread] = []
    active = 0
    try:
        while waiting or active:
            ready = [
                job
                for job in waiting
                if all(need in rc.needs for need in rc.workflow.jobs[job.key].needs)
            ]
            for job in ready:
                waiting.remove(job)
                thread = threading.Thread(
                    target=_job_thread,
                    args=(rc, job, finished),
                    name=f"glow-run-{rc.run.id}-{job.key}",
                    daemon=True,
                )
                thread.start()
                threads.append(thread)
                active += 1
            if not active:  # job_order rejected cycles, so this is a runner bug
                raise RuntimeError(f"jobs {[j.key for j in waiting]} can never start")
            job, result = finished.get()
            active -= 1
            rc.needs[job.key] = {"result": result, "outputs": dict(job.outputs)}
    finally:
        for thread in threads:
            thread.join()


def _job_thread(rc: RunContext, job: JobRun, finished: Finished) -> None:
    result = "failure"
    try:
        result = run_job(rc, rc.workflow.jobs[job.key], job)
    except Exception as exc:  # a runner bug fails this job, loudly, and never hangs the run
        log.exception("local runner failed in job %s of run %s", job.key, rc.run.id)
        message = f"internal error in the local runner: {exc!r}"
        job.log_lines.append(f"##[error]{message}")
        rc.run.error = rc.run.error or message
        job.status, job.conclusion = "completed", "failure"
    finally:
        finished.put((job, result))


def run_conclusion(rc: RunContext) -> Conclusion:
    results = [entry["result"] for entry in rc.needs.values()]
    if "failure" in results:
        return "failure"
    if rc.cancel.is_set() or "cancelled" in results:
        return "cancelled"
    if results and all(result == "skipped" for result in results):
        return "skipped"
    return "success"
