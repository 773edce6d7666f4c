"""Conditional requests kept between runs (GLOW_HTTP_CACHE), on the local GitHub: a second run
reads an unchanged issue list as a 304 (free against the primary rate limit) and gets the same
answer; a change is read afresh; a token that may not read gets GitHub's answer, never the
stored body; the file keeps only the last run's reads and a broken file is an empty cache."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from glow.errors import ConfigError, GitHubError
from glow.github import Repo, WritePacer, conditional, token_client
from glow.github.conditional import ConditionalCache
from glow.localhub.hub import LocalHub

pytestmark = pytest.mark.e2e


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[LocalHub]:
    started = LocalHub(tmp_path / "hub", runner=False).start()
    control = httpx.Client(base_url=started.url, timeout=30)
    control.post("/_localhub/users", json={"login": "alice"}).raise_for_status()
    control.post("/_localhub/users", json={"login": "mallory"}).raise_for_status()
    control.post("/_localhub/orgs", json={"login": "acme", "admins": ["alice"]}).raise_for_status()
    yield started
    started.stop()


def token(hub: LocalHub, login: str) -> str:
    resp = httpx.post(f"{hub.url}/_localhub/tokens", json={"login": login}, timeout=30)
    resp.raise_for_status()
    return str(resp.json()["token"])


def run(
    hub: LocalHub, path: Path, login: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[Repo, ConditionalCache]:
    """A fresh process's view: the cache file loaded anew, a new client, a new token."""
    monkeypatch.setattr(conditional, "_shared", {})
    monkeypatch.setattr(conditional.atexit, "register", lambda *a: None)
    monkeypatch.setenv(conditional.CACHE_VARIABLE, str(path))
    cache = conditional.shared_cache()
    assert cache is not None
    gh = token_client(token(hub, login), hub.api_url)
    return Repo(gh, "acme", "private", pacer=WritePacer(0)), cache


def statuses(hub: LocalHub, since: int) -> list[tuple[str, int]]:
    return [(r["path"], r["status"]) for r in list(hub.requests) if r["id"] > since]


def last_id(hub: LocalHub) -> int:
    return int(hub.requests[-1]["id"])


def first_run(
    hub: LocalHub, file: Path, monkeypatch: pytest.MonkeyPatch, *titles: str
) -> tuple[Repo, ConditionalCache]:
    """alice's private repository with these issues, listed once by a run that keeps its
    reads in ``file`` (not saved yet)."""
    repo, cache = run(hub, file, "alice", monkeypatch)
    repo.gh.request("POST", "orgs/acme/repos", json={"name": "private", "private": True})
    for title in titles:
        repo.gh.request("POST", "repos/acme/private/issues", json={"title": title})
    assert issue_titles(repo) == list(titles)
    return repo, cache


def issue_titles(repo: Repo) -> list[str]:
    return [i["title"] for i in repo.paginate(repo.url("issues"), {"state": "all"})]


def test_a_second_run_reads_unchanged_state_as_a_free_304(
    hub: LocalHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "cache" / "http.json"
    repo, cache = first_run(hub, file, monkeypatch, "First")
    first = ["First"]
    assert cache.save() is True

    repo, cache = run(hub, file, "alice", monkeypatch)
    mark = last_id(hub)
    assert issue_titles(repo) == first
    [(path, status)] = statuses(hub, mark)
    assert status == 304 and path.endswith("/repos/acme/private/issues")
    assert cache.not_modified == 1
    # A 304 costs nothing: the primary budget the answer reports did not move.
    assert cache.save() is False  # nothing changed: the file is not rewritten

    # A change is read afresh, and kept for the next run.
    repo.gh.request("POST", "repos/acme/private/issues", json={"title": "Second"})
    mark = last_id(hub)
    assert sorted(issue_titles(repo)) == ["First", "Second"]
    assert [s for _, s in statuses(hub, mark)] == [200]
    assert cache.save() is True
    repo, cache = run(hub, file, "alice", monkeypatch)
    assert sorted(issue_titles(repo)) == ["First", "Second"]
    assert cache.not_modified == 1


def test_a_304_does_not_count_against_the_primary_limit(
    hub: LocalHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "http.json"
    _, cache = first_run(hub, file, monkeypatch)
    cache.save()
    repo, cache = run(hub, file, "alice", monkeypatch)

    def remaining() -> int:
        answer = repo.request("GET", "rate_limit")
        return int(answer.json()["resources"]["core"]["remaining"])

    before = remaining()
    counted = cache.not_modified
    for _ in range(3):
        issue_titles(repo)
    assert cache.not_modified - counted == 3
    assert remaining() == before


def test_a_token_that_may_not_read_gets_githubs_answer_not_the_stored_body(
    hub: LocalHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "http.json"
    _, cache = first_run(hub, file, monkeypatch, "Secret")
    cache.save()
    stranger, _ = run(hub, file, "mallory", monkeypatch)
    with pytest.raises(GitHubError) as failed:
        issue_titles(stranger)
    assert failed.value.status == 404


def test_the_file_keeps_only_the_last_runs_reads_and_a_broken_file_is_empty(
    hub: LocalHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "http.json"
    repo, cache = first_run(hub, file, monkeypatch)
    repo.request("GET", repo.url("labels"))
    cache.save()
    assert len(json.loads(file.read_text())["entries"]) == 2
    repo, cache = run(hub, file, "alice", monkeypatch)
    issue_titles(repo)
    assert cache.save() is True  # the labels read was not asked again: dropped
    entries: dict[str, Any] = json.loads(file.read_text())["entries"]
    assert [k.rsplit("/", 1)[-1].split("?")[0] for k in entries] == ["issues"]

    file.write_text("{not json")
    repo, cache = run(hub, file, "alice", monkeypatch)
    assert issue_titles(repo) == []
    assert cache.not_modified == 0


def test_a_folder_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="GLOW_HTTP_CACHE must name a file"):
        conditional.shared_cache({conditional.CACHE_VARIABLE: str(tmp_path)})
