"""The contents API, the git data API, branches and commits, over real git repositories."""

from __future__ import annotations

import base64

from tests.localhub.conftest import World


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def decoded(entry: dict) -> str:  # type: ignore[type-arg]
    return base64.b64decode(entry["content"]).decode()


def test_create_update_delete_a_file(world: World) -> None:
    gh, token = world.gh, world.token
    url = "/repos/acme/demo/contents/roster/ada.json"
    created = gh.api("PUT", url, token, json={"message": "add ada", "content": b64("{}")})
    assert created.status_code == 201
    first_sha = created.json()["content"]["sha"]
    assert created.json()["commit"]["message"] == "add ada"

    # GitHub says it in its message alone (no "errors" list): a writer that raced another to
    # create the file reads "sha" there and tries again on the file as it now is.
    no_sha = gh.api("PUT", url, token, json={"message": "m", "content": b64('{"a": 1}')})
    assert no_sha.status_code == 422
    assert no_sha.json()["message"] == 'Invalid request.\n\n"sha" wasn\'t supplied.'

    body = {"message": "update", "content": b64('{"a": 1}'), "sha": first_sha}
    updated = gh.api("PUT", url, token, json=body)
    assert updated.status_code == 200
    second_sha = updated.json()["content"]["sha"]
    assert second_sha != first_sha

    stale = gh.api("PUT", url, token, json={**body, "content": b64('{"a": 2}')})
    assert stale.status_code == 409
    got = gh.ok("GET", url, token)
    assert decoded(got) == '{"a": 1}'
    assert got["sha"] == second_sha

    assert gh.api("DELETE", url, token, json={"message": "rm"}).status_code == 422
    stale_delete = gh.api("DELETE", url, token, json={"message": "rm", "sha": first_sha})
    assert stale_delete.status_code == 409
    deleted = gh.api("DELETE", url, token, json={"message": "rm", "sha": second_sha})
    assert deleted.status_code == 200
    assert deleted.json()["content"] is None
    assert gh.api("GET", url, token).status_code == 404
    pushes = [d for d in gh.deliveries() if d["event"] == "push"]
    assert len(pushes) == 3
    assert pushes[-1]["payload"]["commits"][0]["removed"] == ["roster/ada.json"]


def test_directory_listing_ref_and_raw(world: World) -> None:
    gh, token = world.gh, world.token
    gh.put_file(token, world.repo, "docs/a.md", "A\n")
    gh.put_file(token, world.repo, "docs/b.md", "B\n")
    listing = gh.ok("GET", "/repos/acme/demo/contents/docs", token)
    assert [(e["name"], e["type"], e["path"]) for e in listing] == [
        ("a.md", "file", "docs/a.md"),
        ("b.md", "file", "docs/b.md"),
    ]
    root = gh.ok("GET", "/repos/acme/demo/contents/", token)
    assert {(e["name"], e["type"]) for e in root} == {("README.md", "file"), ("docs", "dir")}
    assert gh.ok("GET", "/repos/acme/demo/contents", token) == root

    gh.branch_from(token, world.repo, "draft")
    sha = gh.ok("GET", "/repos/acme/demo/contents/docs/a.md", token)["sha"]
    gh.put_file(token, world.repo, "docs/a.md", "A, drafted\n", branch="draft", sha=sha)
    on_main = gh.ok("GET", "/repos/acme/demo/contents/docs/a.md", token)
    on_draft = gh.ok("GET", "/repos/acme/demo/contents/docs/a.md?ref=draft", token)
    assert decoded(on_main) == "A\n"
    assert decoded(on_draft) == "A, drafted\n"
    missing = gh.api("GET", "/repos/acme/demo/contents/docs/a.md?ref=nope", token)
    assert missing.status_code == 404

    for accept in ("application/vnd.github.raw", "application/vnd.github.raw+json"):
        raw = gh.api(
            "GET", "/repos/acme/demo/contents/docs/a.md", token, headers={"accept": accept}
        )
        assert raw.status_code == 200
        assert raw.content == b"A\n"
        # GitHub's raw answer is UTF-8 text, whatever the file holds
        assert raw.headers["content-type"] == "text/plain; charset=utf-8"
    readme = gh.ok("GET", "/repos/acme/demo/readme", token)
    assert readme["path"] == "README.md"


def test_writing_to_a_missing_branch_is_404(world: World) -> None:
    body = {"message": "m", "content": b64("x"), "branch": "nope"}
    resp = world.gh.api("PUT", "/repos/acme/demo/contents/x.md", world.token, json=body)
    assert resp.status_code == 404


