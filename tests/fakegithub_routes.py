"""The endpoints FakeGitHub answers: GitHub's paths, status codes and the fields GLOW reads.

Each handler gets the fake, then keywords: the request, the JSON body, the query and the path
parameters. Routes are matched in order; ``:name`` is one segment, ``*name`` the rest.
"""

from __future__ import annotations

import base64
from typing import Any

import httpx

from tests.fakegithub import FakeGitHub, Handler, RepoState, content_sha, error


def _repo(fake: FakeGitHub, owner: str, name: str) -> RepoState | None:
    return fake.repos.get(f"{owner}/{name}")


def _installations(fake: FakeGitHub, request: httpx.Request, **_: Any) -> httpx.Response:
    return fake.page(request, fake.installations)


def _app(fake: FakeGitHub, **_: Any) -> httpx.Response:
    return httpx.Response(200, json={"id": int(fake.app_id or 0), "slug": "glow-app"})


def _access_token(fake: FakeGitHub, installation: str, **_: Any) -> httpx.Response:
    if not any(str(i["id"]) == installation for i in fake.installations):
        return error(404, "Not Found")
    token = f"ghs_fake{installation}_{len(fake.tokens)}"
    fake.tokens[token] = "glow-app[bot]"
    return httpx.Response(201, json={"token": token, "expires_at": "2099-01-01T00:00:00Z"})


def _user(fake: FakeGitHub, request: httpx.Request, **_: Any) -> httpx.Response:
    login = fake.login_of(request)
    if login.endswith("[bot]"):  # GitHub: job and installation tokens are integrations
        return error(403, "Resource not accessible by integration")
    return httpx.Response(200, json={"login": login, "type": "User"})


def _list_comments(
    fake: FakeGitHub, request: httpx.Request, owner: str, name: str, issue: str, **_: Any
) -> httpx.Response:
    repo = _repo(fake, owner, name)
    if repo is None:
        return error(404, "Not Found")
    return fake.page(request, repo.comments.get(int(issue), []))


def _create_comment(
    fake: FakeGitHub, request: httpx.Request, body: Any, owner: str, name: str, issue: str, **_: Any
) -> httpx.Response:
    repo = _repo(fake, owner, name)
    if repo is None:
        return error(404, "Not Found")
    comment = {
        "id": next(fake._ids),
        "body": body["body"],
        "user": {"login": fake.login_of(request)},
    }
    repo.comments.setdefault(int(issue), []).append(comment)
    return httpx.Response(201, json=comment)


def _find_comment(fake: FakeGitHub, owner: str, name: str, cid: str) -> tuple[list, dict] | None:
    repo = _repo(fake, owner, name)
    for comments in repo.comments.values() if repo else []:
        for comment in comments:
            if str(comment["id"]) == cid:
                return comments, comment
    return None


def _edit_comment(
    fake: FakeGitHub, body: Any, owner: str, name: str, cid: str, **_: Any
) -> httpx.Response:
    found = _find_comment(fake, owner, name, cid)
    if found is None:
        return error(404, "Not Found")
    found[1]["body"] = body["body"]
    return httpx.Response(200, json=found[1])


def _delete_comment(fake: FakeGitHub, owner: str, name: str, cid: str, **_: Any) -> httpx.Response:
    found = _find_comment(fake, owner, name, cid)
    if found is None:
        return error(404, "Not Found")
    found[0].remove(found[1])
    return httpx.Response(204)


def _get_label(fake: FakeGitHub, owner: str, name: str, label: str, **_: Any) -> httpx.Response:
    repo = _repo(fake, owner, name)
    if repo is None or label.lower() not in repo.labels:
        return error(404, "Not Found")
    return httpx.Response(200, json=repo.labels[label.lower()])


