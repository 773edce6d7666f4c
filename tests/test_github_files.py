"""Files: sha-checked single writes that survive a concurrent writer, and one-commit writes."""

from __future__ import annotations

import hashlib
import subprocess

import pytest

from glow.errors import GitHubError
from glow.github import Repo, git_blob_sha
from tests.conftest import ROOM
from tests.fakegithub import FakeGitHub


def test_git_blob_sha_matches_git() -> None:
    assert git_blob_sha(b"") == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"  # git's empty blob
    data = "héllo\n".encode()
    expected = hashlib.sha1(b"blob 7\0" + data).hexdigest()
    assert git_blob_sha(data) == expected
    try:
        out = subprocess.run(["git", "hash-object", "--stdin"], input=data, capture_output=True)
    except FileNotFoundError:
        return
    assert out.stdout.decode().strip() == expected


def test_read_file_decodes_text_and_sha(room: Repo) -> None:
    found = room.read_file("README.md")
    assert found is not None
    assert found.text == "# Room\n"
    assert found.sha == git_blob_sha(b"# Room\n")
    assert room.read_file("missing.md") is None


def test_read_file_on_a_directory_is_an_error(room: Repo, fake_github: FakeGitHub) -> None:
    fake_github.commit_files(ROOM, {"docs/a.md": "a"})
    with pytest.raises(GitHubError, match="directory"):
        room.read_file("docs")


def test_write_file_creates_updates_and_skips_unchanged(
    room: Repo, fake_github: FakeGitHub
) -> None:
    assert room.write_file("roster/c1.json", lambda old: "[]\n", "Start roster") == "created"
    assert room.write_file("roster/c1.json", lambda old: "[]\n", "Again") == "unchanged"
    assert room.write_file("roster/c1.json", lambda old: (old or "") + "x", "Add") == "updated"
    assert fake_github.files_at(ROOM)["roster/c1.json"] == "[]\nx"
    assert [c.method for c in fake_github.writes()] == ["PUT", "PUT"]


def test_write_file_deletes_when_update_returns_none(room: Repo, fake_github: FakeGitHub) -> None:
    assert room.write_file("README.md", lambda old: None, "Remove") == "deleted"
    assert "README.md" not in fake_github.files_at(ROOM)
    assert room.write_file("README.md", lambda old: None, "Remove") == "unchanged"


def test_write_file_reapplies_update_after_a_sha_conflict(
    room: Repo, fake_github: FakeGitHub
) -> None:
    fake_github.commit_files(ROOM, {"log.txt": "a\n"})
    # Another bot appends between our read and our write: GitHub answers 409.
    fake_github.before(
        "PUT", "/contents/log.txt", lambda fake: fake.commit_files(ROOM, {"log.txt": "a\nb\n"})
    )
    seen: list[str | None] = []

    def append_c(old: str | None) -> str:
        seen.append(old)
        return (old or "") + "c\n"

    assert room.write_file("log.txt", append_c, "Append c") == "updated"
    assert fake_github.files_at(ROOM)["log.txt"] == "a\nb\nc\n"  # their line kept
    assert seen == ["a\n", "a\nb\n"]
    assert [c.method for c in fake_github.calls("PUT")] == ["PUT", "PUT"]


def test_write_file_treats_422_about_sha_as_a_conflict(room: Repo, fake_github: FakeGitHub) -> None:
    fake_github.fail("PUT", "/contents/README.md", 422, message='"sha" wasn\'t supplied.')
    assert room.write_file("README.md", lambda old: "# New\n", "Edit") == "updated"
    assert fake_github.files_at(ROOM)["README.md"] == "# New\n"


def test_write_file_backs_off_with_jitter_and_gives_up_when_the_budget_is_spent(
    room: Repo, fake_github: FakeGitHub, sleeps: list[float]
) -> None:
    """Side-by-side jobs race for one file: the losers wait a random, growing time, so they
    spread out instead of colliding again, and stop after a bounded time with one clear line."""
    fake_github.fail("PUT", "/contents/", 409, message="does not match", times=10_000)
    with pytest.raises(GitHubError, match=r"kept changing .*\d+ attempts in 120 s.*re-run"):
        room.write_file("README.md", lambda old: "x", "Edit")
    puts = len(fake_github.calls("PUT"))
    assert puts == len(sleeps) + 1 and puts > 6
    assert sum(sleeps) <= 120
    assert len(set(sleeps)) == len(sleeps)  # jittered: no two waits alike
    assert max(sleeps) <= 8 and max(sleeps[:3]) <= 1  # short at first, capped later


