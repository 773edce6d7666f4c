"""A bad bundle gets findings that name the file and the field to fix."""

from __future__ import annotations

import shutil
from pathlib import Path

from glow.harness.bundle import load_bundle
from tests.harness_bundles import write, write_calc_bundle


def lines(root: Path) -> list[str]:
    loaded = load_bundle(root)
    assert loaded.bundle is None
    return [f.line() for f in loaded.findings]


def test_a_good_bundle_loads_with_its_deliverables_in_order(tmp_path: Path) -> None:
    loaded = load_bundle(write_calc_bundle(tmp_path / "calc"))
    assert loaded.findings == ()
    assert loaded.bundle is not None
    assert [d.id for d in loaded.bundle.deliverables] == ["add", "clamp"]
    assert sorted(loaded.bundle.variants) == ["buggy-off-by-one", "naive", "partial", "strong"]
    assert loaded.bundle.owner_of("clamp.sh") == "clamp"
    assert loaded.bundle.limits.wall_seconds == 20


def test_a_folder_without_a_manifest_says_so(tmp_path: Path) -> None:
    assert lines(tmp_path) == [f"{tmp_path}: has no coursegen.yml: a bundle starts with one"]


def test_manifest_fields_are_named_with_their_path(tmp_path: Path) -> None:
    root = write_calc_bundle(tmp_path / "calc")
    text = (root / "coursegen.yml").read_text()
    write(root / "coursegen.yml", text.replace("wall_seconds: 20", "wall_seconds: -1"))
    assert any(
        line.startswith("coursegen.yml: runtime.limits.wall_seconds: Input should be greater")
        for line in lines(root)
    )
    write(root / "coursegen.yml", text.replace("version: 1", "version: 2\ncolour: blue"))
    found = lines(root)
    assert any(line.startswith("coursegen.yml: version:") for line in found)
    assert "coursegen.yml: colour: Extra inputs are not permitted" in found


def test_a_deliverable_manifest_is_checked_against_the_workspace(tmp_path: Path) -> None:
    root = write_calc_bundle(tmp_path / "calc")
    write(
        root / "deliverables/add/deliverable.yml",
        "id: add\ntitle: Add\nasks: Add.\nowns: [missing.sh, ../escape.sh]\n",
    )
    found = lines(root)
    assert (
        "deliverables/add/deliverable.yml: owns.0: workspace/missing.sh is not in the starter"
        in found
    )
    assert (
        "deliverables/add/deliverable.yml: owns.1: ../escape.sh is not inside workspace/" in found
    )


def test_missing_suites_runtime_and_variants_are_each_named(tmp_path: Path) -> None:
    root = write_calc_bundle(tmp_path / "calc")
    shutil.rmtree(root / "deliverables/clamp/hidden")
    (root / "workspace/.coursegen/runtime/check.sh").unlink()
    shutil.rmtree(root / "variants/naive")
    write(root / "variants/strong/README.md", "not the learner's\n")
    write(root / "variants/clever/add.sh", "add() { :; }\n")
    found = lines(root)
    assert "deliverables/clamp/hidden/: missing or empty" in found
    assert "workspace/.coursegen/runtime/check.sh: missing" in found
    assert "variants/naive/: missing: the matrix needs it" in found
    assert (
        "variants/strong/README.md: is not a learner-owned file: a variant changes only what a "
        "learner may" in found
    )
    assert any(line.startswith("variants/clever/: is not a known variant") for line in found)


def test_an_unlisted_deliverable_folder_and_broken_yaml_are_found(tmp_path: Path) -> None:
    root = write_calc_bundle(tmp_path / "calc")
    write(root / "deliverables/extra/deliverable.yml", "id: extra\n")
    write(root / "deliverables/add/deliverable.yml", "id: [add\n")
    found = lines(root)
    assert "deliverables/extra/: is not listed in coursegen.yml deliverables" in found
    assert any(
        line.startswith("deliverables/add/deliverable.yml: cannot be read as YAML")
        for line in found
    )