def _create_label(fake: FakeGitHub, body: Any, owner: str, name: str, **_: Any) -> httpx.Response:
    repo = _repo(fake, owner, name)
    if repo is None:
        return error(404, "Not Found")
    if body["name"].lower() in repo.labels:
        return error(
            422,
            "Validation Failed",
            errors=[{"resource": "Label", "code": "already_exists", "field": "name"}],
        )
    label = {
        "id": next(fake._ids),
        "name": body["name"],
        "color": body.get("color", "ededed"),
        "description": body.get("description") or None,
    }
    repo.labels[body["name"].lower()] = label
    return httpx.Response(201, json=label)


def _edit_label(
    fake: FakeGitHub, body: Any, owner: str, name: str, label: str, **_: Any
) -> httpx.Response:
    repo = _repo(fake, owner, name)
    if repo is None or label.lower() not in repo.labels:
        return error(404, "Not Found")
    current = repo.labels[label.lower()]
    current.update({k: body[k] for k in ("color", "description") if k in body})
    return httpx.Response(200, json=current)


def _issue_labels(repo: RepoState, issue: str) -> list[dict[str, Any]]:
    return [repo.labels[n.lower()] for n in repo.issue_labels.get(int(issue), [])]


def _list_issue_labels(
    fake: FakeGitHub, request: httpx.Request, owner: str, name: str, issue: str, **_: Any
) -> httpx.Response:
    repo = _repo(fake, owner, name)
    if repo is None:
        return error(404, "Not Found")
    return fake.page(request, _issue_labels(repo, issue))


def _add_issue_labels(
    fake: FakeGitHub, body: Any, owner: str, name: str, issue: str, **_: Any
) -> httpx.Response:
    repo = _repo(fake, owner, name)
    if repo is None:
        return error(404, "Not Found")
    on_issue = repo.issue_labels.setdefault(int(issue), [])
    for label in body["labels"]:
        if label.lower() not in repo.labels:  # GitHub creates unknown labels on the fly
            repo.labels[label.lower()] = {
                "id": next(fake._ids),
                "name": label,
                "color": "ededed",
                "description": None,
            }
        if label.lower() not in [n.lower() for n in on_issue]:
            on_issue.append(label)
    return httpx.Response(200, json=_issue_labels(repo, issue))


def _remove_issue_label(
    fake: FakeGitHub, owner: str, name: str, issue: str, label: str, **_: Any
) -> httpx.Response:
    repo = _repo(fake, owner, name)
    on_issue = repo.issue_labels.get(int(issue), []) if repo else []
    match = [n for n in on_issue if n.lower() == label.lower()]
    if repo is None or not match:
        return error(404, "Label does not exist")
    on_issue.remove(match[0])
    return httpx.Response(200, json=_issue_labels(repo, issue))


def _tree_of(fake: FakeGitHub, repo: RepoState, ref: str | None) -> tuple[str, dict] | None:
    branch = ref or repo.default_branch
    if branch not in repo.refs:
        return None
    return branch, fake.trees[fake.commits[repo.refs[branch]]["tree"]]


def _get_contents(
    fake: FakeGitHub, query: dict[str, str], owner: str, name: str, path: str, **_: Any
) -> httpx.Response:
    repo = _repo(fake, owner, name)
    found = _tree_of(fake, repo, query.get("ref")) if repo else None
    if found is None:
        return error(404, "Not Found")
    tree = found[1]
    if path in tree:
        sha = tree[path][1]
        encoded = base64.encodebytes(fake.blobs[sha]).decode()  # GitHub wraps lines too
        return httpx.Response(
            200,
            json={
                "type": "file",
                "path": path,
                "sha": sha,
                "encoding": "base64",
                "content": encoded,
            },
        )
    children = sorted({p[len(path) + 1 :].split("/")[0] for p in tree if p.startswith(path + "/")})
    if children:
        return httpx.Response(200, json=[{"name": c, "path": f"{path}/{c}"} for c in children])
    return error(404, "Not Found")


