"""Private repositories, collaborators and repository invitations, as GitHub answers them."""

from __future__ import annotations

from tests.localhub.conftest import World


def invite(world: World, login: str) -> tuple[int, dict | None]:  # type: ignore[type-arg]
    resp = world.gh.api(
        "PUT", f"/repos/acme/demo/collaborators/{login}", world.token, json={"permission": "push"}
    )
    return resp.status_code, (resp.json() if resp.content else None)


def test_private_repo_is_404_to_outsiders(world: World) -> None:
    gh = world.gh
    gh.user("mallory")
    outsider = gh.token("mallory")
    for token in (outsider, None):
        for path in (
            "/repos/acme/demo",
            "/repos/acme/demo/issues",
            "/repos/acme/demo/contents/README.md",
            "/repos/acme/demo/branches",
        ):
            resp = gh.api("GET", path, token)
            assert resp.status_code == 404, (path, token)
        resp = gh.api("POST", "/repos/acme/demo/issues", token, json={"title": "hi"})
        assert resp.status_code == 404
    listed = gh.ok("GET", "/orgs/acme/repos", outsider)
    assert listed == []
    # git over HTTP says the same: not found to an outsider, authentication to anonymous
    assert gh.http.get("/acme/demo.git/info/refs?service=git-upload-pack").status_code == 401


def test_collaborator_sees_private_repo_after_accepting(world: World) -> None:
    gh = world.gh
    gh.user("bob")
    bob = gh.token("bob")
    status, inv = invite(world, "bob")
    assert status == 201
    assert inv is not None
    assert inv["invitee"]["login"] == "bob"
    assert inv["inviter"]["login"] == "alice"
    assert inv["permissions"] == "write"
    assert inv["expired"] is False
    # asking again does not make a second invitation
    status, again = invite(world, "bob")
    assert status == 201
    assert again is not None and again["id"] == inv["id"]
    assert [i["id"] for i in gh.ok("GET", "/repos/acme/demo/invitations", world.token)] == [
        inv["id"]
    ]

    assert gh.api("GET", "/repos/acme/demo", bob).status_code == 404  # not before accepting
    mine = gh.ok("GET", "/user/repository_invitations", bob)
    assert [i["id"] for i in mine] == [inv["id"]]
    resp = gh.api("PATCH", f"/user/repository_invitations/{inv['id']}", bob)
    assert resp.status_code == 204

    repo = gh.ok("GET", "/repos/acme/demo", bob)
    assert repo["permissions"]["push"] is True
    assert repo["permissions"]["admin"] is False
    assert gh.api("GET", "/repos/acme/demo/collaborators/bob", world.token).status_code == 204
    perm = gh.ok("GET", "/repos/acme/demo/collaborators/bob/permission", world.token)
    assert perm["permission"] == "write"
    assert gh.ok("GET", "/user/repository_invitations", bob) == []
    # now a collaborator, adding again needs no invitation
    assert invite(world, "bob")[0] == 204
    # another user's invitation cannot be accepted by bob
    gh.user("carol")
    _, other = invite(world, "carol")
    assert other is not None
    assert gh.api("PATCH", f"/user/repository_invitations/{other['id']}", bob).status_code == 404


def test_org_member_needs_no_invitation(world: World) -> None:
    gh = world.gh
    gh.user("dave")
    gh.control("POST", "orgs/acme/members", {"login": "dave"})
    assert invite(world, "dave")[0] == 204
    assert gh.ok("GET", "/repos/acme/demo/invitations", world.token) == []
    assert invite(world, "nobody-here")[0] == 404


def test_invitation_expires_after_seven_days(world: World) -> None:
    gh = world.gh
    gh.user("erin")
    erin = gh.token("erin")
    _, inv = invite(world, "erin")
    assert inv is not None
    gh.advance(7 * 24 * 3600 + 60)
    listed = gh.ok("GET", "/user/repository_invitations", erin)
    assert all(i["expired"] for i in listed)
    resp = gh.api("PATCH", f"/user/repository_invitations/{inv['id']}", erin)
    assert resp.status_code == 422
    assert gh.api("GET", "/repos/acme/demo", erin).status_code == 404
    # inviting again after expiry gives a fresh invitation that can be accepted
    status, fresh = invite(world, "erin")
    assert status == 201
    assert fresh is not None and fresh["expired"] is False
    resp = gh.api("PATCH", f"/user/repository_invitations/{fresh['id']}", erin)
    assert resp.status_code == 204
    assert gh.api("GET", "/repos/acme/demo", erin).status_code == 200


def test_fifty_invitations_per_day(world: World) -> None:
    gh = world.gh
    for n in range(51):
        gh.user(f"learner{n}")
    for n in range(50):
        assert invite(world, f"learner{n}")[0] == 201, n
    resp = world.gh.api("PUT", "/repos/acme/demo/collaborators/learner50", world.token)
    assert resp.status_code == 422
    assert "50 invitations" in resp.json()["errors"][0]["message"]
    # accepted invitations still count: the limit is on invitations sent
    learner0 = gh.token("learner0")
    first = gh.ok("GET", "/user/repository_invitations", learner0)[0]
    gh.ok("PATCH", f"/user/repository_invitations/{first['id']}", learner0)
    assert invite(world, "learner50")[0] == 422
    gh.advance(24 * 3600 + 60)
    assert invite(world, "learner50")[0] == 201


def test_collaborator_permissions_are_enforced(world: World) -> None:
    gh = world.gh
    gh.user("rita")
    rita = gh.token("rita")
    resp = gh.api(
        "PUT", "/repos/acme/demo/collaborators/rita", world.token, json={"permission": "pull"}
    )
    gh.ok("PATCH", f"/user/repository_invitations/{resp.json()['id']}", rita)
    assert gh.api("GET", "/repos/acme/demo/contents/README.md", rita).status_code == 200
    # read access: may open issues, may not push files or manage collaborators
    assert gh.api("POST", "/repos/acme/demo/issues", rita, json={"title": "q"}).status_code == 201
    resp = gh.api(
        "PUT",
        "/repos/acme/demo/contents/x.md",
        rita,
        json={"message": "m", "content": "eA=="},
    )
    assert resp.status_code == 403
    assert gh.api("PUT", "/repos/acme/demo/collaborators/alice", rita).status_code == 403
