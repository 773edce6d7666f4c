"""A cohort on GitHub Free, end to end on the local GitHub with the project's real workflows:
the organisation's variables (GLOW_INSTALL, GLOW_FACILITATORS) reach the public workshop
repository but no private Learning Room. Provisioning, run by the workshop's workflow, writes
them into the room's `.glow/learner.yml`; the room's own workflow checks the pin it finds there
and its bot answers the learner, mentioning the facilitators the file names."""

from __future__ import annotations

from pathlib import Path

import pytest

from glow.cohort.model import room_name
from glow.cohort.registration.form import render_public
from glow.localhub.hub import LocalHub
from glow.localhub.runner_host import HubRunnerHost
from glow.rehearsal.world import FACILITATOR, accept_invitations, build_world, file_registration
from glow.room.progression.decide import LEARNER_FILE, parse_learner_file

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[1]
ORG, COHORT = "acme", "2026-12"


def test_on_the_free_plan_a_provisioned_room_installs_glow_and_answers_help(
    tmp_path: Path,
) -> None:
    hub = LocalHub(tmp_path / "hub").start()
    try:
        world = build_world(hub, ROOT, ["ada"], {"cohorts": [{"id": COHORT}]}, org=ORG)
        world.post("config", {"template_delay_seconds": 0})
        api = world.api
        assert api.get(f"/orgs/{ORG}").json()["plan"]["name"] == "free"
        listed = api.get(f"/orgs/{ORG}/actions/variables").json()["variables"]
        [pin] = [v["value"] for v in listed if v["name"] == "GLOW_INSTALL"]

        # Ada registers; the workshop's workflows enrol her and provision her room.
        ada = world.token("ada")
        file_registration(api, ada, "ada", render_public(COHORT, "day1-day2"), org=ORG)
        assert hub.wait_idle(180)
        room = f"{ORG}/{room_name(COHORT, 'ada')}"
        seen = HubRunnerHost(hub).variables(room)
        assert "GLOW_INSTALL" not in seen and "GLOW_FACILITATORS" not in seen
        found = api.get(f"/repos/{room}/contents/{LEARNER_FILE}", headers=RAW)
        assert found.status_code == 200, found.text
        facts = parse_learner_file(found.text)
        assert (facts.handle, facts.glow_install, facts.facilitators) == (
            "ada",
            pin,
            f"@{FACILITATOR}",
        )

        # She joins her room and asks for help on her first challenge.
        accept_invitations(api, ada)
        [challenge] = api.get(f"/repos/{room}/issues").json()
        asked = api.post(
            f"/repos/{room}/issues/{challenge['number']}/comments",
            headers={"Authorization": f"token {ada}"},
            json={"body": "help: I cannot find where to comment"},
        )
        asked.raise_for_status()
        assert hub.wait_idle(180)

        assert hub.runner is not None
        [run] = [r for r in hub.runner.runs(room) if r.event == "issue_comment"]
        assert run.conclusion == "success", run.log
        _, _, sha = pin.rpartition("@")
        assert f"glow comes from {ORG}/workshop at {sha}." in run.log
        comments = api.get(f"/repos/{room}/issues/{challenge['number']}/comments").json()
        answers = [c for c in comments if c["user"]["login"] == "github-actions[bot]"]
        assert [f"@{FACILITATOR}" in a["body"] for a in answers] == [True], answers
    finally:
        hub.stop()


RAW = {"Accept": "application/vnd.github.raw+json"}
