"""The bridge between the local GitHub and its Actions runner (``RunnerHost``).

Events reach the runner here, with GitHub's rules already applied by ``LocalHub.emit``; the
runner reads workflow files at the event's commit, mints per-job tokens and reports runs back.
"""

from __future__ import annotations

import sys
from dataclasses import asdict, is_dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from glow.localhub import gitstore
from glow.localhub.api import actionsdata
from glow.localhub.api.actions import disabled_workflows, workflow_paths
from glow.localhub.api.caches import cache_store
from glow.localhub.auth import new_token, normalize_permissions

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub


class HubRunnerHost:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.api_url = hub.urls.api
        self.server_url = hub.urls.web

    def _repo(self, repo: str) -> dict[str, Any]:
        owner, _, name = repo.partition("/")
        found = self.hub.store.repo(owner, name)
        if found is None:
            raise LookupError(f"no repository {repo}")
        return found

    def workflow_files(self, repo: str, sha: str) -> list[tuple[str, str]]:
        record = self._repo(repo)
        git_dir = self.hub.store.git_dir(record)
        files = []
        disabled = disabled_workflows(record)
        for path in workflow_paths(self.hub, record, sha):
            if path in disabled:  # a disabled workflow runs on no event and no schedule
                continue
            entry = gitstore.entry_at(git_dir, sha, path)
            if entry is not None:
                files.append(
                    (path, gitstore.read_blob(git_dir, entry.sha).decode(errors="replace"))
                )
        return files

    def default_branch(self, repo: str) -> str:
        return str(self._repo(repo)["default_branch"])

    def repo_id(self, repo: str) -> int:
        return int(self._repo(repo)["id"])

    def branch_sha(self, repo: str, branch: str) -> str | None:
        return gitstore.rev_parse(self.hub.store.git_dir(self._repo(repo)), f"refs/heads/{branch}")

    def mint_job_token(self, repo: str, permissions: dict[str, str]) -> str:
        record = self._repo(repo)
        return new_token(
            self.hub.store,
            "ghs_",
            {
                "kind": "job",
                "login": "github-actions[bot]",
                "repo_id": record["id"],
                "permissions": normalize_permissions(permissions),
                "expires_at": self.hub.store.epoch() + 24 * 3600,
            },
        )

    def revoke_token(self, token: str) -> None:
        with self.hub.store.lock:
            self.hub.store.data["tokens"].pop(token, None)
            self.hub.store.mark_dirty()

    def secrets(self, repo: str) -> dict[str, str]:
        """Secrets (``secrets``): the owner's that reach the repository, overridden by its own."""
        return actionsdata.visible(self.hub.store, "secrets", self._repo(repo))

    def variables(self, repo: str) -> dict[str, str]:
        """Configuration variables (``vars``): the owner's that reach the repository (by their
        visibility), overridden by the repository's."""
        return actionsdata.visible(self.hub.store, "variables", self._repo(repo))

    def clone_url(self, repo: str) -> str:
        return f"{self.hub.urls.web}/{repo}.git"

    def next_run_id(self, repo: str, workflow_path: str) -> tuple[int, int]:
        """Run ids from the hub's own sequence, so they survive a restart of the hub."""
        store = self.hub.store
        with store.lock:
            numbers = store.data.setdefault("run_numbers", {})
            key = f"{repo.lower()}:{workflow_path}"
            numbers[key] = int(numbers.get(key, 0)) + 1
            return store.next_id(), numbers[key]

    def changed_files(self, repo: str, base_sha: str, head_sha: str) -> list[str] | None:
        git_dir = self.hub.store.git_dir(self._repo(repo))
        base = gitstore.merge_base(git_dir, base_sha, head_sha) or base_sha
        try:
            return [change.filename for change in gitstore.diff_files(git_dir, base, head_sha)]
        except gitstore.GitFailure:
            return None

    def now(self) -> datetime:
        return self.hub.store.now()

    def record_run(self, run: Any) -> None:
        data = asdict(run) if is_dataclass(run) and not isinstance(run, type) else dict(run)
        record = self._repo(data["repo"]) if data.get("repo") else None
        data["repo_id"] = record["id"] if record else None
        # Billing needs durations finer than the second-precision timestamps GitHub shows.
        for job in data.get("jobs") or []:
            start, end = job.get("started_at"), job.get("completed_at")
            if isinstance(start, datetime) and isinstance(end, datetime):
                job["duration_ms"] = max(int((end - start).total_seconds() * 1000), 0)
        start = data.get("run_started_at")
        ends = [j.get("completed_at") for j in data.get("jobs") or []]
        ends = [e for e in ends if isinstance(e, datetime)]
        if isinstance(start, datetime) and ends and data.get("status") == "completed":
            data["run_duration_ms"] = max(int((max(ends) - start).total_seconds() * 1000), 0)
        for key, value in list(data.items()):
            if isinstance(value, datetime):
                data[key] = value.strftime("%Y-%m-%dT%H:%M:%SZ")
        with self.hub.store.lock:
            runs = self.hub.store.data["runs"]
            stored = runs.get(str(data["id"]))
            if stored is not None and int(stored.get("revision", 0)) > int(data["revision"]):
                return  # a newer snapshot, from another job's thread, is already there
            runs[str(data["id"])] = _jsonable(data)
            self.hub.store.mark_dirty()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def start_runner(hub: Hub, *, workers: int) -> Any:
    import os

    from glow.localhub.runner import Runner

    work_root = hub.data_dir / "runner"
    work_root.mkdir(parents=True, exist_ok=True)
    base_env = {"PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")}
    for name in ("GLOW_DEBUG", "PYTHONPATH"):
        if name in os.environ:
            base_env[name] = os.environ[name]
    return Runner(
        HubRunnerHost(hub),
        work_root=work_root,
        base_env=base_env,
        workers=workers,
        caches=cache_store(hub),
    )


