"""Where the bots' copy sends a facilitator: the runbooks, as links, and the workflows, by name.

The runbooks live in the workshop repository's ``docs/runbooks/``; the dashboard and the watchdog
write in the private admin repository, which has no ``docs/``, so a path alone leads nowhere. A
link is built from the web address (``observe.web_url``: GITHUB_SERVER_URL, else derived from
GITHUB_API_URL) and the workshop repository, which the admin side knows from the roster: each
learner's ``registration_repo`` is the repository whose registration form they filed, the
workshop repository. ``blob/HEAD`` opens its default branch, whatever it is called.

Workflow names are the ``name:`` of each workflow file, as GitHub lists them in the Actions tab
(a test holds these constants equal to the files).
"""

from __future__ import annotations

from collections.abc import Iterable

DASHBOARD_AND_WATCHDOG = "dashboard-and-watchdog.md"
PROVISIONING = "provisioning.md"
CONTRACTS = "contracts.md"

# The workflows, as GitHub names them in the Actions tab (their files' ``name:``).
WORKFLOW_PROVISIONING = "Provisioning"  # .github/workflows/provision.yml
WORKFLOW_REGISTRATION = "Registration"  # .github/workflows/registration.yml
WORKFLOW_DAY2 = "Day 2 release"  # .github/workflows/day2-release.yml
WORKFLOW_TEARDOWN = "Teardown"  # .github/workflows/teardown.yml
WORKFLOW_DASHBOARD = "Dashboard"  # admin-roster/.github/workflows/dashboard.yml
WORKFLOW_WATCHDOG = "Watchdog"  # admin-roster/.github/workflows/watchdog.yml
WORKFLOW_ROOM = "Learning Room"  # learning-room-template/.github/workflows/room.yml


def runbook_url(server: str, workshop: str, page: str, anchor: str = "") -> str:
    """The runbook's address in the workshop repository (``#anchor``: one of its sections)."""
    url = f"{server.rstrip('/')}/{workshop}/blob/HEAD/docs/runbooks/{page}"
    return f"{url}#{anchor}" if anchor else url


def runbook_link(text: str, server: str, workshop: str | None, page: str, anchor: str = "") -> str:
    """``[text](address)``; when no workshop repository is known (a cohort with nobody
    registered yet), the text and where the page is, said in words."""
    if not workshop:
        return f"{text} (docs/runbooks/{page} in the workshop repository)"
    return f"[{text}]({runbook_url(server, workshop, page, anchor)})"


def workshop_of(repos: Iterable[str | None]) -> str | None:
    """The workshop repository: the one most learners registered in (the first, alphabetically,
    on a tie), or None when none is known."""
    counts: dict[str, int] = {}
    for repo in repos:
        if repo:
            counts[repo] = counts.get(repo, 0) + 1
    if not counts:
        return None
    return min(counts, key=lambda repo: (-counts[repo], repo.lower()))
