"""Learner-path certification on the local GitHub: each shipped example passes the whole
harness (`glow author verify`: matrix, mutants, certification) on a fresh machine, and a hidden
test planted in the template fails certification, named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from glow.__main__ import main
from glow.authoring.certify import certify
from glow.harness.bundle import load_bundle
from tests.harness_bundles import needs_process_sandbox, write_calc_bundle

pytestmark = [
    pytest.mark.e2e,
    needs_process_sandbox,
]
ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p.parent.name for p in (ROOT / "examples" / "bundles").glob("*/coursegen.yml"))


def test_there_are_two_examples_in_different_stacks() -> None:
    assert EXAMPLES == ["node-notes", "python-ledger"]


@pytest.mark.parametrize("example", EXAMPLES)
def test_each_example_passes_the_whole_harness(
    example: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("GLOW_STATE_DIR", str(tmp_path))
    code = main(["author", "verify", str(ROOT / "examples" / "bundles" / example), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert (code, report["ok"], report["findings"]) == (0, True, [])
    for score in report["mutation"]:
        assert score["hidden_killed"] > score["visible_killed"], score
    certification = report["certification"]
    assert certification["ok"] is True, certification
    assert [step["ok"] for step in certification["steps"]] == [True] * 8
    assert certification["leaks"] == []


def test_a_hidden_test_planted_in_the_template_fails_certification(tmp_path: Path) -> None:
    bundle = load_bundle(write_calc_bundle(tmp_path / "calc")).bundle
    assert bundle is not None
    hidden = bundle.deliverable("clamp").suite("hidden") / "above.sh"
    planted = {"tests/above.sh": hidden.read_bytes()}
    said: list[str] = []
    result = certify(bundle, said.append, extra_template_files=planted)
    assert result.ok is False
    last = result.steps[-1]
    assert (last.name, last.ok) == ("the template holds no secret", False)
    assert "deliverables/clamp/hidden/above.sh" in last.detail
    assert result.leaks == ["deliverables/clamp/hidden/above.sh"]
    assert said[-1].startswith("Certification failed: the template holds no secret")