def _write_contents(
    fake: FakeGitHub, request: httpx.Request, body: Any, owner: str, name: str, path: str, **_: Any
) -> httpx.Response:
    repo = _repo(fake, owner, name)
    found = _tree_of(fake, repo, body.get("branch")) if repo else None
    if repo is None or found is None:
        return error(404, "Not Found")
    branch, tree = found
    current = tree.get(path)
    deleting = request.method == "DELETE"
    if current is None and deleting:
        return error(404, "Not Found")
    if current is not None and "sha" not in body:
        return error(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
    if current is not None and body["sha"] != current[1]:
        return error(409, f"{path} does not match {body['sha']}")
    new_tree = dict(tree)
    if deleting:
        del new_tree[path]
    else:
        new_tree[path] = ("100644", fake._store_blob(base64.b64decode(body["content"])))
    head = repo.refs[branch]
    commit = fake._store_commit(fake._store_tree(new_tree), [head], body["message"])
    repo.refs[branch] = commit
    content = None if deleting else {"path": path, "sha": new_tree[path][1]}
    status = 200 if current is not None else 201
    return httpx.Response(status, json={"content": content, "commit": {"sha": commit}})


def _get_ref(fake: FakeGitHub, owner: str, name: str, branch: str, **_: Any) -> httpx.Response:
    repo = _repo(fake, owner, name)
    if repo is None or branch not in repo.refs:
        return error(404, "Not Found")
    return httpx.Response(
        200,
        json={
            "ref": f"refs/heads/{branch}",
            "object": {"type": "commit", "sha": repo.refs[branch]},
        },
    )


def _list_branches(
    fake: FakeGitHub, request: httpx.Request, owner: str, name: str, **_: Any
) -> httpx.Response:
    repo = _repo(fake, owner, name)
    if repo is None:
        return error(404, "Not Found")
    branches = [
        {"name": branch, "commit": {"sha": sha}, "protected": False}
        for branch, sha in sorted(repo.refs.items())
    ]
    return fake.page(request, branches)


def _update_ref(
    fake: FakeGitHub, body: Any, owner: str, name: str, branch: str, **_: Any
) -> httpx.Response:
    repo = _repo(fake, owner, name)
    if repo is None or branch not in repo.refs:
        return error(422, "Reference does not exist")
    if body["sha"] not in fake.commits:
        return error(422, "Object does not exist")
    if not body.get("force") and repo.refs[branch] not in fake.ancestors(body["sha"]):
        return error(422, "Update is not a fast forward")
    repo.refs[branch] = body["sha"]
    return httpx.Response(
        200, json={"ref": f"refs/heads/{branch}", "object": {"type": "commit", "sha": body["sha"]}}
    )


def _get_commit(fake: FakeGitHub, sha: str, **_: Any) -> httpx.Response:
    if sha not in fake.commits:
        return error(404, "Not Found")
    commit = fake.commits[sha]
    return httpx.Response(
        200,
        json={
            "sha": sha,
            "tree": {"sha": commit["tree"]},
            "parents": [{"sha": p} for p in commit["parents"]],
            "message": commit["message"],
        },
    )


def _create_commit(fake: FakeGitHub, body: Any, **_: Any) -> httpx.Response:
    if body["tree"] not in fake.trees or any(p not in fake.commits for p in body["parents"]):
        return error(422, "Tree or parent does not exist")
    sha = fake._store_commit(body["tree"], list(body["parents"]), body["message"])
    return httpx.Response(201, json={"sha": sha, "tree": {"sha": body["tree"]}})


def _get_tree(fake: FakeGitHub, query: dict[str, str], sha: str, **_: Any) -> httpx.Response:
    # The adapter always lists recursively; a flat listing would hide nested paths from it.
    assert query.get("recursive") in ("1", "true"), "tree listed without recursive=1"
    if sha not in fake.trees:
        return error(404, "Not Found")
    entries = [
        {"path": p, "mode": m, "type": "blob", "sha": s}
        for p, (m, s) in sorted(fake.trees[sha].items())
    ]
    dirs = {"/".join(p.split("/")[:i]) for p in fake.trees[sha] for i in range(1, p.count("/") + 1)}
    entries += [
        {"path": d, "mode": "040000", "type": "tree", "sha": content_sha("dir", d)} for d in dirs
    ]
    return httpx.Response(200, json={"sha": sha, "tree": entries, "truncated": False})


def _create_tree(fake: FakeGitHub, body: Any, **_: Any) -> httpx.Response:
    base = body.get("base_tree")
    if base is not None and base not in fake.trees:
        return error(422, "Invalid tree info")
    tree = dict(fake.trees[base]) if base else {}
    for entry in body["tree"]:
        if entry.get("content") is not None:  # text inline: GitHub stores the blob itself
            blob = fake._store_blob(str(entry["content"]).encode("utf-8"))
            tree[entry["path"]] = (entry["mode"], blob)
        elif entry["sha"] is None:
            if entry["path"] not in tree:
                return error(422, "GitRPC::BadObjectState")
            del tree[entry["path"]]
        elif entry["sha"] not in fake.blobs:
            return error(422, "Invalid tree info")
        else:
            tree[entry["path"]] = (entry["mode"], entry["sha"])
    return httpx.Response(201, json={"sha": fake._store_tree(tree)})


def _create_blob(fake: FakeGitHub, body: Any, **_: Any) -> httpx.Response:
    assert body["encoding"] == "base64", body
    return httpx.Response(201, json={"sha": fake._store_blob(base64.b64decode(body["content"]))})


def _get_blob(fake: FakeGitHub, sha: str, **_: Any) -> httpx.Response:
    if sha not in fake.blobs:
        return error(404, "Not Found")
    return httpx.Response(
        200,
        json={
            "sha": sha,
            "encoding": "base64",
            "content": base64.b64encode(fake.blobs[sha]).decode(),
        },
    )


ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", "user", _user),
    ("GET", "app", _app),
    ("GET", "app/installations", _installations),
    ("POST", "app/installations/:installation/access_tokens", _access_token),
    ("GET", "repos/:owner/:name/issues/:issue/comments", _list_comments),
    ("POST", "repos/:owner/:name/issues/:issue/comments", _create_comment),
    ("PATCH", "repos/:owner/:name/issues/comments/:cid", _edit_comment),
    ("DELETE", "repos/:owner/:name/issues/comments/:cid", _delete_comment),
    ("GET", "repos/:owner/:name/labels/:label", _get_label),
    ("POST", "repos/:owner/:name/labels", _create_label),
    ("PATCH", "repos/:owner/:name/labels/:label", _edit_label),
    ("GET", "repos/:owner/:name/issues/:issue/labels", _list_issue_labels),
    ("POST", "repos/:owner/:name/issues/:issue/labels", _add_issue_labels),
    ("DELETE", "repos/:owner/:name/issues/:issue/labels/:label", _remove_issue_label),
    ("GET", "repos/:owner/:name/contents/*path", _get_contents),
    ("PUT", "repos/:owner/:name/contents/*path", _write_contents),
    ("DELETE", "repos/:owner/:name/contents/*path", _write_contents),
    ("GET", "repos/:owner/:name/git/ref/heads/*branch", _get_ref),
    ("GET", "repos/:owner/:name/branches", _list_branches),
    ("PATCH", "repos/:owner/:name/git/refs/heads/*branch", _update_ref),
    ("GET", "repos/:owner/:name/git/commits/:sha", _get_commit),
    ("POST", "repos/:owner/:name/git/commits", _create_commit),
    ("GET", "repos/:owner/:name/git/trees/:sha", _get_tree),
    ("POST", "repos/:owner/:name/git/trees", _create_tree),
    ("POST", "repos/:owner/:name/git/blobs", _create_blob),
    ("GET", "repos/:owner/:name/git/blobs/:sha", _get_blob),
]
