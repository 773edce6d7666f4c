"""What a branch's rules refuse when it moves: classic branch protection's required status
checks and repository rulesets, asked the same way by every door a branch moves through (git
push over smart HTTP, the contents API, the git refs API, a pull request's merge).

GitHub's semantics, as documented ("About protected branches", "Available rules for
rulesets"): a required status check must say ``success`` on the very commit the branch is
moved to, so a direct push of a new commit is refused (no status can be on it yet), and a
merge is judged on the pull request's head. Classic protection lets an administrator through
only while ``enforce_admins`` is off, and never an App; a ruleset lets through the actors in
its ``bypass_actors`` (``always``/``exempt``; ``pull_request`` only for merges). Neither is
enforced on a private repository of an organisation on GitHub Free (classic protection cannot
even be set there). Only ``required_status_checks`` rules are enforced; other rule types are
stored and listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

from glow.localhub.api.actionsdata import plan_of
from glow.localhub.api.required import latest_by_context, unmet_contexts
from glow.localhub.auth import ROLES, Principal, effective_role, org_role
from glow.localhub.state import Store

# GitHub's fixed ids of the repository roles a ruleset's bypass list names.
REPOSITORY_ROLE_IDS = {1: "read", 2: "maintain", 3: "triage", 4: "write", 5: "admin"}


@dataclass(frozen=True)
class Refusal:
    """Why GitHub refuses to move ``ref``: by classic protection or by repository rules."""

    kind: Literal["protection", "ruleset"]
    ref: str
    violations: tuple[str, ...]  # one sentence each, GitHub's words

    def message(self) -> str:
        """The REST answer's message."""
        if self.kind == "ruleset":
            return "Repository rule violations found\n\n" + "".join(
                f"{v}\n\n" for v in self.violations
            )
        return " ".join(self.violations)

    def git_reason(self) -> str:
        """What ``git push`` prints in brackets after ``[remote rejected]``."""
        if self.kind == "ruleset":
            return "push declined due to repository rule violations"
        return "protected branch hook declined"

    def git_lines(self, repo_html_url: str) -> list[str]:
        """The lines git prints after ``remote:``."""
        if self.kind == "protection":
            return [
                f"error: GH006: Protected branch update failed for {self.ref}.",
                *(f"error: {v}" for v in self.violations),
            ]
        review = f"{repo_html_url}/rules?ref={quote(self.ref, safe='')}"
        lines = [
            f"error: GH013: Repository rule violations found for {self.ref}.",
            f"Review all repository rules at {review}",
            "",
        ]
        for violation in self.violations:
            lines += [f"- {violation}", ""]
        return lines


def enforced_here(store: Store, repo: dict[str, Any]) -> bool:
    """Branch rules hold on public repositories on every plan, on private ones on a paid plan."""
    owner = store.account(repo["owner"])
    return not (
        repo.get("private")
        and owner
        and owner.get("type") == "Organization"
        and plan_of(owner) == "free"
    )


def expected(unmet: list[str], total: int) -> str:
    if total == 1:
        return f'Required status check "{unmet[0]}" is expected.'
    return f"{len(unmet)} of {total} required status checks are expected."


def branch_pattern(pattern: str) -> re.Pattern[str]:
    """A ruleset's ref pattern as GitHub reads it (fnmatch with ``File::FNM_PATHNAME``): ``*``
    and ``?`` stop at ``/``, ``**`` crosses it; everything else is literal."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def ref_matches(ruleset: dict[str, Any], ref: str, default_branch: str) -> bool:
    """Whether a branch ruleset's ``conditions.ref_name`` takes ``ref`` (``refs/heads/x``):
    one ``include`` pattern (``branch_pattern``, ``~DEFAULT_BRANCH``, ``~ALL``) and no
    ``exclude`` one."""
    names = ((ruleset.get("conditions") or {}).get("ref_name")) or {}

    def hit(pattern: str) -> bool:
        if pattern == "~ALL":
            return True
        if pattern == "~DEFAULT_BRANCH":
            return ref == f"refs/heads/{default_branch}"
        return branch_pattern(pattern).fullmatch(ref) is not None

    include = names.get("include") or []
    return any(map(hit, include)) and not any(map(hit, names.get("exclude") or []))


def active_rulesets(repo: dict[str, Any], ref: str) -> list[dict[str, Any]]:
    """The repository's active branch rulesets that take ``ref``, oldest first."""
    return [
        r
        for r in (repo.get("rulesets") or {}).values()
        if r["target"] == "branch"
        and r["enforcement"] == "active"
        and ref.startswith("refs/heads/")
        and ref_matches(r, ref, repo["default_branch"])
    ]


