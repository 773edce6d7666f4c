"""`glow author verify` on real runs in the process sandbox: a fair bundle passes, and each way a
bundle can be unfair (a weak hidden suite, a starter that already passes, a naive answer the
hidden suite lets through, a check.sh that hangs) is blocked with a finding that names the
deliverable. `glow author replay` reruns what failed and changes nothing it keeps."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from glow.__main__ import main
from tests.harness_bundles import (
    STRONG,
    SUITES,
    VARIANTS,
    needs_process_sandbox,
    write,
    write_calc_bundle,
)

pytestmark = needs_process_sandbox


@pytest.fixture(autouse=True)
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv("GLOW_STATE_DIR", str(folder))
    return folder


def verify(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = main(["author", "verify", *args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def findings(report: dict[str, object]) -> list[str]:
    return [str(f["message"]) for f in report["findings"]]  # type: ignore[attr-defined]


def test_a_fair_bundle_passes_with_its_matrix_and_mutation_scores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_calc_bundle(tmp_path / "calc")
    code, report = verify(capsys, str(root), "--mutants", "6")
    assert (code, report["ok"], findings(report)) == (0, True, [])
    cells = {(c["deliverable"], c["suite"], c["variant"]): c for c in report["cells"]}  # type: ignore[attr-defined]
    assert cells[("add", "hidden", "starter")]["checks_passed"] == 0
    assert cells[("add", "hidden", "naive")]["passed"] is False
    assert cells[("clamp", "hidden", "strong")]["checks_passed"] == 7
    for score in report["mutation"]:  # type: ignore[attr-defined]
        assert score["mutants"] == 6
        assert score["hidden_killed"] > score["visible_killed"]
    assert main(["author", "replay", str(root)]) == 0
    assert "Nothing to replay" in capsys.readouterr().out


def test_a_weakened_hidden_suite_is_blocked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    weak = {d: {"visible": s["visible"], "hidden": s["visible"]} for d, s in SUITES.items()}
    root = write_calc_bundle(tmp_path / "calc", suites=weak)
    code, report = verify(capsys, str(root), "--mutants", "6", "--deliverable", "add")
    assert code == 1 and report["ok"] is False
    found = findings(report)
    assert (
        "deliverables/add/: hidden: the hidden suite passes the naive variant: it is no "
        "stronger than the visible suite" in found
    )
    assert any(
        "the hidden suite kills" in f and "no more than the visible suite's" in f for f in found
    )
    assert all(f["deliverable"] == "add" for f in report["findings"])  # type: ignore[attr-defined]


def test_a_starter_that_already_passes_is_blocked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_calc_bundle(tmp_path / "calc", starter=STRONG)
    code, report = verify(capsys, str(root), "--mutants", "0")
    assert code == 1
    found = findings(report)
    for deliverable in ("add", "clamp"):
        for suite in ("visible", "hidden"):
            assert (
                f"deliverables/{deliverable}/: {suite}: the untouched starter already passes the "
                f"{suite} suite: it must fail until the learner does the work" in found
            )


def test_a_naive_variant_that_passes_hidden_is_blocked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_calc_bundle(tmp_path / "calc", variants=VARIANTS | {"naive": STRONG})
    code, report = verify(capsys, str(root), "--mutants", "0")
    assert code == 1
    assert [f for f in findings(report) if "naive" in f] == [
        "deliverables/add/: hidden: the hidden suite passes the naive variant: it is no "
        "stronger than the visible suite",
        "deliverables/clamp/: hidden: the hidden suite passes the naive variant: it is no "
        "stronger than the visible suite",
    ]


def test_a_check_sh_that_hangs_is_stopped_and_blocked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_calc_bundle(tmp_path / "calc", check_sh="#!/bin/sh\nsleep 600\n", wall_seconds=2)
    code, report = verify(capsys, str(root), "--mutants", "0", "--deliverable", "clamp")
    assert code == 1
    hung = [f for f in findings(report) if "timeout" in f]
    assert hung, findings(report)
    assert hung[0].startswith("deliverables/clamp/: visible: visible suite, starter: timeout:")
    assert "2 s" in hung[0]


def test_replay_reruns_only_the_failed_deliverables_and_keeps_the_last_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], state: Path
) -> None:
    broken = VARIANTS | {"strong": {**STRONG, "clamp.sh": VARIANTS["naive"]["clamp.sh"]}}
    root = write_calc_bundle(tmp_path / "calc", variants=broken)
    code, report = verify(capsys, str(root), "--mutants", "6")
    assert code == 1
    assert {f["deliverable"] for f in report["findings"]} == {"clamp"}  # type: ignore[attr-defined]
    [kept] = list(state.rglob("*.json"))
    before = kept.read_text()

    shutil.rmtree(root / "variants" / "strong")
    for relative, text in STRONG.items():
        write(root / "variants" / "strong" / relative, text)
    code = main(["author", "replay", str(root), "--mutants", "6"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith("Replay passed: Shell arithmetic is ready for certification.")
    assert "Deliverables: clamp." in out
    assert kept.read_text() == before


def test_a_bad_bundle_is_reported_by_file_and_field_without_running(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_calc_bundle(tmp_path / "calc")
    shutil.rmtree(root / "variants" / "naive")
    write(root / "deliverables/add/deliverable.yml", "id: add\ntitle: Add\nasks: x\nowns: []\n")
    assert main(["author", "verify", str(root)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"The bundle at {root} cannot be verified: 5 finding(s) to fix."
    assert "- deliverables/add/deliverable.yml: owns: List should have at least 1 item" in out
    assert "- variants/naive/: missing: the matrix needs it" in out
    assert "- variants/strong/add.sh: is not a learner-owned file" in out


def test_a_new_bundle_fails_loudly_until_authored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "shop"
    args = ["author", "new", str(root), "--id", "shop", "--title", "A shop"]
    assert main([*args, "--deliverable", "cart"]) == 0
    capsys.readouterr()
    assert main(["author", "verify", str(root)]) == 1
    out = capsys.readouterr().out
    assert "- workspace/.coursegen/runtime/install.sh: not authored yet (still the default)" in out
    assert "- workspace/.coursegen/runtime/check.sh: not authored yet (still the default)" in out
    assert "- variants/strong/: is empty" in out
    assert main([*args, "--deliverable", "cart"]) == 2
    assert "already exists" in capsys.readouterr().err
    bad = ["author", "new", str(tmp_path / "x"), "--id", "Bad Id", "--title", "x"]
    assert main([*bad, "--deliverable", "a"]) == 2
    assert "--id: 'Bad Id' must be lower-case letters" in capsys.readouterr().err
