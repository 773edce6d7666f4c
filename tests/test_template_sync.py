"""`glow template sync` on the local GitHub: the template repository gets the project's
learning-room-template/ folder in one commit, after validation, and a re-run writes nothing."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from glow.authoring.loop.publish import ensure_required_status
from glow.errors import GitHubError
from glow.github import token_client
from glow.github.repo import Repo
from glow.rehearsal.world import FACILITATOR
from tests.cohort_world import ROOT, WORKFLOWS, Glow, World, build_world, glow_runner

pytestmark = pytest.mark.e2e
NEW_WORKFLOW = ".github/workflows/welcome.yml"


@pytest.fixture
def glow(capsys: pytest.CaptureFixture[str]) -> Glow:
    return glow_runner(capsys)


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    w = build_world(tmp_path, monkeypatch, ())
    yield w
    w.http.close()
    w.hub.stop()


@pytest.fixture
def source(tmp_path: Path) -> Path:
    folder = tmp_path / "learning-room-template"
    shutil.copytree(ROOT / "learning-room-template", folder)
    (folder / NEW_WORKFLOW).parent.mkdir(parents=True, exist_ok=True)
    (folder / NEW_WORKFLOW).write_text(
        "name: Welcome\non: issues\npermissions: {}\n"
        "jobs:\n  hello:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hello\n"
    )
    return folder


def template_files(world: World) -> dict[str, str]:
    tree = world.api("GET", "/repos/org/template/git/trees/main", params={"recursive": "1"})
    return {e["path"]: e["sha"] for e in tree["tree"] if e["type"] == "blob"}


def test_sync_writes_the_folder_in_one_commit_keeps_extras_and_a_rerun_writes_nothing(
    world: World, glow: Glow, source: Path
) -> None:
    mark = world.mark()
    code, out, err = glow("template", "sync", "--source", str(source), "--dry-run")
    assert code == 0, err
    assert f"would add {NEW_WORKFLOW}" in out
    assert "would add challenges/challenge-01.md" in out
    assert world.writes_since(mark) == []

    code, out, err = glow("template", "sync", "--source", str(source))
    assert code == 0, err
    commits = [w for w in world.writes_since(mark) if w.endswith("/git/refs/heads/main")]
    assert len(commits) == 1, world.writes_since(mark)
    assert "Template org/template (main) synced: " in out
    files = template_files(world)
    for path in (NEW_WORKFLOW, "challenges/challenge-01.md", ".github/ISSUE_TEMPLATE/help.yml"):
        assert path in files
    for path in WORKFLOWS:  # the template's own files are kept, and said to be
        assert path in files
        assert f"kept {path}: in the template, not in {source}" in out

    again = world.mark()
    code, out, _ = glow("template", "sync", "--source", str(source))
    assert code == 0
    assert "is in step with" in out
    assert world.writes_since(again) == []

    code, out, _ = glow("template", "sync", "--source", str(source), "--delete")
    assert code == 0
    assert set(WORKFLOWS).isdisjoint(template_files(world))


def test_a_workflow_that_cannot_run_stops_the_sync_before_anything_is_written(
    world: World, glow: Glow, source: Path
) -> None:
    (source / NEW_WORKFLOW).write_text("name: Welcome\non: issues\n")  # no jobs
    mark = world.mark()
    code, out, _ = glow("template", "sync", "--source", str(source))
    assert code == 1
    assert out.startswith("Template sync stopped, nothing was written:")
    assert NEW_WORKFLOW in out
    assert world.writes_since(mark) == []
    assert NEW_WORKFLOW not in template_files(world)


def test_a_missing_source_folder_is_one_clear_line(
    world: World, glow: Glow, tmp_path: Path
) -> None:
    code, _, err = glow("template", "sync", "--source", str(tmp_path / "nowhere"))
    assert code == 2
    assert err.strip() == f"glow template: --source {tmp_path / 'nowhere'} is not a folder"


def test_a_broken_challenge_file_stops_the_sync_with_the_line_naming_it(
    world: World, glow: Glow, source: Path
) -> None:
    broken = source / "challenges" / "challenge-09.md"
    broken.write_text(broken.read_text().replace("unlocks: [10]", "unlocks: [99]"))
    mark = world.mark()
    code, out, _ = glow("template", "sync", "--source", str(source))
    assert code == 1
    assert out.startswith("Template sync stopped, nothing was written:")
    assert "  - challenges/challenge-09.md: unlocks [99], which no challenge file defines" in out
    assert world.writes_since(mark) == []


def test_a_freshly_created_empty_template_repository_is_filled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, glow: Glow, source: Path
) -> None:
    """A facilitator made the template repository on GitHub's page, nothing in it yet: the
    dry run and the sync both work, and the sync leaves every file there."""
    w = build_world(tmp_path, monkeypatch, (), template=False)
    try:
        w.api("POST", "/orgs/org/repos", json={"name": "template", "private": True})
        code, out, err = glow("template", "sync", "--source", str(source), "--dry-run")
        assert code == 0, err
        assert f"would add {NEW_WORKFLOW}" in out
        code, out, err = glow("template", "sync", "--source", str(source))
        assert code == 0, err + out
        assert "Template org/template (main) synced: " in out
        files = template_files(w)
        assert {
            NEW_WORKFLOW,
            "challenges/challenge-01.md",
            ".github/ISSUE_TEMPLATE/help.yml",
        } <= set(files)
    finally:
        w.http.close()
        w.hub.stop()


def test_the_sync_still_writes_when_the_template_requires_certification(
    world: World, glow: Glow, source: Path
) -> None:
    """`glow author` makes the template's default branch require `glow/certification` with a
    ruleset that lets the provisioning App through: the sync, run as the App, commits straight
    to the branch, while a person's direct write is refused."""
    staff = Repo(token_client(world.tokens[FACILITATOR], world.hub.api_url), "org", "template")
    assert ensure_required_status(staff, int(world.app["id"])) == "created"
    with pytest.raises(GitHubError, match="Repository rule violations found"):
        staff.commit_files({"NOTES.md": "direct\n"}, "Direct", branch="main")

    code, out, err = glow("template", "sync", "--source", str(source))
    assert code == 0, err + out
    assert "Template org/template (main) synced: " in out
    assert NEW_WORKFLOW in template_files(world)