def test_write_file_other_422_is_not_retried(room: Repo, fake_github: FakeGitHub) -> None:
    fake_github.fail("PUT", "/contents/", 422, message="Invalid request: path is too long")
    with pytest.raises(GitHubError) as caught:
        room.write_file("README.md", lambda old: "x", "Edit")
    assert caught.value.status == 422
    assert len(fake_github.calls("PUT")) == 1


def test_write_file_on_a_branch(room: Repo, fake_github: FakeGitHub) -> None:
    fake_github.repos[ROOM].refs["learn/ada"] = fake_github.head(ROOM)
    room.write_file("notes.md", lambda old: "hi\n", "Notes", branch="learn/ada")
    assert "notes.md" in fake_github.files_at(ROOM, "learn/ada")
    assert "notes.md" not in fake_github.files_at(ROOM)
    assert fake_github.calls("GET", "/contents/notes.md")[0].query == {"ref": "learn/ada"}


# commit_files ---------------------------------------------------------------------------------

FILES = {
    "roster/c1.json": "[]\n",
    "log/2026-01-01.md": "# Log\n",
    "README.md": "# Room\n",  # already there, unchanged
    "dashboard/ada.md": "status\n",
}


def test_commit_files_makes_exactly_one_commit(room: Repo, fake_github: FakeGitHub) -> None:
    before = fake_github.head(ROOM)
    sha = room.commit_files(FILES, "Seed admin repo", branch="main")
    assert sha == fake_github.head(ROOM)
    assert fake_github.commits[sha]["parents"] == [before]
    assert fake_github.files_at(ROOM) == FILES
    assert len(fake_github.calls("POST", "/git/commits")) == 1
    assert len(fake_github.calls("POST", "/git/blobs")) == 3  # README.md unchanged
    assert fake_github.calls("PATCH", "/git/refs/")[0].body["force"] is False


def test_commit_files_rerun_makes_zero_writes(room: Repo, fake_github: FakeGitHub) -> None:
    room.commit_files(FILES, "Seed", branch="main")
    head, writes = fake_github.head(ROOM), room.counts.writes
    assert room.commit_files(FILES, "Seed", branch="main") is None
    assert fake_github.head(ROOM) == head
    assert room.counts.writes == writes


def test_commit_files_none_deletes_a_path(room: Repo, fake_github: FakeGitHub) -> None:
    room.commit_files({"a.txt": "a", "b.txt": "b"}, "Add", branch="main")
    room.commit_files({"a.txt": None, "c.txt": None}, "Remove a", branch="main")
    assert set(fake_github.files_at(ROOM)) == {"README.md", "b.txt"}
    assert room.commit_files({"a.txt": None}, "Remove a", branch="main") is None


def test_commit_files_retries_when_the_branch_moved(room: Repo, fake_github: FakeGitHub) -> None:
    fake_github.before(
        "PATCH",
        "/git/refs/heads/main",
        lambda fake: fake.commit_files(ROOM, {"other.txt": "theirs"}),
    )
    sha = room.commit_files({"mine.txt": "mine"}, "Mine", branch="main")
    files = fake_github.files_at(ROOM)
    assert files["other.txt"] == "theirs" and files["mine.txt"] == "mine"
    assert sha == fake_github.head(ROOM)
    assert len(fake_github.calls("PATCH", "/git/refs/")) == 2
    assert len(fake_github.calls("POST", "/git/blobs")) == 1  # the blob is not uploaded twice


def test_commit_files_refused_by_a_branch_rule_says_so_at_once(
    room: Repo, fake_github: FakeGitHub
) -> None:
    """A ruleset's refusal is a 422 like a lost race; it is no race, so it is not retried."""
    refusal = 'Repository rule violations found\n\nRequired status check "ci" is expected.\n\n'
    fake_github.fail("PATCH", "/git/refs/heads/main", 422, message=refusal, times=5)
    with pytest.raises(GitHubError) as caught:
        room.commit_files({"mine.txt": "mine"}, "Mine", branch="main")
    assert str(caught.value).startswith(f"GitHub refused to move 'main' in {ROOM}: ")
    assert 'Required status check "ci" is expected.' in str(caught.value)
    assert len(fake_github.calls("PATCH", "/git/refs/")) == 1


def test_commit_files_on_a_missing_branch(room: Repo) -> None:
    with pytest.raises(GitHubError, match="Branch 'nope' not found"):
        room.commit_files({"a": "a"}, "x", branch="nope")


@pytest.mark.parametrize("bad", ["", "/", "a/../b", "a//b"])
def test_bad_paths_are_refused_before_any_request(room: Repo, bad: str) -> None:
    with pytest.raises(ValueError):
        room.commit_files({bad: "x"}, "x", branch="main")
    assert room.counts.requests == 0