def test_git_data_api_builds_one_commit_for_many_files(world: World) -> None:
    gh, token = world.gh, world.token
    base = gh.ok("GET", "/repos/acme/demo/git/ref/heads/main", token)["object"]["sha"]
    base_commit = gh.ok("GET", f"/repos/acme/demo/git/commits/{base}", token)
    blob = gh.api(
        "POST",
        "/repos/acme/demo/git/blobs",
        token,
        json={"content": b64("one"), "encoding": "base64"},
    )
    assert blob.status_code == 201
    text_blob = gh.ok(
        "POST", "/repos/acme/demo/git/blobs", token, json={"content": "two", "encoding": "utf-8"}
    )
    got_blob = gh.ok("GET", f"/repos/acme/demo/git/blobs/{text_blob['sha']}", token)
    assert base64.b64decode(got_blob["content"]) == b"two"
    tree = gh.api(
        "POST",
        "/repos/acme/demo/git/trees",
        token,
        json={
            "base_tree": base_commit["tree"]["sha"],
            "tree": [
                {"path": "a/one.txt", "mode": "100644", "type": "blob", "sha": blob.json()["sha"]},
                {"path": "two.txt", "mode": "100644", "type": "blob", "sha": text_blob["sha"]},
            ],
        },
    )
    assert tree.status_code == 201
    paths = {e["path"] for e in tree.json()["tree"]}
    assert paths == {"README.md", "a", "two.txt"}  # base_tree kept README.md
    commit = gh.api(
        "POST",
        "/repos/acme/demo/git/commits",
        token,
        json={"message": "two files", "tree": tree.json()["sha"], "parents": [base]},
    )
    assert commit.status_code == 201
    new = commit.json()["sha"]
    assert commit.json()["parents"][0]["sha"] == base

    # nothing moved yet: a commit is not a branch
    assert gh.api("GET", "/repos/acme/demo/contents/two.txt", token).status_code == 404
    moved = gh.api("PATCH", "/repos/acme/demo/git/refs/heads/main", token, json={"sha": new})
    assert moved.status_code == 200
    assert moved.json()["object"]["sha"] == new
    assert decoded(gh.ok("GET", "/repos/acme/demo/contents/a/one.txt", token)) == "one"

    # a sibling of ``new`` is not a fast-forward: 422 unless forced
    sibling = gh.ok(
        "POST",
        "/repos/acme/demo/git/commits",
        token,
        json={"message": "sibling", "tree": base_commit["tree"]["sha"], "parents": [base]},
    )["sha"]
    refused = gh.api("PATCH", "/repos/acme/demo/git/refs/heads/main", token, json={"sha": sibling})
    assert refused.status_code == 422
    assert gh.ok("GET", "/repos/acme/demo/git/ref/heads/main", token)["object"]["sha"] == new
    forced = gh.api(
        "PATCH",
        "/repos/acme/demo/git/refs/heads/main",
        token,
        json={"sha": sibling, "force": True},
    )
    assert forced.status_code == 200
    assert gh.ok("GET", "/repos/acme/demo/git/ref/heads/main", token)["object"]["sha"] == sibling
    push = [d for d in gh.deliveries() if d["event"] == "push"][-1]
    assert push["payload"]["forced"] is True


def test_branches_and_commits(world: World) -> None:
    gh, token = world.gh, world.token
    gh.put_file(token, world.repo, "docs/a.md", "A\n")
    gh.put_file(token, world.repo, "docs/b.md", "B\n")
    sha = gh.ok("GET", "/repos/acme/demo/contents/docs/a.md", token)["sha"]
    gh.put_file(token, world.repo, "docs/a.md", "A2\n", sha=sha)
    gh.branch_from(token, world.repo, "feature")

    branches = gh.ok("GET", "/repos/acme/demo/branches", token)
    assert [b["name"] for b in branches] == ["feature", "main"]
    main = gh.ok("GET", "/repos/acme/demo/branches/main", token)
    assert main["commit"]["sha"] == branches[1]["commit"]["sha"]
    assert gh.api("GET", "/repos/acme/demo/branches/nope", token).status_code == 404

    commits = gh.ok("GET", "/repos/acme/demo/commits", token)
    assert [c["commit"]["message"] for c in commits] == [
        "write docs/a.md",
        "write docs/b.md",
        "write docs/a.md",
        "Initial commit",
    ]
    touching = gh.ok("GET", "/repos/acme/demo/commits?path=docs/a.md", token)
    assert len(touching) == 2
    assert (
        gh.ok("GET", "/repos/acme/demo/commits?path=docs/b.md&per_page=1", token)[0]["sha"]
        == commits[1]["sha"]
    )
    one = gh.ok("GET", f"/repos/acme/demo/commits/{commits[0]['sha']}", token)
    assert [f["filename"] for f in one["files"]] == ["docs/a.md"]
    assert one["files"][0]["status"] == "modified"
    paged = gh.api("GET", "/repos/acme/demo/commits?per_page=2", token)
    assert len(paged.json()) == 2
    assert 'rel="next"' in paged.headers["link"]
    assert 'rel="last"' in paged.headers["link"]


