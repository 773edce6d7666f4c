"""The local GitHub's Actions runner: executes a repository's real workflow files on events.

It talks to the hub only through ``RunnerHost`` (``host.py``), so it is tested with a fake host
and the server stays free of execution details. See ``runner.py`` for the entry points.
"""

from glow.localhub.runner.errors import ExpressionError, WorkflowError
from glow.localhub.runner.host import ChangedFilesHost, RunIdHost, RunnerHost
from glow.localhub.runner.model import JobRun, StepResult, WorkflowRun
from glow.localhub.runner.runner import Runner

__all__ = [
    "ChangedFilesHost",
    "ExpressionError",
    "JobRun",
    "RunIdHost",
    "Runner",
    "RunnerHost",
    "StepResult",
    "WorkflowError",
    "WorkflowRun",
]
