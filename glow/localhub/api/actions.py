"""GitHub Actions endpoints: workflow dispatch, the workflow list, disabling and enabling a
workflow, and workflow runs."""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING, Any

import yaml

from glow.localhub import gitstore, shapes
from glow.localhub.api.common import paginate, repo_for, str_field
from glow.localhub.events import repo_json
from glow.localhub.routing import Ctx, HubError, Response, invalid, not_found

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub

WORKFLOWS_DIR = ".github/workflows"


def workflow_id(path: str) -> int:
    return zlib.crc32(path.encode()) & 0x7FFFFFFF


def workflow_paths(hub: Hub, repo: dict[str, Any], sha: str) -> list[str]:
    git_dir = hub.store.git_dir(repo)
    if gitstore.entry_at(git_dir, sha, WORKFLOWS_DIR) is None:
        return []
    return [
        f"{WORKFLOWS_DIR}/{e.path}"
        for e in gitstore.list_tree(git_dir, f"{sha}:{WORKFLOWS_DIR}")
        if e.type == "blob" and e.path.endswith((".yml", ".yaml"))
    ]


def disabled_workflows(repo: dict[str, Any]) -> set[str]:
    """The paths of the repository's workflows a person disabled: GitHub starts no run of them,
    on any event or schedule, until they are enabled again."""
    return set(repo.get("disabled_workflows") or ())


def has_dispatch_trigger(text: str) -> bool:
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    if not isinstance(doc, dict):
        return False
    on = doc.get("on", doc.get(True))
    if isinstance(on, str):
        return on == "workflow_dispatch"
    if isinstance(on, list):
        return "workflow_dispatch" in on
    return isinstance(on, dict) and "workflow_dispatch" in on


def run_json(hub: Hub, repo: dict[str, Any], run: dict[str, Any]) -> dict[str, Any]:
    repo_api = f"{hub.urls.api}/repos/{repo['full_name']}"
    api = f"{repo_api}/actions/runs/{run['id']}"
    minimal = repo_json(hub, repo)
    return {
        "id": run["id"],
        "node_id": shapes.node_id("WFR", run["id"]),
        "name": run["name"],
        "head_branch": run.get("head_branch"),
        "head_sha": run["head_sha"],
        "path": run["workflow_path"],
        "display_title": run.get("display_title") or run["name"],
        "run_number": run.get("run_number", 1),
        "run_attempt": run.get("run_attempt", 1),
        "event": run["event"],
        "status": run["status"],
        "conclusion": run.get("conclusion"),
        "workflow_id": workflow_id(run["workflow_path"]),
        "url": api,
        "html_url": f"{hub.urls.web}/{repo['full_name']}/actions/runs/{run['id']}",
        "pull_requests": [],
        "created_at": run["created_at"],
        "updated_at": run["updated_at"],
        "run_started_at": run["created_at"],
        "jobs_url": f"{api}/jobs",
        "logs_url": f"{api}/logs",
        "check_suite_url": f"{api}/check-suite",
        "artifacts_url": f"{api}/artifacts",
        "cancel_url": f"{api}/cancel",
        "rerun_url": f"{api}/rerun",
        "workflow_url": f"{repo_api}/actions/workflows/{workflow_id(run['workflow_path'])}",
        "head_commit": None,
        "repository": minimal,
        "head_repository": minimal,
    }


def job_ran(job: dict[str, Any]) -> bool:
    """A job that a runner picked up (billed), not one skipped or cancelled before it started."""
    if job.get("conclusion") in ("success", "failure"):
        return True
    return any(step.get("started_at") for step in job.get("steps") or [])