def test_an_empty_repository(world: World) -> None:
    gh, token = world.gh, world.token
    gh.ok("POST", "/orgs/acme/repos", token, json={"name": "empty", "private": True})
    assert gh.ok("GET", "/repos/acme/empty/branches", token) == []
    resp = gh.api("GET", "/repos/acme/empty/contents/README.md", token)
    assert resp.status_code == 404
    assert resp.json()["message"] == "This repository is empty."
    resp = gh.api("GET", "/repos/acme/empty/commits", token)
    assert resp.status_code == 409
    assert resp.json()["message"] == "Git Repository is empty."
    mark = gh.last_delivery_id()
    created = gh.api(
        "PUT",
        "/repos/acme/empty/contents/a.md",
        token,
        json={"message": "first", "content": b64("a")},
    )
    assert created.status_code == 201
    assert [b["name"] for b in gh.ok("GET", "/repos/acme/empty/branches", token)] == ["main"]
    assert gh.events(mark) == ["push", "create"]


def test_a_file_cannot_become_a_directory(world: World) -> None:
    gh, token = world.gh, world.token
    body = {"message": "m", "content": b64("x")}
    resp = gh.api("PUT", "/repos/acme/demo/contents/README.md/inner.md", token, json=body)
    assert resp.status_code == 422
    assert gh.api("GET", "/repos/acme/demo/contents/README.md", token).status_code == 200
    gh.put_file(token, world.repo, "docs/a.md", "A\n")
    resp = gh.api("PUT", "/repos/acme/demo/contents/docs", token, json=body)
    assert resp.status_code == 422


def test_tags_and_deleted_branches_emit_create_and_delete(world: World) -> None:
    gh, token = world.gh, world.token
    sha = gh.branch_from(token, world.repo, "short-lived")
    mark = gh.last_delivery_id()
    tag = gh.api(
        "POST", "/repos/acme/demo/git/refs", token, json={"ref": "refs/tags/v1", "sha": sha}
    )
    assert tag.status_code == 201
    assert gh.api("GET", "/repos/acme/demo/contents/README.md?ref=v1", token).status_code == 200
    assert gh.api("DELETE", "/repos/acme/demo/git/refs/heads/short-lived", token).status_code == 204
    assert gh.api("GET", "/repos/acme/demo/git/ref/heads/short-lived", token).status_code == 404
    assert gh.events(mark) == ["push", "create", "push", "delete"]
    create, delete = gh.deliveries(mark)[1]["payload"], gh.deliveries(mark)[3]["payload"]
    assert (create["ref"], create["ref_type"]) == ("v1", "tag")
    assert (delete["ref"], delete["ref_type"]) == ("short-lived", "branch")
    assert gh.deliveries(mark)[2]["payload"]["deleted"] is True
    resp = gh.api("DELETE", "/repos/acme/demo/git/refs/heads/short-lived", token)
    assert resp.status_code == 422


def test_raw_contents_are_the_files_bytes(world: World) -> None:
    """The raw media type answers the bytes as stored, a binary file too, under the same
    ``text/plain; charset=utf-8`` that GitHub sends."""
    gh, token = world.gh, world.token
    data = bytes(range(256))
    body = {"message": "binary", "content": base64.b64encode(data).decode()}
    gh.ok("PUT", "/repos/acme/demo/contents/blob.bin", token, json=body)
    raw = gh.api(
        "GET",
        "/repos/acme/demo/contents/blob.bin",
        token,
        headers={"accept": "application/vnd.github.raw+json"},
    )
    assert raw.content == data
    assert raw.headers["content-type"] == "text/plain; charset=utf-8"


def test_git_refs_list_every_ref_and_matching_refs_filter_them(world: World) -> None:
    gh, token = world.gh, world.token
    sha = gh.branch_from(token, world.repo, "topic")
    gh.ok("POST", "/repos/acme/demo/git/refs", token, json={"ref": "refs/tags/v1", "sha": sha})
    every = gh.ok("GET", "/repos/acme/demo/git/refs", token)
    assert [r["ref"] for r in every] == ["refs/heads/main", "refs/heads/topic", "refs/tags/v1"]
    assert every[2]["object"] == {
        "type": "commit",
        "sha": sha,
        "url": f"{gh.hub.api_url}/repos/acme/demo/git/commits/{sha}",
    }
    first = gh.api("GET", "/repos/acme/demo/git/refs?per_page=2", token)
    assert len(first.json()) == 2 and 'rel="next"' in first.headers["link"]

    def matching(ref: str) -> list[str]:
        return [r["ref"] for r in gh.ok("GET", f"/repos/acme/demo/git/matching-refs/{ref}", token)]

    assert matching("heads/") == ["refs/heads/main", "refs/heads/topic"]
    assert matching("heads/to") == ["refs/heads/topic"]
    assert matching("tags%2Fv1") == ["refs/tags/v1"]  # PyGithub sends the slash encoded
    assert matching("heads/nope") == []


def test_an_empty_repository_has_no_refs_to_list(world: World) -> None:
    gh, token = world.gh, world.token
    gh.ok("POST", "/orgs/acme/repos", token, json={"name": "empty"})
    for path in ("/repos/acme/empty/git/refs", "/repos/acme/empty/git/matching-refs/heads/"):
        resp = gh.api("GET", path, token)
        assert resp.status_code == 409
        assert resp.json()["message"] == "Git Repository is empty."
