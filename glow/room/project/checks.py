"""Run each deliverable's visible checks on the room's checkout, in a sandbox: a scratch copy per
deliverable (``glow.harness.verify.run_one``), never the checkout itself."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from glow.harness.bundle import Bundle
from glow.harness.matrix import STARTER
from glow.harness.results import SuiteResult, suite_result
from glow.harness.sandbox import Outcome, Sandbox
from glow.harness.verify import Run, run_one
from glow.room.project.decide import Visible, visible_of


def process_sandbox() -> Sandbox:
    """The bubblewrap sandbox the room's runner has (the workflow installs it when missing)."""
    from glow.harness.process import ProcessSandbox

    return ProcessSandbox()


SandboxFactory = Callable[[], Sandbox]


def run_visible(bundle: Bundle, sandbox: Sandbox) -> dict[str, Visible]:
    """Each deliverable's visible checks on the checkout as it is (no variant laid over it)."""
    problem = sandbox.available()
    stopped = None
    if problem is not None:
        stopped = Outcome(status="error", stage="prepare", headline=problem)
    else:
        stopped = sandbox.prepare(bundle.workspace)
    verdicts = {}
    with tempfile.TemporaryDirectory(prefix="glow-project-") as scratch:
        for d in bundle.deliverables:
            if stopped is not None:
                result: SuiteResult = suite_result(d.id, "visible", STARTER, stopped)
            else:
                result = _run(bundle, sandbox, d.id, Path(scratch))
            verdicts[d.id] = visible_of(result)
    return verdicts


def _run(bundle: Bundle, sandbox: Sandbox, deliverable: str, scratch: Path) -> SuiteResult:
    try:
        return run_one(bundle, sandbox, Run(deliverable, "visible", STARTER), scratch)
    except OSError as error:  # the scratch copy itself failed: our side, never the learner's
        outcome = Outcome(status="error", stage="prepare", headline=f"scratch copy failed: {error}")
        return suite_result(deliverable, "visible", STARTER, outcome)
