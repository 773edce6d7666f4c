"""What a Learning Room receives of a bundle, and what it must never hold."""

from __future__ import annotations

from pathlib import Path

from glow.harness.bundle import load_bundle
from glow.harness.package import PROJECT_FILE, leaks, learner_files, published_bundle, secrets
from tests.harness_bundles import write_calc_bundle


def test_the_learner_package_holds_the_workspace_visible_tests_and_manifests(
    tmp_path: Path,
) -> None:
    bundle = load_bundle(write_calc_bundle(tmp_path / "calc")).bundle
    assert bundle is not None
    files = learner_files(bundle)
    assert files["add.sh"] == (bundle.workspace / "add.sh").read_bytes()
    assert ".coursegen/tests/add/one_and_two.sh" in files
    assert ".coursegen/deliverables/clamp.yml" in files
    assert PROJECT_FILE in files
    assert ".github/workflows/project.yml" in files
    assert not any("hidden" in path or "variants" in path for path in files)
    assert leaks(secrets(bundle), files) == []


def test_secrets_are_hidden_tests_and_reference_answers_found_even_pasted_inside(
    tmp_path: Path,
) -> None:
    bundle = load_bundle(write_calc_bundle(tmp_path / "calc")).bundle
    assert bundle is not None
    sources = {s.source for s in secrets(bundle)}
    assert "deliverables/clamp/hidden/above.sh" in sources
    # A hidden test identical to a visible one is no secret: the learner sees it anyway.
    assert "deliverables/clamp/hidden/inside.sh" not in sources
    assert "variants/strong/add.sh" in sources
    above = (bundle.deliverable("clamp").suite("hidden") / "above.sh").read_bytes()
    pasted = {"notes.md": b"# my notes\n" + above + b"\nthe end\n"}
    assert leaks(secrets(bundle), pasted) == ["deliverables/clamp/hidden/above.sh"]
    # One distinctive line is enough; a line the learner sees anyway is not.
    [line] = [x for x in above.splitlines() if b"clamp 12" in x]
    assert leaks(secrets(bundle), {"log": b"ran: " + line}) == [
        "deliverables/clamp/hidden/above.sh"
    ]
    assert leaks(secrets(bundle), {"log": b"ran: " + line}, frozenset({line.strip()})) == []


def test_a_room_reads_its_project_back_with_visible_suites_only(tmp_path: Path) -> None:
    bundle = load_bundle(write_calc_bundle(tmp_path / "calc")).bundle
    assert bundle is not None
    room = tmp_path / "room"
    for path, content in learner_files(bundle).items():
        (room / path).parent.mkdir(parents=True, exist_ok=True)
        (room / path).write_bytes(content)
    loaded = published_bundle(room)
    assert loaded.bundle is not None
    assert [d.id for d in loaded.bundle.deliverables] == ["add", "clamp"]
    assert set(loaded.bundle.deliverable("add").suites) == {"visible"}
    assert published_bundle(tmp_path).bundle is None