def bypasses(
    store: Store, principal: Principal, repo: dict[str, Any], actor: dict[str, Any], *, merge: bool
) -> bool:
    """Whether one of a ruleset's bypass actors is the one acting."""
    mode = actor.get("bypass_mode") or "always"
    if mode == "pull_request" and not merge:
        return False
    kind, ident = actor.get("actor_type"), actor.get("actor_id")
    if kind == "Integration":
        if principal.kind != "installation" or principal.token is None:
            return False
        inst = store.data["installations"].get(str(principal.token.get("installation_id")))
        return inst is not None and inst["app_id"] == ident
    if principal.kind != "user" or principal.login is None:
        return False
    if kind == "OrganizationAdmin":
        owner = store.account(repo["owner"]) or {}
        return owner.get("type") == "Organization" and org_role(owner, principal.login) == "admin"
    if kind == "User":
        account = store.account(principal.login) or {}
        return account.get("id") == ident
    if kind == "RepositoryRole":
        needed = REPOSITORY_ROLE_IDS.get(ident) if isinstance(ident, int) else None
        role = effective_role(store, principal, repo)
        return needed is not None and ROLES.index(role) >= ROLES.index(needed)
    if kind == "Team":
        owner = store.account(repo["owner"]) or {}
        return any(
            team.get("id") == ident and principal.login.lower() in team.get("members", {})
            for team in (owner.get("teams") or {}).values()
        )
    return False


def ruleset_violations(repo: dict[str, Any], ruleset: dict[str, Any], sha: str | None) -> list[str]:
    latest = latest_by_context(repo, sha) if sha else {}
    found = []
    for rule in ruleset.get("rules") or []:
        if rule.get("type") != "required_status_checks":
            continue
        wanted = [
            str(c["context"])
            for c in (rule.get("parameters") or {}).get("required_status_checks") or []
        ]
        unmet = [c for c in wanted if latest.get(c.lower(), {}).get("state") != "success"]
        if unmet:
            found.append(expected(unmet, len(wanted)))
    return found


def refusal(
    store: Store,
    principal: Principal,
    repo: dict[str, Any],
    ref: str,
    sha: str | None,
    *,
    merge: bool = False,
) -> Refusal | None:
    """Why moving ``ref`` to ``sha`` (None: a commit not made yet, so with no status) by
    ``principal`` is refused, or None. A merge (``merge``) is judged on the pull request's head
    and asks the repository rules only: classic protection's merge check is ``unmet_checks``."""
    if not ref.startswith("refs/heads/") or not enforced_here(store, repo):
        return None
    branch = ref.removeprefix("refs/heads/")
    protection = (repo.get("protection") or {}).get(branch)
    if not merge and protection and protection.get("contexts"):
        unmet = unmet_contexts(repo, branch, sha or "")
        admin_bypass = (
            not protection.get("enforce_admins")
            and principal.kind == "user"
            and effective_role(store, principal, repo) == "admin"
        )
        if unmet and not admin_bypass:
            return Refusal("protection", ref, (expected(unmet, len(protection["contexts"])),))
    violations: list[str] = []
    for ruleset in active_rulesets(repo, ref):
        actors = ruleset.get("bypass_actors") or []
        if any(bypasses(store, principal, repo, a, merge=merge) for a in actors):
            continue
        violations += ruleset_violations(repo, ruleset, sha)
    return Refusal("ruleset", ref, tuple(violations)) if violations else None
