"""Parts of the contract scenario (``tests/test_localhub_contract.py``) for the routes widely
used clients rely on: each call's answer is recorded and validated against GitHub's OpenAPI
description there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Call = Callable[..., Any]


def exercise_repository_lists(gh: Call, outsider: Call) -> None:
    """The authenticated user's, a user's and an organisation's repositories; one by id."""
    gh("GET", "/user/repos", 200)
    gh("GET", "/user/repos", 200, params={"visibility": "private", "sort": "created"})
    gh("GET", "/user/repos", 422, params={"type": "owner", "visibility": "all"})
    gh("GET", "/users/owner/repos", 200)
    outsider("GET", "/users/owner/repos", 200, params={"type": "all"})
    gh("GET", "/users/nobody-here/repos", 404)
    gh("GET", "/orgs/org/repos", 200, params={"type": "private", "sort": "full_name"})
    workshop = gh("GET", "/repos/org/workshop", 200)
    gh("GET", f"/repositories/{workshop['id']}", 200)
    private = gh("GET", "/repos/org/template", 200)
    outsider("GET", f"/repositories/{private['id']}", 404)


def exercise_search(gh: Call, outsider: Call) -> None:
    """Issue search as a GLOW job sends it (the hub's index lag set to 0 by the caller): one
    issue found, one stranger who finds none, and GitHub's 422s. The issue has a body: GitHub's
    description types a search item's body as a string (the hub keeps null for none)."""
    gh(
        "POST",
        "/repos/org/template/issues",
        201,
        json={"title": "Challenge 1", "body": "Done, please look.", "labels": ["submitted"]},
    )
    q = "org:org is:issue is:open label:submitted"
    [item] = gh("GET", "/search/issues", 200, params={"q": q})["items"]
    assert item["title"] == "Challenge 1"
    assert outsider("GET", "/search/issues", 200, params={"q": q})["total_count"] == 0
    gh("GET", "/search/issues", 422, params={"q": "org:org label:submitted"})
    gh("GET", "/search/issues", 422, params={"q": "is:issue lable:submitted"})
    gh("GET", "/search/issues", 422)
    gh("GET", "/search/issues", 422, params={"q": q, "per_page": 100, "page": 11})


def exercise_refs_and_locks(gh: Call, learner: Call, issue_number: int) -> None:
    """The list form of git refs; locking and unlocking an issue, and a comment refused while it
    is locked (called while the issue is open, before its pull request merges)."""
    gh("GET", "/repos/org/workshop/git/refs", 200)
    gh("GET", "/repos/org/workshop/git/refs", 200, params={"per_page": 1})
    issue = f"/repos/org/workshop/issues/{issue_number}"
    gh("PUT", f"{issue}/lock", 204, json={"lock_reason": "resolved"})
    gh("PUT", f"{issue}/lock", 422, json={"lock_reason": "boring"})
    learner("POST", f"{issue}/comments", 403, json={"body": "still here?"})
    gh("GET", issue, 200)
    gh("DELETE", f"{issue}/lock", 204)
    exercise_reactions(learner, issue)


def exercise_reactions(learner: Call, issue: str) -> None:
    """Reactions on an issue and on a comment (Challenge 3 asks a learner for one)."""
    learner("POST", f"{issue}/reactions", 201, json={"content": "+1"})
    learner("POST", f"{issue}/reactions", 200, json={"content": "+1"})
    learner("POST", f"{issue}/reactions", 422, json={"content": "thumbs-up"})
    learner("GET", f"{issue}/reactions", 200, params={"content": "+1"})
    comment = learner("POST", f"{issue}/comments", 201, json={"body": "Me too"})
    repo = issue.rsplit("/issues/", 1)[0]
    learner(
        "POST", f"{repo}/issues/comments/{comment['id']}/reactions", 201, json={"content": "eyes"}
    )
    learner("GET", f"{repo}/issues/comments/{comment['id']}/reactions", 200)


