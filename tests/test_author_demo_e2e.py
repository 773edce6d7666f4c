"""`glow author demo`, the issue's acceptance end to end: a brief becomes a plan, the graph
repairs one failing node, the gates pass, the pull request is certified (its required status)
and merged, and a learner's room made afterwards holds the new assignment; no network, no key."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.harness_bundles import needs_process_sandbox

pytestmark = [pytest.mark.e2e, needs_process_sandbox]
ROOT = Path(__file__).resolve().parents[1]


def test_glow_author_demo_publishes_a_certified_assignment_a_new_room_holds() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "glow", "author", "demo", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
        # No key and no model server: the recorded author answers.
        env={k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "GLOW_MODEL"))},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert (result["ok"], result["certified"], result["merged"]) == (True, True, True)
    assert result["room_has_project"] is True
    nodes = [(n["node"], n["passed"]) for n in result["nodes"]]
    assert nodes == [
        ("authoring_runtime", True),
        ("authoring_tests", False),
        ("authoring_repair", True),
        ("authoring_tests", True),
        ("reviewer_runtime", True),
        ("reviewer_code", True),
        ("reviewer_pedagogy", True),
        ("reviewer_tests", True),
    ]
    assert "naive variant" in result["nodes"][1]["findings"][0]
    assert result["model_calls"] == 6
    # What a person reads while it runs: each step, then certification's.
    assert "approved the three gates" in done.stderr
    assert "Certification: grading left no hidden test in the room" in done.stderr
