"""Issue search on the local GitHub (``GET /search/issues``), as a GLOW job uses it: one request
for every open issue labelled ``submitted`` across an organisation's private Learning Rooms.

Against a running hub: the qualifiers, what each token may see, pages and the 1,000-result cap,
GitHub's 422s, the search rate limit (its own bucket, per minute), and the index's lag; the
answers against GitHub's OpenAPI description (``schemas``), and PyGithub's ``search_issues``.
The parser itself is checked without a hub at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from github import Auth, Github, GithubException

from glow.localhub.api.searchquery import QueryError, matches, parse
from tests.localhub.conftest import Hub, start_hub, started_hubs  # noqa: F401
from tests.localhub.test_apps import app_jwt, bearer

SUBMITTED = "org:school is:issue is:open label:submitted"


class School:
    """Org ``school`` (owner ``teacher``) with two private Learning Rooms, ``room-ana`` (ana a
    collaborator) and ``room-ben``; a public ``notes``; ``other/vault``, private, elsewhere.
    ``sam`` is a stranger. Search lags 0 seconds unless a test says otherwise."""

    def __init__(self, gh: Hub) -> None:
        self.gh = gh
        for login in ("teacher", "ana", "sam"):
            gh.user(login)
        gh.org("school", admins=["teacher"])
        gh.org("other", admins=["teacher"])
        gh.config(search_lag_seconds=0, content_creation_per_minute=5000)
        gh.config(content_creation_per_hour=5000)
        self.tokens = {login: gh.token(login) for login in ("teacher", "ana", "sam")}
        for full, private in (
            ("school/room-ana", True),
            ("school/room-ben", True),
            ("school/notes", False),
            ("other/vault", True),
        ):
            owner, name = full.split("/")
            gh.ok(
                "POST",
                f"/orgs/{owner}/repos",
                self.teacher,
                json={"name": name, "private": private},
            )
        gh.ok(
            "PUT",
            "/repos/school/room-ana/collaborators/ana",
            self.teacher,
            json={"permission": "push"},
        )
        invitation = gh.ok("GET", "/user/repository_invitations", self.tokens["ana"])[0]
        gh.ok("PATCH", f"/user/repository_invitations/{invitation['id']}", self.tokens["ana"])

    @property
    def teacher(self) -> str:
        return self.tokens["teacher"]

    def issue(
        self, repo: str, title: str, *, labels: tuple[str, ...] = (), by: str = "teacher", **kw: Any
    ) -> dict[str, Any]:
        body = {"title": title, "labels": list(labels), **kw}
        made: dict[str, Any] = self.gh.ok(
            "POST", f"/repos/{repo}/issues", self.tokens[by], json=body
        )
        return made

    def close(self, repo: str, number: int) -> None:
        url = f"/repos/{repo}/issues/{number}"
        self.gh.ok("PATCH", url, self.teacher, json={"state": "closed"})

    def search(self, q: str, token: str | None = None, **params: Any) -> httpx.Response:
        return self.gh.api("GET", "/search/issues", token, params={"q": q, **params})

    def titles(self, q: str, token: str | None = None, **params: Any) -> list[str]:
        resp = self.search(q, token if token is not None else self.teacher, **params)
        assert resp.status_code == 200, resp.text
        return sorted(item["title"] for item in resp.json()["items"])

    def installation_token(self, repositories: list[str] | None = None) -> str:
        body: dict[str, Any] = {
            "slug": f"bot-{len(repositories or [])}",
            "owner": "school",
            "permissions": {"issues": "read", "pull_requests": "read"},
        }
        app = self.gh.control("POST", "apps", body)
        where: dict[str, Any] = {"app_id": app["id"], "account": "school"}
        if repositories is not None:
            where["repositories"] = repositories
        inst = self.gh.control("POST", "installations", where)
        url = f"/app/installations/{inst['id']}/access_tokens"
        token: str = self.gh.ok("POST", url, headers=bearer(app_jwt(app)))["token"]
        return token


@pytest.fixture
def school(start_hub: Callable[..., Hub]) -> School:  # noqa: F811
    return School(start_hub())


def pull_request(school: School, repo: str, title: str, labels: tuple[str, ...] = ()) -> None:
    gh = school.gh
    gh.put_file(school.teacher, repo, "README.md", "hello\n")
    gh.branch_from(school.teacher, repo, "work")
    gh.put_file(school.teacher, repo, "work.md", "work\n", branch="work")
    pr = gh.ok(
        "POST",
        f"/repos/{repo}/pulls",
        school.teacher,
        json={"title": title, "head": "work", "base": "main", "body": f"{title}, please."},
    )
    if labels:
        url = f"/repos/{repo}/issues/{pr['number']}/labels"
        gh.ok("POST", url, school.teacher, json={"labels": list(labels)})


# -- the query GLOW's job sends ----------------------------------------------------------------


def test_one_request_finds_every_open_submitted_issue_across_the_rooms(school: School) -> None:
    ana = school.issue("school/room-ana", "Ana's challenge 1", labels=("submitted",))
    school.issue("school/room-ben", "Ben's challenge 1", labels=("submitted", "challenge"))
    done = school.issue("school/room-ben", "Ben's challenge 0", labels=("submitted",))
    school.close("school/room-ben", done["number"])
    school.issue("school/room-ana", "Ana's question")
    school.issue("other/vault", "Elsewhere", labels=("submitted",))
    pull_request(school, "school/room-ben", "Ben's pull request", labels=("submitted",))
    token = school.installation_token()

    resp = school.search(SUBMITTED, token)
    assert resp.status_code == 200, resp.text
    found = resp.json()
    assert sorted(item["title"] for item in found["items"]) == [
        "Ana's challenge 1",
        "Ben's challenge 1",
    ]
    assert (found["total_count"], found["incomplete_results"]) == (2, False)
    assert resp.headers["x-ratelimit-resource"] == "search"
    # Each item is the issue as the issues endpoints give it, plus a score.
    item = next(i for i in found["items"] if i["id"] == ana["id"])
    assert isinstance(item.pop("score"), float)
    read = school.gh.ok("GET", "/repos/school/room-ana/issues/1", token)
    assert item == read


# -- qualifiers --------------------------------------------------------------------------------


@pytest.fixture
def stocked(school: School) -> School:
    school.issue("school/room-ana", "Fix the README", body="The intro is short", labels=("bug",))
    school.issue(
        "school/room-ana",
        "Write tests",
        body="Cover the readme parser",
        labels=("in progress", "submitted"),
        by="ana",
    )
    closed = school.issue("school/room-ben", "Old work", labels=("submitted",))
    school.close("school/room-ben", closed["number"])
    school.issue("school/room-ben", "Ask for help", body="Where is the README?")
    school.issue("school/notes", "Public note", labels=("bug",), assignees=["teacher"])
    pull_request(school, "school/room-ana", "Add the README", labels=("submitted",))
    return school


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("repo:school/room-ben is:issue", ["Ask for help", "Old work"]),
        (
            "repo:school/room-ben repo:school/notes is:issue is:open",
            ["Ask for help", "Public note"],
        ),
        ("user:school is:issue state:closed", ["Old work"]),
        ("org:school is:issue is:closed", ["Old work"]),
        ("org:school is:pr", ["Add the README"]),
        ("org:school is:pull-request label:submitted", ["Add the README"]),
        ("org:school is:issue type:pr", []),
        ("org:school is:issue type:issue label:submitted", ["Old work", "Write tests"]),
        ('org:school is:issue label:"in progress"', ["Write tests"]),
        ("org:school is:issue label:submitted label:in-progress", []),
        ('org:school is:issue label:submitted label:"In Progress"', ["Write tests"]),
        ('org:school is:issue label:submitted -label:"in progress"', ["Old work"]),
        ("org:school is:issue author:ana", ["Write tests"]),
        ("org:school is:issue -author:teacher", ["Write tests"]),
        ("org:school is:issue author:@me is:open no:label", ["Ask for help"]),
        ("org:school is:issue assignee:teacher", ["Public note"]),
        ("org:school is:issue no:assignee is:public", []),
        (
            "org:school is:issue is:private readme",
            ["Ask for help", "Fix the README", "Write tests"],
        ),
        ("org:school is:issue readme in:title", ["Fix the README"]),
        ("org:school is:issue readme in:body", ["Ask for help", "Write tests"]),
        ("org:school is:issue README intro", ["Fix the README"]),
        ('org:school is:issue "the intro is"', ["Fix the README"]),
        ("org:school is:issue readme -intro", ["Ask for help", "Write tests"]),
        ("is:issue is:public", ["Public note"]),
    ],
)
def test_qualifiers(stocked: School, q: str, expected: list[str]) -> None:
    assert stocked.titles(q) == expected


def test_sort_and_order(stocked: School) -> None:
    school = stocked
    school.gh.advance(5)
    school.gh.ok(
        "POST", "/repos/school/room-ana/issues/1/comments", school.teacher, json={"body": "a"}
    )
    school.gh.ok(
        "POST", "/repos/school/room-ana/issues/1/comments", school.teacher, json={"body": "b"}
    )

    def numbers(**params: Any) -> list[int]:
        resp = school.search("repo:school/room-ana is:issue", school.teacher, **params)
        return [item["number"] for item in resp.json()["items"]]

    assert numbers(sort="created", order="asc") == [1, 2]
    assert numbers(sort="created") == [2, 1]  # order defaults to desc
    assert numbers(sort="comments", order="asc") == [2, 1]
    # Best match (no sort): the most recently updated first (#1, commented on last), and
    # order is ignored without sort.
    assert numbers(order="asc") == [1, 2]


# -- who sees what -----------------------------------------------------------------------------


def test_each_token_sees_only_the_repositories_it_may_read(school: School) -> None:
    school.issue("school/room-ana", "In Ana's room", labels=("submitted",))
    school.issue("school/room-ben", "In Ben's room", labels=("submitted",))
    school.issue("school/notes", "In the notes", labels=("submitted",))
    school.issue("other/vault", "In the vault", labels=("submitted",))
    everywhere = "is:issue label:submitted"
    assert school.titles(everywhere) == [
        "In Ana's room",
        "In Ben's room",
        "In the notes",
        "In the vault",
    ]
    # An installation: its account's repositories (all, or those selected), and public ones.
    assert school.titles(everywhere, school.installation_token()) == [
        "In Ana's room",
        "In Ben's room",
        "In the notes",
    ]
    only_ana = school.installation_token(["room-ana"])
    assert school.titles(everywhere, only_ana) == ["In Ana's room", "In the notes"]
    assert school.titles(SUBMITTED, only_ana) == ["In Ana's room", "In the notes"]
    assert school.titles(f"{SUBMITTED} is:private", only_ana) == ["In Ana's room"]
    # A person: public repositories and those they can read; a stranger no private issue.
    assert school.titles(everywhere, school.tokens["ana"]) == ["In Ana's room", "In the notes"]
    assert school.titles(everywhere, school.tokens["sam"]) == ["In the notes"]
    assert school.titles(everywhere, "") == ["In the notes"]  # no token
    # Naming a repository one cannot see is GitHub's 422, as for one that does not exist.
    for q in ("repo:school/room-ben is:issue", "repo:school/nothing is:issue"):
        refused = school.search(q, school.tokens["sam"])
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["message"].startswith(
            "The listed users and repositories cannot be searched"
        )
    assert school.search("org:nobody-here is:issue", school.teacher).status_code == 422
    assert school.titles("org:other is:issue", school.tokens["sam"]) == []


# -- pages -------------------------------------------------------------------------------------


def links(resp: httpx.Response) -> dict[str, int]:
    found = {}
    for part in resp.headers.get("link", "").split(","):
        if part.strip():
            url, rel = part.split(";")
            query = parse_qs(urlsplit(url.strip()[1:-1]).query)
            assert query["q"] == ["repo:school/room-ben is:issue"]
            found[rel.strip()[5:-1]] = int(query["page"][0])
    return found


def test_pages_with_link_headers_and_the_first_1000_results_only(school: School) -> None:
    for n in range(1, 1006):
        school.issue("school/room-ben", f"Issue {n}")
    q = "repo:school/room-ben is:issue"
    first = school.search(q, school.teacher, per_page=100, sort="created", order="asc")
    assert first.json()["total_count"] == 1005
    assert [i["number"] for i in first.json()["items"]] == list(range(1, 101))
    # GitHub's last page is the one holding the 1,000th result, not the 1,005th.
    assert links(first) == {"next": 2, "last": 10}
    tenth = school.search(q, school.teacher, per_page=100, page=10, sort="created", order="asc")
    assert [i["number"] for i in tenth.json()["items"]] == list(range(901, 1001))
    assert links(tenth) == {"first": 1, "prev": 9}
    beyond = school.search(q, school.teacher, per_page=100, page=11)
    assert beyond.status_code == 422
    assert beyond.json()["message"] == "Only the first 1000 search results are available"
    default = school.search(q, school.teacher)
    assert len(default.json()["items"]) == 30
    assert links(default) == {"next": 2, "last": 34}
    capped = school.search(q, school.teacher, per_page=500)
    assert len(capped.json()["items"]) == 100


# -- GitHub's 422s -----------------------------------------------------------------------------


def test_what_github_refuses(school: School) -> None:
    missing = school.gh.api("GET", "/search/issues", school.teacher)
    assert missing.status_code == 422
    assert missing.json()["errors"] == [{"resource": "Search", "field": "q", "code": "missing"}]
    assert school.search("  ", school.teacher).status_code == 422
    # Since 2025 GitHub refuses a query that says neither is:issue nor is:pull-request.
    for q in ("org:school label:submitted", "org:school type:issue", "bug"):
        no_kind = school.search(q, school.teacher)
        assert no_kind.status_code == 422, q
        assert no_kind.json()["message"] == "Query must include 'is:issue' or 'is:pull-request'"
    for q in (
        "is:issue lable:submitted",
        "is:issue is:merged",
        "is:issue state:all",
        'is:issue label:"in progress',
        "is:issue label:",
        "is:issue bug OR feature",
        "is:issue -org:school",
        "is:issue in:comments",
        "is:issue repo:school",
    ):
        refused = school.search(q, school.teacher)
        assert refused.status_code == 422, q
        body = refused.json()
        assert body["message"] == "Validation Failed", q
        [error] = body["errors"]
        assert (error["resource"], error["field"], error["code"]) == ("Search", "q", "invalid")
        assert error["message"], q
    for params in ({"sort": "stars"}, {"order": "up"}, {"per_page": 0}, {"page": 0}):
        assert school.search("is:issue", school.teacher, **params).status_code == 422, params


# -- the search rate limit ---------------------------------------------------------------------


def test_search_has_its_own_limit_of_30_a_minute(school: School) -> None:
    gh = school.gh
    core_before = gh.ok("GET", "/rate_limit", school.teacher)["resources"]["core"]["used"]
    for n in range(30):
        resp = school.search("is:issue", school.teacher)
        assert resp.status_code == 200
        assert resp.headers["x-ratelimit-limit"] == "30"
        assert resp.headers["x-ratelimit-remaining"] == str(29 - n)
    over = school.search("is:issue", school.teacher)
    assert over.status_code == 403
    assert over.json()["message"].startswith("API rate limit exceeded for ")
    assert over.headers["x-ratelimit-resource"] == "search"
    assert over.headers["x-ratelimit-remaining"] == "0"
    limits = gh.ok("GET", "/rate_limit", school.teacher)["resources"]
    assert limits["search"]["limit"] == 30 and limits["search"]["remaining"] == 0
    assert int(over.headers["x-ratelimit-reset"]) == limits["search"]["reset"]
    # Searching spent none of the core limit; another identity has its own search budget.
    assert limits["core"]["used"] == core_before
    assert school.search("is:issue", school.tokens["ana"]).status_code == 200
    gh.advance(60)
    assert school.search("is:issue", school.teacher).status_code == 200


def test_without_a_token_search_allows_10_a_minute(school: School) -> None:
    for _ in range(10):
        assert school.search("is:issue is:public").status_code == 200
    over = school.search("is:issue is:public")
    assert (over.status_code, over.headers["x-ratelimit-limit"]) == (403, "10")


# -- the index lags ----------------------------------------------------------------------------


def test_search_shows_a_change_only_once_the_index_has_caught_up(school: School) -> None:
    gh = school.gh
    gh.config(search_lag_seconds=30)
    old = school.issue("school/room-ana", "Indexed long ago", labels=("submitted",))
    gh.advance(31)
    # A change nobody has searched since: search keeps answering from the version before it.
    url = f"/repos/school/room-ana/issues/{old['number']}/labels/submitted"
    gh.ok("DELETE", url, school.teacher)
    school.issue("school/room-ana", "Just opened", labels=("submitted",))
    [item] = school.search(SUBMITTED, school.teacher).json()["items"]
    assert item["title"] == "Indexed long ago"  # the new issue is not found yet
    assert [label["name"] for label in item["labels"]] == ["submitted"]
    gh.advance(29)
    assert school.titles(SUBMITTED) == ["Indexed long ago"]
    gh.advance(2)
    assert school.titles(SUBMITTED) == ["Just opened"]


def test_the_default_lag_is_a_few_seconds(start_hub: Callable[..., Hub]) -> None:  # noqa: F811
    gh = start_hub()
    lag = gh.control("GET", "config")["search_lag_seconds"]
    assert 0 < lag <= 60


# -- GitHub's description and a client nobody here wrote ---------------------------------------


@pytest.mark.schemas
def test_answers_match_githubs_openapi_description(stocked: School, openapi_validator: Any) -> None:
    # Items whose issue has a body: GitHub's description types a search item's body as a
    # string, while the local GitHub keeps the issues endpoints' null for an issue without one.
    school = stocked
    for resp in (
        school.search("org:school is:issue readme", school.teacher, per_page=2),
        school.search("org:school is:pr label:submitted", school.teacher),
        school.search("org:school label:submitted", school.teacher),
        school.search("is:issue lable:x", school.teacher),
        school.gh.api("GET", "/search/issues", school.teacher),
    ):
        openapi_validator.validate_http_response(resp)
    openapi_validator.validate_http_response(school.gh.api("GET", "/rate_limit", school.teacher))


@pytest.fixture
def pygithub(stocked: School) -> Iterator[Github]:
    client = Github(
        auth=Auth.Token(stocked.teacher),
        base_url=stocked.gh.hub.api_url,
        seconds_between_requests=0,
        seconds_between_writes=0,
        per_page=2,
    )
    yield client
    client.close()


def test_pygithub_searches_issues(pygithub: Github, stocked: School) -> None:
    # Qualifiers as keywords (PyGithub appends them to the query); pages of two, followed.
    found = pygithub.search_issues(
        "is:issue label:submitted", sort="created", order="asc", org="school"
    )
    assert found.totalCount == 2
    assert [issue.title for issue in found] == ["Write tests", "Old work"]
    titles = [issue.title for issue in pygithub.search_issues("org:school is:issue is:open")]
    assert sorted(titles) == ["Ask for help", "Fix the README", "Public note", "Write tests"]
    issue = next(iter(pygithub.search_issues("org:school is:issue author:ana")))
    assert issue.repository.full_name == "school/room-ana"
    assert [label.name for label in issue.labels] == ["in progress", "submitted"]
    with pytest.raises(GithubException) as refused:
        list(pygithub.search_issues("org:school label:submitted"))
    assert refused.value.status == 422


# -- the parser, without a hub -----------------------------------------------------------------


def test_parser_reads_quotes_negation_and_me() -> None:
    query = parse(
        'is:issue Label:"Needs Review" -label:wip author:@me "two words" -draft', me="Ana"
    )
    assert query.names_kind and query.kinds == {"issue"}
    assert (query.labels, query.not_labels) == (["needs review"], ["wip"])
    assert query.authors == {"ana"}
    assert (query.words, query.not_words) == (["two words"], ["draft"])
    with pytest.raises(QueryError):
        parse("is:issue author:@me")  # no signed-in user
    with pytest.raises(QueryError):
        parse('is:issue "a"b')


def test_matching_reads_githubs_json() -> None:
    item = {
        "title": "Write tests",
        "body": None,
        "state": "open",
        "labels": [{"name": "Submitted"}],
        "user": {"login": "Ana"},
        "assignees": [],
        "milestone": None,
    }
    assert matches(parse("is:issue label:submitted author:ana tests"), item, private=True)
    assert not matches(parse("is:pr"), item, private=True)
    assert not matches(parse("is:issue is:public"), item, private=True)
    assert not matches(parse("is:issue tests in:body"), item, private=False)
