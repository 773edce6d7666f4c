"""One workflow run: jobs in ``needs:`` order, one after another, then the run's conclusion.

Jobs run sequentially (GitHub may run independent jobs in parallel; the results are the same for
workflows whose jobs communicate only through ``needs``), which keeps logs readable and the
hub's load predictable on a facilitator's laptop.
"""

from __future__ import annotations

import logging
import shutil

from glow.localhub.runner.context import RunContext
from glow.localhub.runner.job import run_job
from glow.localhub.runner.model import JobRun
from glow.localhub.runner.workflow import job_order

log = logging.getLogger(__name__)


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
        for job in run.jobs:
            result = run_job(rc, rc.workflow.jobs[job.key], job)
            rc.needs[job.key] = {"result": result, "outputs": dict(job.outputs)}
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


def run_conclusion(rc: RunContext) -> str:
    results = [entry["result"] for entry in rc.needs.values()]
    if "failure" in results:
        return "failure"
    if rc.cancel.is_set() or "cancelled" in results:
        return "cancelled"
    if results and all(result == "skipped" for result in results):
        return "skipped"
    return "success"
