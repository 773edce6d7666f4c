"""Repository archives on the local GitHub: ``GET /repos/{owner}/{repo}/tarball/{ref}`` (and
``zipball``) answer 302 to a download link on the hub's codeload, as GitHub's do.

What GitHub documents ("Download a repository archive (tar)"): the default branch without a ref;
a private repository's link carries a token that expires after five minutes, so the download
needs no Authorization header; the archive holds the files at that commit under one folder,
``{owner}-{repo}-{short sha}/``; an unknown ref or a repository the caller cannot read is 404.
Clients nobody here wrote follow the redirect: PyGithub's ``get_archive_link``, plain httpx, and
githubkit through GLOW's ``Repo`` adapter (one counted request).
"""

from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from github import Auth, Github, GithubException

from glow.github import Repo
from glow.github.client import token_client
from tests.localhub.conftest import Hub, start_hub, started_hubs  # noqa: F401
from tests.localhub.test_apps import app_jwt, bearer

FILES = {"README.md": "# Demo\n", "src/calc.py": "def add(a, b):\n    return a + b\n"}


@dataclass
class Room:
    """Org ``acme`` (owner alice) with a private ``room`` holding ``FILES`` on ``main``, a
    branch ``feature/more`` with one more file, a tag ``v1`` on the first commit; ``bob`` is a
    stranger; ``bot`` is an installation token of an App that may read contents."""

    gh: Hub
    alice: str
    bob: str
    bot: str
    first: str  # the commit v1 names
    main: str
    feature: str

    def archive(self, path: str, token: str | None) -> httpx.Response:
        return self.gh.api("GET", path, token)


def commit_of(gh: Hub, token: str, repo: str, ref: str) -> str:
    sha: str = gh.ok("GET", f"/repos/{repo}/commits/{ref}", token)["sha"]
    return sha


@pytest.fixture
def room(start_hub: Callable[..., Hub]) -> Room:  # noqa: F811
    gh = start_hub()
    for login in ("alice", "bob"):
        gh.user(login)
    gh.org("acme", admins=["alice"])
    alice, bob = gh.token("alice"), gh.token("bob")
    gh.ok("POST", "/orgs/acme/repos", alice, json={"name": "room", "private": True})
    for path, text in FILES.items():
        gh.put_file(alice, "acme/room", path, text)
    first = commit_of(gh, alice, "acme/room", "main")
    gh.ok("POST", "/repos/acme/room/git/refs", alice, json={"ref": "refs/tags/v1", "sha": first})
    gh.put_file(alice, "acme/room", "NOTES.md", "later\n")
    gh.branch_from(alice, "acme/room", "feature/more")
    gh.put_file(alice, "acme/room", "extra.txt", "more\n", branch="feature/more")
    app = gh.control(
        "POST",
        "apps",
        {"slug": "grader", "owner": "acme", "permissions": {"contents": "read"}, "events": []},
    )
    inst = gh.control("POST", "installations", {"app_id": app["id"], "account": "acme"})
    url = f"/app/installations/{inst['id']}/access_tokens"
    bot = gh.ok("POST", url, headers=bearer(app_jwt(app)))["token"]
    return Room(
        gh,
        alice,
        bob,
        bot,
        first,
        commit_of(gh, alice, "acme/room", "main"),
        commit_of(gh, alice, "acme/room", "feature/more"),
    )


