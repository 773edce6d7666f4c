"""What a rehearsal proves, read back from the local GitHub: rooms healthy, no private text in
any public place (bodies now and in every earlier version, comments, run logs), no duplicate
comment, a re-run that writes nothing; and the report printed for a person."""

from __future__ import annotations

import json
import sys
from collections import Counter
from typing import TYPE_CHECKING, Any

from glow.rehearsal.world import COHORT, ORG

if TYPE_CHECKING:
    import httpx

    from glow.localhub.hub import LocalHub


def summarize(
    hub: LocalHub,
    api: httpx.Client,
    logins: list[str],
    numbers: dict[str, int],
    private: list[str],
    first: dict[str, Any],
    rerun: list[Any],
) -> dict[str, Any]:
    import httpx

    runs = sorted(hub.store.data["runs"].values(), key=lambda r: r["id"])
    healthy = sum(1 for login in logins if room_healthy(api, login))
    # Every public body as it is now and in every earlier version (GitHub's edit history is
    # readable by anyone who can read the issue), and every run's log.
    edits = httpx.get(f"{hub.url}/_localhub/edits", timeout=30).json()
    public_text = json.dumps(
        [
            api.get(
                f"/repos/{ORG}/workshop/issues", params={"state": "all", "per_page": 100}
            ).json(),
            api.get(f"/repos/{ORG}/workshop/issues/comments", params={"per_page": 100}).json(),
            [edit for edit in edits if edit["repo"] == f"{ORG}/workshop"],
            runs,
        ]
    )
    leaks = sum(public_text.count(secret) for secret in private)
    duplicates = 0
    for number in numbers.values():
        comments = api.get(f"/repos/{ORG}/workshop/issues/{number}/comments").json()
        markers = [
            c["body"].splitlines()[0] for c in comments if c["body"].startswith("<!-- glow:")
        ]
        duplicates += len(markers) - len(set(markers))
    final = issue_state(api, numbers[logins[0]])
    released = sum(
        "day2-released" in issue_state(api, number)["labels"] for number in numbers.values()
    )
    answered = sum(
        any(
            c["body"].startswith("<!-- glow:help -->")
            for c in api.get(f"/repos/{ORG}/workshop/issues/{number}/comments").json()
        )
        for number in numbers.values()
    )
    alerts = api.get(
        f"/repos/{ORG}/admin/issues", params={"labels": "watchdog", "state": "open"}
    ).json()
    intake = intake_recorded(api, private)
    api_requests = [r for r in list(hub.requests) if r.get("route")]
    # A pending run replaced under `concurrency` ends "cancelled", as on GitHub: not a failure.
    # A run of a pull request the bot opened with its job token waits for a person's approval.
    fine = ("success", "skipped", "cancelled", "action_required")
    failed = [r for r in runs if r.get("conclusion") not in fine]
    ok = (
        healthy == len(logins)
        and leaks == 0
        and duplicates == 0
        and not rerun
        and not failed
        and "needs-info" in first["labels"]
        and "enrolled" in final["labels"]
        and released == 1
        and answered == min(len(logins) - 1, 1)
        and not alerts
        and intake == len(logins)
    )
    return {
        "ok": ok,
        "base_url": hub.url,
        "org": ORG,
        "cohort": COHORT,
        "learners": len(logins),
        "rooms_healthy": healthy,
        "api_requests": len(api_requests),
        "content_creating_requests": sum(
            1 for r in api_requests if r.get("creates_content") and r["status"] < 400
        ),
        "rerun_writes": len(rerun),
        "rerun_write_paths": sorted({f"{r['method']} {r['path']}" for r in rerun}),
        "duplicate_comments": duplicates,
        "leaks": leaks,
        "day2_released": released,
        "help_requests_answered": answered,
        "private_intake_recorded": intake,
        "watchdog_alerts": len(alerts),
        "issue": numbers[logins[0]],
        "labels_after_first_run": first["labels"],
        "labels_final": final["labels"],
        "bot_comments": len(final["bot_comments"]),
        "bot_comment": final["bot_comments"][0] if final["bot_comments"] else None,
        "workflow_runs": [
            {
                "workflow": r.get("workflow_path"),
                "event": r.get("event"),
                "status": r.get("status"),
                "conclusion": r.get("conclusion"),
                "error": r.get("error"),
            }
            for r in runs
        ],
        "failed_runs": len(failed),
        "deliveries": len(hub.deliveries),
        "dashboard": dashboard_summary(api),
    }