def exercise_settings(gh: Call, outsider: Call) -> None:
    """An organisation's and a repository's settings as `glow setup` makes them: Actions
    variables and secrets, a team with a repository, the organisation's App installations
    (called once the org, its private `template` and the public `workshop` exist)."""
    import base64

    from nacl.public import PublicKey, SealedBox

    for url, extra in (
        ("/orgs/org/actions/variables", {"visibility": "all"}),
        ("/repos/org/workshop/actions/variables", {}),
    ):
        gh("POST", url, 201, json={"name": "COHORT", "value": "one", **extra})
        gh("POST", url, 409, json={"name": "COHORT", "value": "two", **extra})
        gh("GET", url, 200)
        gh("GET", f"{url}/COHORT", 200)
        gh("PATCH", f"{url}/COHORT", 204, json={"value": "two"})
        gh("DELETE", f"{url}/COHORT", 204)
        gh("GET", f"{url}/COHORT", 404)
    outsider("GET", "/orgs/org/actions/variables", 403)
    outsider("GET", "/repos/org/template/actions/variables", 404)

    key = gh("GET", "/repos/org/workshop/actions/secrets/public-key", 200)
    sealed = SealedBox(PublicKey(base64.b64decode(key["key"]))).encrypt(b"value")
    secret = {"encrypted_value": base64.b64encode(sealed).decode(), "key_id": key["key_id"]}
    gh("PUT", "/repos/org/workshop/actions/secrets/TOKEN", 201, json=secret)
    gh("PUT", "/repos/org/workshop/actions/secrets/TOKEN", 204, json=secret)
    gh("GET", "/repos/org/workshop/actions/secrets", 200)
    gh("GET", "/repos/org/workshop/actions/secrets/TOKEN", 200)
    gh("GET", "/repos/org/workshop/actions/secrets/NONE", 404)
    gh("GET", "/orgs/org/actions/secrets", 200)
    gh("PUT", "/repos/org/workshop/actions/secrets/GONE", 201, json=secret)
    gh("DELETE", "/repos/org/workshop/actions/secrets/GONE", 204)
    gh("DELETE", "/repos/org/workshop/actions/secrets/GONE", 404)

    team = "/orgs/org/teams/facilitators"
    gh("POST", "/orgs/org/teams", 201, json={"name": "Facilitators", "privacy": "closed"})
    gh("POST", "/orgs/org/teams", 422, json={"name": "Facilitators"})
    outsider("POST", "/orgs/org/teams", 403, json={"name": "Mine"})
    gh("GET", "/orgs/org/teams", 200)
    gh("GET", team, 200)
    gh("GET", f"{team}/memberships/learner", 404)
    gh("PUT", f"{team}/memberships/learner", 200, json={"role": "member"})
    gh("GET", f"{team}/memberships/learner", 200)
    gh("GET", f"{team}/members", 200)
    gh("GET", f"{team}/repos/org/template", 404)
    gh("PUT", f"{team}/repos/org/template", 204, json={"permission": "push"})
    gh("GET", f"{team}/repos/org/template", 204)
    repo_json = {"Accept": "application/vnd.github.v3.repository+json"}
    gh("GET", f"{team}/repos/org/template", 200, headers=repo_json)
    gh("GET", f"{team}/repos", 200)
    gh("GET", "/orgs/org/installations", 200)
    outsider("GET", "/orgs/org/installations", 403)