def dispatch(
    hub: Hub,
    repo: dict[str, Any],
    event: str,
    payload: dict[str, Any],
    *,
    sha: str | None,
    ref: str | None,
    approval_required: bool,
) -> None:
    """Queue the runs an event triggers: workflows are read from the default branch, except for
    push, pull_request and workflow_dispatch, which use the commit the event names."""
    git_dir = hub.store.git_dir(repo)
    default = repo["default_branch"]
    default_sha = gitstore.rev_parse(git_dir, f"refs/heads/{default}")
    workflow_sha: str | None = default_sha
    if event in ("push", "pull_request", "workflow_dispatch", "create") and sha:
        workflow_sha = sha
    if workflow_sha is None or hub.runner is None:
        return
    hub.runner.dispatch_event(
        repo["full_name"],
        event,
        payload,
        sha=workflow_sha,
        ref=ref or f"refs/heads/{default}",
        approval_required=approval_required,
    )


def tick_schedules(hub: Hub, before: datetime, after: datetime) -> None:
    runner = hub.runner
    if runner is None:
        return
    for repo in list(hub.store.data["repos"].values()):
        sha = gitstore.rev_parse(hub.store.git_dir(repo), f"refs/heads/{repo['default_branch']}")
        if not sha:
            continue

        def payload_for(cron: str, path: str, repo: dict[str, Any] = repo) -> dict[str, Any]:
            # Not a webhook, but recorded with the deliveries so a rehearsal can see it fire.
            from glow.localhub.auth import ANONYMOUS
            from glow.localhub.events import finish_payload

            payload = finish_payload(hub, repo, {"schedule": cron, "workflow": path}, ANONYMOUS)
            hub.record_delivery(repo, "schedule", payload, triggers=True)
            return payload

        runner.tick_schedule(repo["full_name"], sha, before, after, payload_for=payload_for)