def untar(data: bytes) -> tuple[set[str], dict[str, str], str | None]:
    """The top-level folders, the files by path below them, and the pax comment (the sha)."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        members = tar.getmembers()
        files = {
            m.name.split("/", 1)[1]: tar.extractfile(m).read().decode()  # type: ignore[union-attr]
            for m in members
            if m.isfile()
        }
        comment = tar.pax_headers.get("comment")
    return {m.name.split("/", 1)[0] for m in members}, files, comment


def download(location: str) -> httpx.Response:
    return httpx.get(location, timeout=30)  # no Authorization header


# -- the redirect and the download --------------------------------------------------------------


def test_a_private_rooms_tarball_needs_no_authorization_to_download(room: Room) -> None:
    resp = room.archive(f"/repos/acme/room/tarball/{room.first}", room.bot)
    assert resp.status_code == 302 and resp.content == b""
    location = resp.headers["location"]
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}" == room.gh.hub.url
    assert parts.path == f"/_codeload/acme/room/legacy.tar.gz/{room.first}"
    assert parse_qs(parts.query)["token"]

    got = download(location)
    assert got.status_code == 200
    assert got.headers["content-type"] == "application/x-gzip"
    top = f"acme-room-{room.first[:7]}"
    assert got.headers["content-disposition"] == f"attachment; filename={top}.tar.gz"
    folders, files, comment = untar(got.content)
    assert folders == {top}
    assert files == FILES  # the files at that commit: NOTES.md came later
    assert comment == room.first


def test_the_api_request_is_counted_and_the_download_is_not(room: Room) -> None:
    mark = max(r["id"] for r in room.gh.hub.requests)
    location = room.archive("/repos/acme/room/tarball/main", room.bot).headers["location"]
    assert download(location).status_code == 200
    seen = [r for r in room.gh.hub.requests if r["id"] > mark]
    assert [(r.get("route"), r.get("kind"), r["status"]) for r in seen] == [
        ("/repos/{owner}/{repo}/tarball/{ref}", "installation", 302),
        (None, None, 200),
    ]


@pytest.mark.parametrize(
    ("ref", "qualified", "commit", "extra"),
    [
        ("main", "refs/heads/main", "main", {"NOTES.md": "later\n"}),
        ("feature/more", "refs/heads/feature/more", "feature", {"NOTES.md": "later\n"}),
        ("v1", "refs/tags/v1", "first", {}),
        (None, "refs/heads/main", "main", {"NOTES.md": "later\n"}),
    ],
)
def test_a_branch_a_tag_or_the_default_branch(
    room: Room, ref: str | None, qualified: str, commit: str, extra: dict[str, str]
) -> None:
    path = "/repos/acme/room/tarball" + (f"/{ref}" if ref else "")
    resp = room.archive(path, room.bot)
    assert resp.status_code == 302
    assert urlsplit(resp.headers["location"]).path.endswith(f"/legacy.tar.gz/{qualified}")
    sha = getattr(room, commit)
    folders, files, comment = untar(download(resp.headers["location"]).content)
    assert folders == {f"acme-room-{sha[:7]}"} and comment == sha
    expected = FILES | extra | ({"extra.txt": "more\n"} if commit == "feature" else {})
    assert files == expected


def test_a_zipball_has_the_same_folder(room: Room) -> None:
    resp = room.archive(f"/repos/acme/room/zipball/{room.main}", room.alice)
    assert resp.status_code == 302
    assert "/legacy.zip/" in resp.headers["location"]
    got = download(resp.headers["location"])
    assert got.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(got.content)) as archive:
        names = {n for n in archive.namelist() if not n.endswith("/")}
    assert names == {f"acme-room-{room.main[:7]}/{p}" for p in [*FILES, "NOTES.md"]}


def test_a_public_repositorys_link_has_no_token(room: Room) -> None:
    gh = room.gh
    gh.ok("POST", "/orgs/acme/repos", room.alice, json={"name": "notes", "auto_init": True})
    resp = room.archive("/repos/acme/notes/tarball/main", None)
    assert resp.status_code == 302
    assert urlsplit(resp.headers["location"]).query == ""
    folders, files, _ = untar(download(resp.headers["location"]).content)
    assert len(folders) == 1 and "README.md" in files


# -- what GitHub refuses ------------------------------------------------------------------------


def test_unknown_refs_and_unreadable_repositories_are_404(room: Room) -> None:
    for path, token in [
        ("/repos/acme/room/tarball/no-such-branch", room.bot),
        ("/repos/acme/room/tarball/" + "0" * 40, room.bot),
        ("/repos/acme/room/tarball/main", room.bob),  # a stranger: the private room is hidden
        ("/repos/acme/room/tarball/main", None),
        ("/repos/acme/room/zipball/main", room.bob),
        ("/repos/acme/elsewhere/tarball/main", room.alice),
    ]:
        resp = room.archive(path, token)
        assert resp.status_code == 404, (path, resp.status_code)
        assert resp.json()["message"] == "Not Found"


def test_an_empty_repository_redirects_and_the_download_is_404(room: Room) -> None:
    room.gh.ok("POST", "/orgs/acme/repos", room.alice, json={"name": "empty", "private": True})
    resp = room.archive("/repos/acme/empty/tarball", room.alice)
    assert resp.status_code == 302
    assert download(resp.headers["location"]).status_code == 404


def test_the_token_is_bound_to_its_repository_and_ref(room: Room) -> None:
    location = room.archive("/repos/acme/room/tarball/main", room.bot).headers["location"]
    url, _, query = location.partition("?")
    assert download(url).status_code == 404  # no token
    assert download(url + "?token=1-abc").status_code == 404
    other_ref = url.replace("refs/heads/main", "refs/tags/v1") + "?" + query
    assert download(other_ref).status_code == 404
    room.gh.ok("POST", "/orgs/acme/repos", room.alice, json={"name": "vault", "private": True})
    room.gh.put_file(room.alice, "acme/vault", "secret.txt", "shh\n")
    other_repo = location.replace("/acme/room/", "/acme/vault/")
    assert download(other_repo).status_code == 404
    assert download(location).status_code == 200


def test_the_link_expires_after_five_minutes_on_the_hubs_clock(room: Room) -> None:
    location = room.archive("/repos/acme/room/tarball/main", room.bot).headers["location"]
    room.gh.advance(290)
    assert download(location).status_code == 200
    room.gh.advance(20)
    gone = download(location)
    assert gone.status_code == 404 and gone.text == "404: Not Found"
    # a new request gets a new link
    fresh = room.archive("/repos/acme/room/tarball/main", room.bot).headers["location"]
    assert download(fresh).status_code == 200


# -- clients nobody here wrote --------------------------------------------------------------------


def test_pygithub_gets_the_archive_link(room: Room) -> None:
    client = Github(
        auth=Auth.Token(room.bot),
        base_url=room.gh.hub.api_url,
        seconds_between_requests=0,
        seconds_between_writes=0,
    )
    try:
        repo = client.get_repo("acme/room")
        link = repo.get_archive_link("tarball", "feature/more")  # sent as feature%2Fmore
        _, files, comment = untar(download(link).content)
        assert comment == room.feature and files["extra.txt"] == "more\n"
        with pytest.raises(GithubException) as missing:
            repo.get_archive_link("tarball", "no-such-ref")
        assert missing.value.status == 404
    finally:
        client.close()


def test_httpx_follows_the_redirect(room: Room) -> None:
    with httpx.Client(
        base_url=room.gh.hub.api_url,
        headers={"Authorization": f"Bearer {room.bot}"},
        follow_redirects=True,
        timeout=30,
    ) as client:
        got = client.get(f"/repos/acme/room/tarball/{room.main}")
    assert got.status_code == 200 and [r.status_code for r in got.history] == [302]
    assert untar(got.content)[2] == room.main


def test_githubkit_through_the_repo_adapter_is_one_request(room: Room) -> None:
    repo = Repo(token_client(room.bot, room.gh.hub.api_url), "acme", "room")
    got = repo.request("GET", repo.url("tarball", room.first))
    assert untar(got.content)[1] == FILES
    assert repo.counts.requests == 1


@pytest.mark.schemas
def test_the_redirect_matches_githubs_openapi_description(
    room: Room, openapi_validator: Any
) -> None:
    for path in ("/repos/acme/room/tarball/main", "/repos/acme/room/zipball/v1"):
        resp = room.archive(path, room.bot)
        openapi_validator.validate_http_response(resp)
        assert resp.headers["location"]
