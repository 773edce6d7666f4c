"""Read-modify-write of admin files as one commit, against the local GitHub."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import httpx

from glow.github import Repo, WritePacer, token_client
from glow.localhub.hub import LocalHub


def test_update_files_commits_once_rereads_on_conflict_and_skips_no_ops(tmp_path: Path) -> None:
    with LocalHub(tmp_path, runner=False) as hub:
        ctl = httpx.Client(base_url=hub.url)
        ctl.post("/_localhub/users", json={"login": "fac"})
        token = ctl.post("/_localhub/tokens", json={"login": "fac"}).json()["token"]
        httpx.post(
            f"{hub.api_url}/user/repos",
            headers={"Authorization": f"token {token}"},
            json={"name": "admin", "private": True, "auto_init": True},
        ).raise_for_status()
        repo = Repo(token_client(token, hub.api_url), "fac", "admin", pacer=WritePacer(0))
        other = Repo(token_client(token, hub.api_url), "fac", "admin", pacer=WritePacer(0))
        calls = []

        def add(name: str):
            def update(current: Mapping[str, str | None]) -> dict[str, str | None]:
                calls.append(name)
                if name == "first" and len(calls) == 1:
                    # Someone else commits between our read and our ref update.
                    other.update_files(("roster.json",), add("second"), "second", branch="main")
                names = json.loads(current["roster.json"] or "[]")
                if name not in names:
                    names.append(name)
                return {"roster.json": json.dumps(sorted(names)), "log.jsonl": None}

            return update

        assert repo.update_files(("roster.json",), add("first"), "first", branch="main")
        final = repo.read_file("roster.json")
        assert final is not None and json.loads(final.text) == ["first", "second"]
        before = repo.counts.writes
        assert repo.update_files(("roster.json",), add("first"), "again", branch="main") is None
        assert repo.counts.writes == before
