"""`glow author demo`: a course brief to a published, certified assignment on a throwaway local
GitHub, with the recorded python-ledger author: no network, no key.

1. An organisation set up as `glow setup` makes it (the workshop, the private admin repository,
   the Learning Room template), one learner to be.
2. A facilitator files a course brief with the admin repository's form.
3. `glow course`'s reconcile (as the admin repository's Author workflow runs it, with the
   provisioning App): the plan is posted, the author/review graph runs in the process sandbox and
   repairs the one failing node (the recording's first hidden suite is too weak), and the run
   waits at gate 1.
4. The facilitator comments `/approve` three times; the next reconcile reads them in order,
   opens the pull request to the template, certifies it on its own throwaway local GitHub (the
   required `glow/certification` status) and merges it.
5. The learner registers; their new Learning Room holds the project.

Its JSON holds ``ok``, ``certified``, ``merged``, ``nodes`` (every node execution in order),
``model_calls``, ``pull_request``, ``room_has_project`` and ``wall_seconds``.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

Say = Callable[[str], None]


def run_demo(root: Path, say: Say) -> dict[str, Any]:
    from glow.authoring.certify import Certifier
    from glow.github import Repo, WritePacer
    from glow.github.client import installation_client
    from glow.harness.bundle import load_bundle
    from glow.harness.process import ProcessSandbox
    from glow.localhub.hub import LocalHub

    from .authors import RecordedAuthor
    from .course import reconcile
    from .events import BRIEF_LABEL
    from .ledger import LEDGER, brief_body
    from .publishing import step
    from .state import summary

    started = time.monotonic()
    data = Path(tempfile.mkdtemp(prefix="glow-author-demo-"))
    hub = LocalHub(data / "hub").start()
    try:
        say(f"A throwaway local GitHub at {hub.url}: setting up the organisation")
        # The certifier's world: the organisation glow setup makes, one learner to be.
        bundle = load_bundle(root / "examples" / "bundles" / "python-ledger").bundle
        assert bundle is not None
        world = Certifier(hub, root, bundle, say)
        world.open_world()
        # A private template's branch can require a status on a paid plan only (as on GitHub).
        world.world.post(f"orgs/{world.world.org}/plan", {"plan": "team"})
        app = world.world.app
        gh = installation_client(app["id"], app["private_key"], world.world.org, hub.api_url)
        admin = Repo(gh, *world.admin.split("/"), pacer=WritePacer(0))
        template = Repo(gh, *world.template.split("/"), pacer=WritePacer(0))
        staff = {"Authorization": f"token {world.staff}"}
        # The demo runs glow course itself, step by step, as the Author workflow would: that
        # workflow is switched off here so the two never carry the same brief on side by side.
        world.api.put(
            f"/repos/{world.admin}/actions/workflows/author.yml/disable", headers=staff
        ).raise_for_status()
        issue = world.api.post(
            f"/repos/{world.admin}/issues",
            json={"title": "A household ledger", "body": brief_body(), "labels": [BRIEF_LABEL]},
            headers=staff,
        )
        issue.raise_for_status()
        number = int(issue.json()["number"])
        say(f"The facilitator filed course brief #{number} in {world.admin}")

        def again() -> Any:
            return reconcile(
                admin,
                number,
                author=lambda: RecordedAuthor.from_file(LEDGER),
                sandbox=ProcessSandbox,
                publish=step(admin, template, say, app_id=int(app["id"])),
                template=world.template,
                say=say,
            )

        state = again()
        if state is None or state.status != "awaiting_gate":
            raise RuntimeError(f"the run did not reach gate 1: {state and state.blocked_reason}")
        for _ in range(3):
            world.api.post(
                f"/repos/{world.admin}/issues/{number}/comments",
                json={"body": "/approve"},
                headers=staff,
            ).raise_for_status()
        say("The facilitator approved the three gates")
        state = again()
        assert state is not None
        merged = state.status == "published"
        certified = any(e.text.startswith("Certification success") for e in state.events)
        holds = False
        if merged:
            say("A learner registers after the merge")
            world.provisioned()
            holds = "id: python-ledger" in world.room_file(".coursegen/project.yml")
        return {
            "ok": merged and certified and holds,
            "status": state.status,
            "blocked_reason": state.blocked_reason,
            "certified": certified,
            "merged": merged,
            "pull_request": state.pull_request,
            "room_has_project": holds,
            "model_calls": state.model_calls,
            "nodes": [summary(e) for e in state.executions],
            "wall_seconds": round(time.monotonic() - started, 1),
        }
    finally:
        hub.stop()
        shutil.rmtree(data, ignore_errors=True)


def run(args: Any, say: Say = print) -> int:
    """`glow author demo [--json]`: one line per step, then the outcome (or one JSON object)."""
    import json
    import sys

    from glow.authoring.certify import source_tree

    from .command import process_sandbox

    process_sandbox()  # one clear line when bubblewrap cannot run here
    root = source_tree()
    quiet: Say = lambda line: print(line, file=sys.stderr)  # noqa: E731
    result = run_demo(root, quiet if args.json else say)
    if args.json:
        print(json.dumps(result, indent=1))
        return 0 if result["ok"] else 1
    if result["ok"]:
        say(
            f"Author demo passed: the brief became a certified assignment, merged in pull request "
            f"{result['pull_request']}, in {len(result['nodes'])} node runs and "
            f"{result['model_calls']} recorded model calls; a new learner's room holds it."
        )
        return 0
    say(f"Author demo failed: the run ended {result['status']}. {result['blocked_reason']}")
    return 1