def load_figures(hub: LocalHub, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """What the cohort cost GitHub's limits: secondary-limit 403s met (the content-creation
    budget, or one the local GitHub was told to inject), and the requests of each handled
    registration event (every request a registration run made, by any of its credentials: a
    glow client names its run in its user agent)."""
    requests = [r for r in list(hub.requests) if r.get("route")]
    refused = [
        r for r in requests if r.get("limited") == "secondary" or r.get("fault") == "secondary"
    ]
    # The hub's own count: its request log keeps the last 100,000 requests only.
    limited = max(len(refused), hub.secondary_403s)
    workflow = {int(run["id"]): str(run.get("name") or run.get("workflow_path")) for run in runs}
    where = Counter(
        f"{workflow.get(int(r.get('run_id') or 0), 'no run')}: {r['method']} {r['route']} as "
        f"{identity(r)}"
        for r in refused
    )
    handled = {
        int(r["id"])
        for r in runs
        if str(r.get("workflow_path", "")).endswith("registration.yml")
        and r.get("event") in ("issues", "issue_comment")
        and r.get("conclusion") == "success"
    }
    per_run = [r for r in requests if r.get("run_id") in handled]
    creating = Counter(
        identity(r) for r in requests if r.get("creates_content") and int(r["status"]) < 400
    )
    busiest, most = creating.most_common(1)[0] if creating else ("nobody", 0)
    return {
        # GitHub's per-minute limit on one identity's content-creating requests sets a floor
        # under the rehearsal's wall time: the busiest identity's requests at 80 a minute.
        "busiest_identity": busiest,
        "busiest_identity_content_creating": most,
        "limits_floor_seconds": round(most * 60 / CONTENT_PER_MINUTE, 1),
        "secondary_403s": limited,
        "secondary_403s_where": dict(where.most_common(5)),
        "registration_events": len(handled),
        "requests_per_registration": round(len(per_run) / len(handled), 1) if handled else None,
    }


CONTENT_PER_MINUTE = 80  # GitHub's documented secondary limit for one identity


def identity(request: dict[str, Any]) -> str:
    """Who GitHub counts a logged request against: a job token is its repository's, an App
    installation or a person by login."""
    if request.get("kind") == "job":
        parts = str(request.get("path", "")).split("/")
        repo = "/".join(parts[4:6]) if len(parts) > 5 and parts[3] == "repos" else "?"
        return f"the job token of {repo}"
    return str(request.get("login") or request.get("kind") or "anonymous")


def rerun_figures(
    requests: list[dict[str, Any]], learners: int, runs: list[dict[str, Any]]
) -> dict[str, Any]:
    """What re-running the healthy cohort's scheduled commands asked of GitHub: requests per
    learner (in all, and by workflow: a glow client names its run in its user agent), those
    charged to a primary budget (a 304 answer to a conditional request is free), and the
    busiest routes."""

    charged = [r for r in requests if r.get("status") != 304]
    routes = Counter(f"{r['method']} {r['route']}" for r in requests)
    workflow = {
        int(run["id"]): str(run.get("workflow_path", "")).rsplit("/", 1)[-1] for run in runs
    }
    by_workflow = Counter(workflow.get(int(r.get("run_id") or 0), "other") for r in requests)
    return {
        "rerun_requests_per_learner_by_workflow": {
            name: round(count / max(learners, 1), 2) for name, count in sorted(by_workflow.items())
        },
        "rerun_requests": len(requests),
        "rerun_requests_per_learner": round(len(requests) / max(learners, 1), 2),
        "rerun_not_modified": len(requests) - len(charged),
        "rerun_charged_per_learner": round(len(charged) / max(learners, 1), 2),
        "rerun_busiest_routes": dict(routes.most_common(8)),
    }


def intake_recorded(api: httpx.Client, private: list[str]) -> int:
    """Learners whose private intake (answered in their room) reached the private roster."""
    import base64

    from glow.cohort.model import Roster, roster_path

    found = api.get(f"/repos/{ORG}/admin/contents/{roster_path(COHORT)}")
    if found.status_code != 200:
        return 0
    roster = Roster.model_validate_json(base64.b64decode(found.json()["content"]))
    return sum(
        1
        for learner in roster.learners.values()
        if learner.accessibility_needs in private and learner.contact in private
    )


def issue_state(api: httpx.Client, number: int) -> dict[str, Any]:
    issue = api.get(f"/repos/{ORG}/workshop/issues/{number}").json()
    comments = api.get(f"/repos/{ORG}/workshop/issues/{number}/comments").json()
    return {
        "labels": sorted(label["name"] for label in issue["labels"]),
        "bot_comments": [
            c["body"] for c in comments if c["body"].startswith("<!-- glow:registration -->")
        ],
    }


def room_healthy(api: httpx.Client, login: str) -> bool:
    """The room exists, holds the template's required files, and the learner is invited."""
    from glow.cohort.model import room_name

    room = f"/repos/{ORG}/{room_name(COHORT, login)}"
    if api.get(f"{room}/contents/.github/ISSUE_TEMPLATE/help.yml").status_code != 200:
        return False
    invited = [i["invitee"]["login"] for i in api.get(f"{room}/invitations").json()]
    return login in invited or api.get(f"{room}/collaborators/{login}").status_code == 204


def dashboard_summary(api: httpx.Client) -> str | None:
    issues = api.get(f"/repos/{ORG}/admin/issues", params={"per_page": 100}).json()
    summary = next((i for i in issues if "summary" in i["title"].lower()), None)
    return summary["body"] if summary else None


def print_summary(hub: LocalHub, result: dict[str, Any]) -> None:
    out = sys.stdout
    verdict = "Rehearsal passed" if result["ok"] else "Rehearsal FAILED"
    out.write(f"\n{verdict}: a cohort of {result['learners']} rehearsed on the local GitHub.\n")
    out.write(f"  Learning Rooms healthy: {result['rooms_healthy']} of {result['learners']}\n")
    if "golive" in result:
        out.write(
            f"  glow golive on the organisation glow setup built: {result['golive']}"
            + "".join(f"; failed {why}" for why in result.get("golive_failed", []))
            + f"; a second glow setup wrote {result['setup_rerun_writes']}; expected Actions "
            f"minutes a month for 30 learners: {result['actions_minutes_per_month_30_learners']:,}"
            "\n"
        )
    journey = result.get("journey") or {}
    if journey:
        out.write(
            f"  {journey['learner']}'s journey through every challenge: {journey['passed']} of "
            f"{journey['cells']} checks passed\n"
        )
        for failed in journey.get("failed", []):
            out.write(
                f"    - challenge {failed['challenge']} ({failed['scenario']}): {failed['why']}\n"
            )
    out.write(f"  Writes on a re-run of the healthy cohort: {result['rerun_writes']}\n")
    out.write(
        f"  Duplicate bot comments: {result['duplicate_comments']}; private answers "
        f"found in public places: {result['leaks']}\n"
    )
    out.write(f"  Content-creating requests: {result['content_creating_requests']}\n")
    if "secondary_403s" in result:
        out.write(
            f"  Secondary-limit 403s met: {result['secondary_403s']}; requests per "
            f"registration event: {result['requests_per_registration']}; requests per learner "
            f"on the re-run: {result['rerun_requests_per_learner']} "
            f"({result['rerun_charged_per_learner']} charged, the rest free 304s); "
            f"{result['wall_seconds']} s in all\n"
        )
        out.write(
            f"  Busiest identity: {result['busiest_identity']}, "
            f"{result['busiest_identity_content_creating']} content-creating requests: at "
            f"GitHub's {CONTENT_PER_MINUTE} a minute, {result['limits_floor_seconds']} s at the "
            f"least; the rehearsal took {result['wall_over_floor']} times that\n"
        )
        by_workflow = result.get("rerun_requests_per_learner_by_workflow") or {}
        out.write(
            "  The re-run's requests per learner, by workflow: "
            + "; ".join(f"{name} {count}" for name, count in by_workflow.items())
            + f"; and provisioning with verify, by hand: {result['verify_requests_per_learner']}\n"
        )
    out.write(
        f"  Day 2 released to: {result['day2_released']}; help requests answered: "
        f"{result['help_requests_answered']}; watchdog alerts: {result['watchdog_alerts']}\n"
    )
    for run in result["workflow_runs"]:
        line = f"  - {run['workflow']} on {run['event']}: {run['conclusion'] or run['status']}"
        if run.get("error"):
            line += f" ({run['error']})"
        out.write(line + "\n")
    out.write(f"  Labels after the first run: {', '.join(result['labels_after_first_run'])}\n")
    out.write(f"  Labels at the end: {', '.join(result['labels_final'])}\n")
    out.write(f"  Bot comments on the issue: {result['bot_comments']} (updated in place)\n")
    out.write(
        f"  API requests answered: {result['api_requests']}; "
        f"events delivered: {result['deliveries']}\n"
    )
    if result.get("dashboard"):
        out.write("\nDashboard summary (admin repo):\n")
        out.write("".join(f"  {line}\n" for line in result["dashboard"].splitlines()[1:]))
    out.write("\nLook at:\n")
    out.write(
        f"  registration issue  {hub.api_url}/repos/{ORG}/workshop/issues/{result['issue']}\n"
    )
    out.write(
        f"  its comments        {hub.api_url}/repos/{ORG}/workshop/issues/{result['issue']}"
        "/comments\n"
    )
    out.write(f"  workflow runs       {hub.url}/_localhub/runs\n")
    out.write(f"  clone the workshop  git clone {hub.url}/{ORG}/workshop.git\n")
    out.write(
        "\nNext: glow author demo turns a course brief into a certified assignment published "
        "into the Learning Room template, on its own local GitHub, with no network and no key.\n"
    )
