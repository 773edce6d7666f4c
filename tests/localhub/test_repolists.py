"""Lists of repositories and a repository by id, as GitHub answers them: who sees what, the
documented filters, sort orders and pagination."""

from __future__ import annotations

from tests.localhub.conftest import Hub, World
from tests.localhub.test_apps import installation_token, make_app


def names(items: list[dict]) -> list[str]:  # type: ignore[type-arg]
    return [item["full_name"] for item in items]


def people_and_repos(world: World) -> dict[str, str]:
    """alice admins acme (acme/demo, private); bob owns bob/zeta (public) and bob/alpha
    (private) and collaborates on carol/shared; carol owns carol/shared and carol/own."""
    gh = world.gh
    for login in ("bob", "carol"):
        gh.user(login)
    tokens = {login: gh.token(login) for login in ("bob", "carol")}
    gh.ok("POST", "/user/repos", tokens["bob"], json={"name": "zeta"})
    gh.ok("POST", "/user/repos", tokens["bob"], json={"name": "alpha", "private": True})
    gh.ok("POST", "/user/repos", tokens["carol"], json={"name": "shared", "private": True})
    gh.ok("POST", "/user/repos", tokens["carol"], json={"name": "own"})
    gh.ok(
        "PUT",
        "/repos/carol/shared/collaborators/bob",
        tokens["carol"],
        json={"permission": "push"},
    )
    invitation = gh.ok("GET", "/user/repository_invitations", tokens["bob"])[0]
    gh.ok("PATCH", f"/user/repository_invitations/{invitation['id']}", tokens["bob"])
    gh.control("POST", "orgs/acme/members", {"login": "bob"})
    return tokens


def test_the_users_repositories_are_those_with_explicit_permission(world: World) -> None:
    gh = world.gh
    bob = people_and_repos(world)["bob"]
    # owned, as a collaborator, through the org; not carol's public carol/own
    assert names(gh.ok("GET", "/user/repos", bob)) == [
        "acme/demo",
        "bob/alpha",
        "bob/zeta",
        "carol/shared",
    ]
    assert names(gh.ok("GET", "/user/repos?affiliation=owner", bob)) == ["bob/alpha", "bob/zeta"]
    assert names(gh.ok("GET", "/user/repos?affiliation=collaborator", bob)) == ["carol/shared"]
    assert names(gh.ok("GET", "/user/repos?affiliation=organization_member", bob)) == ["acme/demo"]
    assert names(gh.ok("GET", "/user/repos?visibility=public", bob)) == ["bob/zeta"]
    assert names(gh.ok("GET", "/user/repos?type=owner&direction=desc", bob)) == [
        "bob/zeta",
        "bob/alpha",
    ]
    assert names(gh.ok("GET", "/user/repos?type=member", bob)) == ["acme/demo", "carol/shared"]
    # "created", "updated" and "pushed" sort newest first unless told otherwise
    assert names(gh.ok("GET", "/user/repos?sort=created", bob))[0] == "carol/shared"
    both = gh.api("GET", "/user/repos?type=owner&visibility=public", bob)
    assert both.status_code == 422
    assert gh.api("GET", "/user/repos?sort=stars", bob).status_code == 422
    assert gh.api("GET", "/user/repos").status_code == 401


def test_lists_are_paginated_with_links(world: World) -> None:
    gh = world.gh
    bob = people_and_repos(world)["bob"]
    first = gh.api("GET", "/user/repos?per_page=3", bob)
    assert names(first.json()) == ["acme/demo", "bob/alpha", "bob/zeta"]
    assert 'rel="next"' in first.headers["link"]
    assert "page=2" in first.headers["link"]
    assert names(gh.ok("GET", "/user/repos?per_page=3&page=2", bob)) == ["carol/shared"]


