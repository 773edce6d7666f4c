"""The authoring graph with the real harness (the process sandbox): the recorded python-ledger
author's first hidden suite is too weak, the baseline matrix catches it, the repair fixes it and
the run reaches gate 1; killed after the repair, it resumes to the same verdict; a human-written
bundle goes through the same graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from glow.authoring.loop.authors import BundleAuthor, RecordedAuthor, load_recording
from glow.authoring.loop.context import NodeContext
from glow.authoring.loop.graph import run_graph
from glow.authoring.loop.ledger import LEDGER, ledger_recording
from glow.authoring.loop.state import Brief, RunState
from glow.harness.process import ProcessSandbox
from tests.harness_bundles import needs_process_sandbox

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "bundles" / "python-ledger"
BRIEF = Brief(title="A household ledger", problem="Learners build a ledger.", outcomes=["cents"])


class Stop(Exception):
    def __init__(self, state: RunState) -> None:
        self.state = state


def _planned(author: RecordedAuthor) -> RunState:
    return RunState(brief_issue=1, plan=author.plan(BRIEF), status="running", model_calls=1)


def _run(author: object, state: RunState, scratch: Path, stop_after: int | None = None) -> RunState:
    def record(new: RunState) -> None:
        if stop_after is not None and len(new.executions) == stop_after:
            raise Stop(new)

    ctx = NodeContext(author=author, sandbox=ProcessSandbox(), scratch=scratch, record=record)  # type: ignore[arg-type]
    return run_graph(state, ctx)


def test_the_committed_recording_is_made_from_the_example_bundle() -> None:
    assert load_recording(LEDGER) == ledger_recording(EXAMPLE)


@needs_process_sandbox
def test_the_recorded_author_is_repaired_once_and_reaches_gate_1_and_resumes_the_same(
    tmp_path: Path,
) -> None:
    author = RecordedAuthor.from_file(LEDGER)
    whole = _run(author, _planned(author), tmp_path)
    assert [(e.node, e.passed) for e in whole.executions] == [
        ("authoring_runtime", True),
        ("authoring_tests", False),
        ("authoring_repair", True),
        ("authoring_tests", True),
        ("reviewer_runtime", True),
        ("reviewer_code", True),
        ("reviewer_pedagogy", True),
        ("reviewer_tests", True),
    ]
    assert "the hidden suite passes the naive variant" in " ".join(whole.executions[1].findings)
    assert (whole.status, whole.gate, whole.model_calls) == ("awaiting_gate", 1, 6)

    # Killed after the repair was recorded: a new process resumes from the record.
    first = RecordedAuthor.from_file(LEDGER)
    with pytest.raises(Stop) as stopped:
        _run(first, _planned(first), tmp_path, stop_after=3)
    recorded = stopped.value.state
    again = RecordedAuthor.from_file(LEDGER)
    again.skip(recorded.model_calls)
    resumed = _run(again, recorded, tmp_path)
    assert [(e.node, e.passed) for e in resumed.executions] == [
        (e.node, e.passed) for e in whole.executions
    ]
    assert (resumed.status, resumed.files, resumed.model_calls) == (
        whole.status,
        whole.files,
        whole.model_calls,
    )


@needs_process_sandbox
def test_a_human_written_bundle_goes_through_the_same_graph(tmp_path: Path) -> None:
    author = BundleAuthor(EXAMPLE)
    state = RunState(brief_issue=2, plan=author.plan(BRIEF), status="running")
    final = _run(author, state, tmp_path)
    assert final.status == "awaiting_gate", final.blocked_reason
    assert final.model_calls == 0
    assert final.plan.deliverables[0].id == "record"
    assert final.files["deliverables/record/hidden/test_record.py"] == (
        EXAMPLE / "deliverables/record/hidden/test_record.py"
    ).read_text(encoding="utf-8")