def exercise_required_checks(gh: Call, outsider: Call, pull: int, head: str) -> None:
    """Commit statuses and a branch that requires one: the merge of ``pull`` (open, its head
    ``head``) is refused while the required context is missing, then pending, and allowed once
    it says success (``enforce_admins``: the owner may not bypass it); a direct write of a new
    commit is refused too. It leaves ``enforce_admins`` off, so the owner writes to main again."""
    repo = "/repos/org/workshop"
    gh("GET", f"{repo}/branches/main/protection", 404)
    body = {
        "required_status_checks": {"strict": False, "contexts": ["glow/certification"]},
        "enforce_admins": True,
        "required_pull_request_reviews": None,
        "restrictions": None,
    }
    outsider("PUT", f"{repo}/branches/main/protection", 403, json=body)
    # A private repository of an organisation on GitHub Free cannot be protected.
    gh("PUT", "/repos/org/template/branches/main/protection", 403, json=body)
    gh("PUT", f"{repo}/branches/main/protection", 422, json={"enforce_admins": True})
    gh("PUT", f"{repo}/branches/main/protection", 200, json=body)
    protection = gh("GET", f"{repo}/branches/main/protection", 200)
    assert protection["required_status_checks"]["contexts"] == ["glow/certification"]
    assert gh("GET", f"{repo}/branches/main", 200)["protected"] is True
    assert gh("GET", f"{repo}/commits/{head}/status", 200)["state"] == "pending"
    refused = gh("PUT", f"{repo}/pulls/{pull}/merge", 405, json={})
    assert refused["message"] == 'Required status check "glow/certification" is expected.'
    status = {"state": "pending", "context": "glow/certification", "description": "Running"}
    outsider("POST", f"{repo}/statuses/{head}", 403, json=status)
    gh("POST", f"{repo}/statuses/{'0' * 40}", 422, json=status)
    gh("POST", f"{repo}/statuses/{head}", 422, json={**status, "state": "done"})
    gh("POST", f"{repo}/statuses/{head}", 422, json={**status, "description": "x" * 141})
    gh("POST", f"{repo}/statuses/{head}", 201, json=status)
    gh("PUT", f"{repo}/pulls/{pull}/merge", 405, json={})
    gh("POST", f"{repo}/statuses/{head}", 201, json={"state": "failure", "context": "other"})
    gh("POST", f"{repo}/statuses/{head}", 201, json={**status, "state": "success"})
    combined = gh("GET", f"{repo}/commits/{head}/status", 200)
    assert (combined["state"], combined["total_count"]) == ("failure", 2)
    listed = gh("GET", f"{repo}/commits/{head}/statuses", 200)
    assert [s["state"] for s in listed] == ["success", "failure", "pending"]
    assert gh("GET", f"{repo}/statuses/{head}", 200) == listed
    # A direct write to the branch needs the check too, unless administrators may bypass it.
    write = {"message": "direct", "content": "aGkK"}
    refused = gh("PUT", f"{repo}/contents/direct.md", 409, json=write)
    assert (
        refused["message"]
        == 'Could not create file: Required status check "glow/certification" is expected.'
    )
    gh("PUT", f"{repo}/branches/main/protection", 200, json={**body, "enforce_admins": False})


def exercise_rulesets(gh: Call, outsider: Call, app_id: int) -> None:
    """A repository ruleset as `glow author` keeps it on the template (called with the public
    `workshop`, whose main it leaves as it found it): the default branch requires a status of
    everyone but the App; a direct write is refused, the rules of a branch are listed."""
    repo = "/repos/org/workshop"
    body = {
        "name": "GLOW certification",
        "target": "branch",
        "enforcement": "active",
        "conditions": {"ref_name": {"include": ["~DEFAULT_BRANCH"], "exclude": []}},
        "rules": [
            {
                "type": "required_status_checks",
                "parameters": {
                    "required_status_checks": [{"context": "glow/certification"}],
                    "strict_required_status_checks_policy": False,
                },
            }
        ],
        "bypass_actors": [
            {"actor_id": app_id, "actor_type": "Integration", "bypass_mode": "always"}
        ],
    }
    gh("POST", "/repos/org/template/rulesets", 403, json=body)  # private, on GitHub Free
    outsider("POST", f"{repo}/rulesets", 403, json=body)
    gh("POST", f"{repo}/rulesets", 422, json={"enforcement": "active"})
    made = gh("POST", f"{repo}/rulesets", 201, json=body)
    gh("POST", f"{repo}/rulesets", 422, json=body)
    gh("GET", f"{repo}/rulesets", 200)
    gh("GET", f"{repo}/rulesets/{made['id']}", 200)
    gh("GET", f"{repo}/rulesets/0", 404)
    assert gh("GET", f"{repo}/rules/branches/main", 200)[0]["ruleset_id"] == made["id"]
    write = {"message": "direct", "content": "aGkK"}
    refused = gh("PUT", f"{repo}/contents/direct.md", 409, json=write)
    assert refused["message"].startswith("Repository rule violations found")
    main = gh("GET", f"{repo}/git/ref/heads/main", 200)["object"]["sha"]
    parent = gh("GET", f"{repo}/git/commits/{main}", 200)
    tree = parent["tree"]["sha"]
    new = gh(
        "POST", f"{repo}/git/commits", 201, json={"message": "x", "tree": tree, "parents": [main]}
    )
    gh("PATCH", f"{repo}/git/refs/heads/main", 422, json={"sha": new["sha"]})
    gh("PUT", f"{repo}/rulesets/{made['id']}", 200, json={"enforcement": "evaluate"})
    gh("DELETE", f"{repo}/rulesets/{made['id']}", 204)
    gh("DELETE", f"{repo}/rulesets/{made['id']}", 404)
