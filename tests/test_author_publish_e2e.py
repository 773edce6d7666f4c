"""Publishing end to end on the local GitHub with the real workflows and the real learner-path
certification: the python-ledger example, as a finished run, becomes a pull request to the
Learning Room template that GitHub refuses to merge until `glow/certification` says success;
certification sets pending, then success; the merge goes through, and a learner who registers
afterwards gets a room holding the project. A bundle whose starter already passes fails
certification, named, and its merge stays refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from glow.authoring.certify import Certifier
from glow.authoring.loop.publish import (
    certify_pull_request,
    ensure_required_status,
    merge_when_certified,
    open_pull_request,
)
from glow.github import token_client
from glow.github.repo import Repo
from glow.harness.bundle import files_under, load_bundle
from glow.localhub.hub import LocalHub
from tests.harness_bundles import VARIANTS, needs_process_sandbox, write_calc_bundle
from tests.test_author_publish import LEDGER, ledger_state

pytestmark = [pytest.mark.e2e, needs_process_sandbox]
ROOT = Path(__file__).resolve().parents[1]


def test_a_certified_pull_request_is_merged_and_a_new_room_holds_the_project(
    tmp_path: Path,
) -> None:
    bundle = load_bundle(LEDGER).bundle
    assert bundle is not None
    hub = LocalHub(tmp_path / "hub").start()
    try:
        c = Certifier(hub, ROOT, bundle, lambda _line: None)
        c.open_world()
        # A private template's branch can be protected on a paid plan only.
        c.world.post(f"orgs/{c.world.org}/plan", {"plan": "team"})
        gh = token_client(c.staff, hub.api_url)
        template = Repo(gh, *c.template.split("/"))
        admin = Repo(gh, *c.admin.split("/"))
        assert ensure_required_status(template, int(c.world.app["id"])) == "created"

        state = ledger_state()
        number = open_pull_request(template, admin, state)
        merge_url = f"/repos/{c.template}/pulls/{number}/merge"
        refused = c.api.put(merge_url, json={})
        assert refused.status_code == 405, refused.text
        assert "glow/certification" in refused.json()["message"]

        said: list[str] = []
        done = certify_pull_request(template, number, state, say=said.append)
        assert done.state == "success", (done.description, said)
        listed = c.api.get(f"/repos/{c.template}/commits/{done.sha}/statuses").json()
        assert [s["state"] for s in listed] == ["success", "pending"]
        assert said[-1] == "Certification: grading left no hidden test in the room"

        assert merge_when_certified(template, number)
        c.provisioned()
        project = c.room_file(".coursegen/project.yml")
        assert "id: python-ledger" in project
        assert "ledger/record.py" in c.room_file(".coursegen/deliverables/record.yml")

        # A bundle whose untouched starter already passes is not certified.
        calc = write_calc_bundle(tmp_path / "calc", starter=VARIANTS["strong"])
        files = {p: (calc / p).read_text() for p in files_under(calc)}
        passing = ledger_state().model_copy(update={"files": files, "brief_issue": 8})
        other = open_pull_request(template, admin, passing)
        failed = certify_pull_request(template, other, passing)
        assert failed.state == "failure"
        assert failed.description.startswith(
            "Failed at: the untouched starter's scorecards fail:"
        ), failed.description
        assert c.api.put(f"/repos/{c.template}/pulls/{other}/merge", json={}).status_code == 405
        assert not merge_when_certified(template, other)
    finally:
        hub.stop()
