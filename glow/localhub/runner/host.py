"""What the runner needs from the local GitHub, as a protocol.

The runner never imports the server: the server implements ``RunnerHost`` and tests use a fake,
so the runner can be exercised (and reasoned about) without HTTP. Methods are called from worker
threads, so implementations must be thread-safe.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from glow.localhub.runner.model import WorkflowRun


class RunnerHost(Protocol):
    api_url: str  # e.g. "http://127.0.0.1:8765/api/v3"
    server_url: str  # e.g. "http://127.0.0.1:8765"

    def workflow_files(self, repo: str, sha: str) -> list[tuple[str, str]]:
        """``[(".github/workflows/x.yml", text)]`` at that commit."""
        ...

    def default_branch(self, repo: str) -> str: ...

    def branch_sha(self, repo: str, branch: str) -> str | None: ...

    def mint_job_token(self, repo: str, permissions: dict[str, str]) -> str:
        """A GITHUB_TOKEN for one job; ``permissions`` names every scope (read/write/none)."""
        ...

    def revoke_token(self, token: str) -> None: ...

    def secrets(self, repo: str) -> dict[str, str]: ...

    def clone_url(self, repo: str) -> str:
        """Plain URL of the repository; the runner adds the token as basic-auth header."""
        ...

    def now(self) -> datetime:
        """The hub's controllable clock (UTC)."""
        ...

    def record_run(self, run: WorkflowRun) -> None:
        """Called with a snapshot on every run or job status change."""
        ...


@runtime_checkable
class RunIdHost(Protocol):
    """Optional: a host that allocates run ids and numbers (so they survive restarts)."""

    def next_run_id(self, repo: str, workflow_path: str) -> tuple[int, int]:
        """``(run id, run number)`` for a new run of that workflow."""
        ...


@runtime_checkable
class RepoIdHost(Protocol):
    """Optional: a host whose repositories have ids (a cache belongs to one repository, not to
    whichever has its name later)."""

    def repo_id(self, repo: str) -> int: ...


@runtime_checkable
class ChangedFilesHost(Protocol):
    """Optional: a host that can list the files a pull request changes (for ``paths:``)."""

    def changed_files(self, repo: str, base_sha: str, head_sha: str) -> list[str] | None: ...