def test_since_and_before_filter_by_the_last_update(world: World) -> None:
    gh = world.gh
    bob = people_and_repos(world)["bob"]
    gh.advance(3600)
    gh.ok("PATCH", "/repos/bob/zeta", bob, json={"description": "later"})
    later = gh.ok("GET", "/repos/bob/zeta", bob)["updated_at"]
    assert names(gh.ok("GET", f"/user/repos?since={later}", bob)) == ["bob/zeta"]
    assert "bob/zeta" not in names(gh.ok("GET", f"/user/repos?before={later}", bob))


def test_an_integration_has_no_user_to_list_for(world: World) -> None:
    """An installation token (a bot) is not a user: 403, as for ``GET /user``; the
    installation lists its repositories with ``GET /installation/repositories``."""
    gh = world.gh
    bot = installation_token(world, make_app(world))
    resp = gh.api("GET", "/user/repos", bot)
    assert resp.status_code == 403
    assert resp.json()["message"] == "Resource not accessible by integration"
    assert names(gh.ok("GET", "/orgs/acme/repos", bot)) == ["acme/demo"]


def test_a_users_public_repositories(world: World) -> None:
    gh = world.gh
    tokens = people_and_repos(world)
    # only public ones, even to their owner; the default type is owner
    assert names(gh.ok("GET", "/users/bob/repos", tokens["bob"])) == ["bob/zeta"]
    assert names(gh.ok("GET", "/users/bob/repos")) == ["bob/zeta"]
    assert names(gh.ok("GET", "/users/bob/repos?type=member")) == []
    gh.ok("PATCH", "/repos/carol/shared", tokens["carol"], json={"private": False})
    assert names(gh.ok("GET", "/users/bob/repos?type=all")) == ["bob/zeta", "carol/shared"]
    assert gh.api("GET", "/users/nobody/repos").status_code == 404


def test_an_organisations_repositories_newest_first(world: World) -> None:
    gh = world.gh
    for name, private in (("second", False), ("third", True)):
        gh.ok("POST", "/orgs/acme/repos", world.token, json={"name": name, "private": private})
    assert names(gh.ok("GET", "/orgs/acme/repos", world.token)) == [
        "acme/third",
        "acme/second",
        "acme/demo",
    ]
    assert names(gh.ok("GET", "/orgs/acme/repos?sort=full_name", world.token)) == [
        "acme/demo",
        "acme/second",
        "acme/third",
    ]
    assert names(gh.ok("GET", "/orgs/acme/repos?type=private&direction=asc", world.token)) == [
        "acme/demo",
        "acme/third",
    ]
    assert names(gh.ok("GET", "/orgs/acme/repos?type=forks", world.token)) == []
    # an outsider sees the public ones only; a user's login is not an organisation
    gh.user("mallory")
    assert names(gh.ok("GET", "/orgs/acme/repos", gh.token("mallory"))) == ["acme/second"]
    assert names(gh.ok("GET", "/orgs/acme/repos?type=member", gh.token("mallory"))) == []
    assert gh.api("GET", "/orgs/alice/repos", world.token).status_code == 404
    assert gh.api("GET", "/orgs/acme/repos?type=secret", world.token).status_code == 422


def test_a_repository_by_id_is_the_repository(world: World) -> None:
    gh = world.gh
    repo = gh.ok("GET", "/repos/acme/demo", world.token)
    by_id = gh.api("GET", f"/repositories/{repo['id']}", world.token)
    assert by_id.status_code == 200
    assert by_id.json() == repo
    gh.user("mallory")
    assert gh.api("GET", f"/repositories/{repo['id']}", gh.token("mallory")).status_code == 404
    assert gh.api("GET", "/repositories/999999", world.token).status_code == 404
    assert gh.api("GET", "/repositories/demo", world.token).status_code == 404


def test_lists_and_lookups_answer_the_same_repository_object(gh: Hub) -> None:
    gh.user("dora")
    dora = gh.token("dora")
    made = gh.ok("POST", "/user/repos", dora, json={"name": "notes", "auto_init": True})
    listed = gh.ok("GET", "/user/repos", dora)[0]
    assert listed == gh.ok("GET", "/repos/dora/notes", dora)
    assert listed["id"] == made["id"]
    assert listed["permissions"]["admin"] is True