def billed_minutes(job: dict[str, Any]) -> int:
    """GitHub bills each job that ran rounded up to a whole minute, at least one."""
    if not job_ran(job):
        return 0
    ms = int(job.get("duration_ms") or 0)
    return max(1, -(-ms // 60_000))


def job_json(
    hub: Hub, repo: dict[str, Any], run: dict[str, Any], job: dict[str, Any]
) -> dict[str, Any]:
    repo_api = f"{hub.urls.api}/repos/{repo['full_name']}"
    web = f"{hub.urls.web}/{repo['full_name']}"
    steps = [
        {
            "name": step["name"],
            "status": step.get("status", "queued"),
            "conclusion": step.get("conclusion"),
            "number": step["number"],
            "started_at": step.get("started_at"),
            "completed_at": step.get("completed_at"),
        }
        for step in job.get("steps") or []
    ]
    ran = job_ran(job)
    return {
        "id": job["id"],
        "run_id": run["id"],
        "run_url": f"{repo_api}/actions/runs/{run['id']}",
        "run_attempt": run.get("run_attempt", 1),
        "node_id": shapes.node_id("CR", job["id"]),
        "head_sha": run["head_sha"],
        "url": f"{repo_api}/actions/jobs/{job['id']}",
        "html_url": f"{web}/actions/runs/{run['id']}/job/{job['id']}",
        "status": job.get("status", "queued"),
        "conclusion": job.get("conclusion"),
        "created_at": run["created_at"],
        "started_at": job.get("started_at") or run["created_at"],
        "completed_at": job.get("completed_at"),
        "name": job.get("name") or job["key"],
        "steps": steps,
        "check_run_url": f"{repo_api}/check-runs/{job['id']}",
        "labels": ["ubuntu-latest"],
        "runner_id": 1 if ran else None,
        "runner_name": "GitHub Actions 1" if ran else None,
        "runner_group_id": 0 if ran else None,
        "runner_group_name": "GitHub Actions" if ran else None,
        "workflow_name": run["name"],
        "head_branch": run.get("head_branch"),
    }


def register(hub: Hub) -> None:
    r = hub.router
    store = hub.store

    def find_workflow(repo: dict[str, Any], ident: str, sha: str) -> str:
        for path in workflow_paths(hub, repo, sha):
            if ident in (path.rsplit("/", 1)[-1], str(workflow_id(path)), path):
                return path
        raise not_found()

    @r.route("POST", "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches")
    def dispatch(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "actions", "write", "write")
        ref = str_field(ctx, "ref", "Dispatch", required=True) or ""
        inputs = ctx.field("inputs", dict, resource="Dispatch") or {}
        branch = ref.removeprefix("refs/heads/")
        sha = gitstore.rev_parse(store.git_dir(repo), f"refs/heads/{branch}")
        if sha is None:
            raise invalid("Dispatch", "ref", "invalid", f"No ref found for: {ref}")
        path = find_workflow(repo, ctx.params["workflow_id"], sha)
        if path in disabled_workflows(repo):
            raise HubError(422, "Cannot trigger a 'workflow_dispatch' on a disabled workflow")
        entry = gitstore.entry_at(store.git_dir(repo), sha, path)
        if entry is None:  # find_workflow found it at this commit
            raise not_found()
        text = gitstore.read_blob(store.git_dir(repo), entry.sha)
        if not has_dispatch_trigger(text.decode(errors="replace")):
            raise HubError(422, "Workflow does not have 'workflow_dispatch' trigger")
        if len(inputs) > 25:
            raise invalid("Dispatch", "inputs", "invalid", "at most 25 inputs")
        hub.emit(
            repo,
            "workflow_dispatch",
            {
                "inputs": {
                    k: v
                    if isinstance(v, str)
                    else str(v).lower()
                    if isinstance(v, bool)
                    else str(v)
                    for k, v in inputs.items()
                },
                "ref": f"refs/heads/{branch}",
                "workflow": path,
            },
            ctx.principal,
            sha=sha,
            ref=f"refs/heads/{branch}",
        )
        return Response(204)

    def workflow_json(repo: dict[str, Any], path: str) -> dict[str, Any]:
        wid = workflow_id(path)
        web = f"{hub.urls.web}/{repo['full_name']}"
        return {
            "id": wid,
            "node_id": shapes.node_id("W", wid),
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "state": "disabled_manually" if path in disabled_workflows(repo) else "active",
            "created_at": repo["created_at"],
            "updated_at": repo["updated_at"],
            "url": f"{hub.urls.api}/repos/{repo['full_name']}/actions/workflows/{wid}",
            "html_url": f"{web}/blob/{repo['default_branch']}/{path}",
            "badge_url": f"{web}/workflows/{wid}/badge.svg",
        }

    def default_head(repo: dict[str, Any]) -> str | None:
        return gitstore.rev_parse(store.git_dir(repo), f"refs/heads/{repo['default_branch']}")

    @r.route("GET", "/repos/{owner}/{repo}/actions/workflows")
    def list_workflows(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "actions", "read", "read")
        sha = default_head(repo)
        items = (
            [workflow_json(repo, path) for path in workflow_paths(hub, repo, sha)] if sha else []
        )
        return paginate(hub, ctx, items, wrap="workflows")

    @r.route("GET", "/repos/{owner}/{repo}/actions/workflows/{workflow_id}")
    def get_workflow(ctx: Ctx) -> Response:
        """One workflow of the default branch, by id or file name (404 for neither)."""
        repo = repo_for(hub, ctx, "actions", "read", "read")
        sha = default_head(repo)
        if sha is None:
            raise not_found()
        return Response(
            200, workflow_json(repo, find_workflow(repo, ctx.params["workflow_id"], sha))
        )

    def set_disabled(ctx: Ctx, disabled: bool) -> Response:
        repo = repo_for(hub, ctx, "actions", "write", "write")
        sha = default_head(repo)
        if sha is None:
            raise not_found()
        path = find_workflow(repo, ctx.params["workflow_id"], sha)
        with store.lock:
            paths = disabled_workflows(repo)
            paths = paths | {path} if disabled else paths - {path}
            repo["disabled_workflows"] = sorted(paths)
            store.mark_dirty()
        return Response(204)

    @r.route("PUT", "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/disable")
    def disable_workflow(ctx: Ctx) -> Response:
        return set_disabled(ctx, True)

    @r.route("PUT", "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/enable")
    def enable_workflow(ctx: Ctx) -> Response:
        return set_disabled(ctx, False)

    @r.route("GET", "/repos/{owner}/{repo}/actions/runs")
    def list_runs(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "actions", "read", "read")
        runs = [
            run
            for run in store.data["runs"].values()
            if run["repo_id"] == repo["id"]
            and (not ctx.q("status") or ctx.q("status") in (run["status"], run.get("conclusion")))
            and (not ctx.q("event") or run["event"] == ctx.q("event"))
        ]
        runs.sort(key=lambda run: run["id"], reverse=True)
        return paginate(hub, ctx, [run_json(hub, repo, run) for run in runs], wrap="workflow_runs")

    @r.route("POST", "/repos/{owner}/{repo}/actions/runs/{run_id}/rerun")
    def rerun(ctx: Ctx) -> Response:
        """Re-run a completed run with its original event and commit, as GitHub does (the
        recovery a failure notice points facilitators to; a re-run sees an old payload)."""
        repo = repo_for(hub, ctx, "actions", "write", "write")
        run = store.data["runs"].get(ctx.params["run_id"])
        if run is None or run["repo_id"] != repo["id"] or hub.runner is None:
            raise not_found()
        if run["status"] != "completed":
            raise HubError(403, "This workflow is already running")
        if hub.runner.rerun(int(run["id"])) is None:
            raise HubError(403, "This workflow run cannot be retried")
        return Response(201, {})

    def find_run(ctx: Ctx) -> tuple[dict[str, Any], dict[str, Any]]:
        repo = repo_for(hub, ctx, "actions", "read", "read")
        run = store.data["runs"].get(ctx.params["run_id"])
        if run is None or run["repo_id"] != repo["id"]:
            raise not_found()
        return repo, run

    @r.route("GET", "/repos/{owner}/{repo}/actions/runs/{run_id}/jobs")
    def list_jobs(ctx: Ctx) -> Response:
        repo, run = find_run(ctx)
        jobs = [job_json(hub, repo, run, job) for job in run.get("jobs") or []]
        return paginate(hub, ctx, jobs, wrap="jobs")

    @r.route("GET", "/repos/{owner}/{repo}/actions/runs/{run_id}/timing")
    def timing(ctx: Ctx) -> Response:
        """Billable time as GitHub documents it: every job on ``ubuntu-latest`` (UBUNTU), each
        rounded up to whole minutes (``duration_ms`` is the billed time), a skipped one 0."""
        _repo, run = find_run(ctx)
        job_runs = [
            {"job_id": job["id"], "duration_ms": billed_minutes(job) * 60_000}
            for job in run.get("jobs") or []
            if job_ran(job)
        ]
        billable = {
            "UBUNTU": {
                "total_ms": sum(j["duration_ms"] for j in job_runs),
                "jobs": len(job_runs),
                "job_runs": job_runs,
            }
        }
        body: dict[str, Any] = {"billable": billable}
        if run.get("run_duration_ms") is not None:
            body["run_duration_ms"] = run["run_duration_ms"]
        return Response(200, body)

    @r.route("GET", "/repos/{owner}/{repo}/actions/runs/{run_id}")
    def get_run(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "actions", "read", "read")
        run = store.data["runs"].get(ctx.params["run_id"])
        if run is None or run["repo_id"] != repo["id"]:
            raise not_found()
        return Response(200, run_json(hub, repo, run))
