"""The authoring loop end to end on the local GitHub, as `glow course` runs it, with the OpenAI
author and the real SDK against a local OpenAI-compatible server (tests/openai_server.py) that
answers as the recorded python-ledger run did: a creator files a course brief in the private
admin repository; the plan is posted; the graph runs in the process sandbox, repairs the one
failing node (a hidden suite too weak for the baseline matrix) and waits at gate 1, every node
recorded in the admin repository and shown in one timeline comment; a re-run writes nothing and
asks the model nothing; three `/approve` comments, read in one run, move it through the gates;
the pull request to the Learning Room template is certified (its required status) and merged;
and a learner's room made afterwards holds the new assignment."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from glow.authoring.certify import Certifier
from glow.authoring.loop.authors import load_recording
from glow.authoring.loop.course import reconcile
from glow.authoring.loop.gates import REPLY_KEY
from glow.authoring.loop.ledger import LEDGER, brief_body
from glow.authoring.loop.openai_author import OpenAIAuthor
from glow.authoring.loop.plan import PLAN_KEY
from glow.authoring.loop.publishing import step
from glow.authoring.loop.state import RunState
from glow.authoring.loop.store import read_run
from glow.authoring.loop.timeline import TIMELINE_KEY
from glow.github import Repo, WritePacer
from glow.github.client import installation_client
from glow.harness.bundle import load_bundle
from glow.harness.process import ProcessSandbox
from glow.localhub.hub import LocalHub
from glow.markers import has_marker
from glow.rehearsal.world import World
from tests.harness_bundles import needs_process_sandbox
from tests.openai_server import OpenAIServer, openai_server

pytestmark = [pytest.mark.e2e, needs_process_sandbox]
ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "bundles" / "python-ledger"


def recorded_answers() -> list[dict[str, Any]]:
    """The recorded run's answers, as the model's JSON for each call in turn."""
    answers = []
    for answer in load_recording(LEDGER).answers:
        given = answer.plan or answer.authored or answer.repair or answer.verdict
        assert given is not None
        answers.append(given.model_dump(mode="json"))
    return answers


class Creator:
    """An organisation as `glow setup` makes it (one learner to be), on a paid plan so the
    private template can require the certification status; the App that runs `glow course`."""

    def __init__(self, hub: LocalHub, model: OpenAIServer) -> None:
        self.model = model
        self.said: list[str] = []
        bundle = load_bundle(EXAMPLE).bundle
        assert bundle is not None
        self.org = Certifier(hub, ROOT, bundle, self.said.append)
        self.org.open_world()
        self.world: World = self.org.world
        self.world.post(f"orgs/{self.world.org}/plan", {"plan": "team"})
        app = self.world.app
        self.app_id = int(app["id"])
        gh = installation_client(app["id"], app["private_key"], self.world.org, hub.api_url)
        self.bot = Repo(gh, *self.org.admin.split("/"), pacer=WritePacer(0))
        self.template = Repo(gh, *self.org.template.split("/"), pacer=WritePacer(0))
        # This test runs glow course itself, as the Author workflow would: the workflow is
        # switched off so the two never carry the same brief on side by side.
        self.as_facilitator("PUT", f"/repos/{self.org.admin}/actions/workflows/author.yml/disable")

    def as_facilitator(self, method: str, path: str, body: Any = None) -> Any:
        auth = {"Authorization": f"token {self.org.staff}"}
        resp = self.world.api.request(method, path, json=body, headers=auth)
        resp.raise_for_status()
        return resp.json() if resp.content else None

    def file_brief(self) -> int:
        issue = self.as_facilitator(
            "POST",
            f"/repos/{self.org.admin}/issues",
            {"title": "A household ledger", "body": brief_body(), "labels": ["course-brief"]},
        )
        return int(issue["number"])

    def comment(self, number: int, body: str) -> None:
        self.as_facilitator(
            "POST", f"/repos/{self.org.admin}/issues/{number}/comments", {"body": body}
        )

    def reconcile(self, number: int) -> RunState | None:
        return reconcile(
            self.bot,
            number,
            author=lambda: OpenAIAuthor.from_env(
                {
                    "OPENAI_API_KEY": "sk-local-test",
                    "OPENAI_BASE_URL": self.model.base_url,
                    "GLOW_MODEL": "local-model",
                    "GLOW_MODEL_RETRIES": "0",
                }
            ),
            sandbox=ProcessSandbox,
            publish=step(self.bot, self.template, self.said.append, app_id=self.app_id),
            template=self.org.template,
            say=self.said.append,
        )

    def ours(self, number: int, key: str) -> list[dict[str, Any]]:
        listed = self.as_facilitator("GET", f"/repos/{self.org.admin}/issues/{number}/comments")
        return [
            c
            for c in listed
            if has_marker(c["body"], key) and c["user"]["login"] == self.bot.login()
        ]

    def mark(self) -> int:
        return max(int(r["id"]) for r in self.world.get("requests"))

    def writes_since(self, mark: int) -> list[str]:
        return [
            f"{r['method']} {r['path']}"
            for r in self.world.get("requests")
            if r["id"] > mark
            and r["method"] != "GET"
            and r["path"].startswith("/api/")
            and not r["path"].endswith("/access_tokens")
        ]


def test_a_brief_becomes_a_repaired_reviewed_run_that_people_approve(tmp_path: Path) -> None:
    hub = LocalHub(tmp_path / "hub").start()
    try:
        with openai_server("good", answers=recorded_answers()) as model:
            _walk(Creator(hub, model))
    finally:
        hub.stop()


def _walk(creator: Creator) -> None:
    number = creator.file_brief()
    # An eager /approve before anything ran: refused (one reply), and spent: it never
    # approves gate 1 later.
    creator.comment(number, "/approve")
    state = creator.reconcile(number)
    assert state is not None
    assert (state.status, state.gate) == ("awaiting_gate", 1), state.blocked_reason
    [refused] = creator.ours(number, REPLY_KEY)
    assert refused["body"].splitlines()[1] == "## Gate command not applied"
    assert [(e.node, e.passed) for e in state.executions][:4] == [
        ("authoring_runtime", True),
        ("authoring_tests", False),
        ("authoring_repair", True),
        ("authoring_tests", True),
    ]
    assert state.model_calls == 6  # the plan, the project, the suites, a repair, 2 reviews
    [plan] = creator.ours(number, PLAN_KEY)
    assert "A household ledger" in plan["body"]
    [timeline] = creator.ours(number, TIMELINE_KEY)
    lines = [line for line in timeline["body"].splitlines() if line.strip()]
    assert lines[1].startswith("#")  # the heading first, after the hidden marker
    assert "gate 1" in lines[2]
    tests_rows = [line for line in lines if "| Authoring: tests |" in line]
    assert len(tests_rows) == 2
    assert "failed" in tests_rows[0] and "naive variant" in tests_rows[0]
    assert "passed" in tests_rows[1] and "authoring 2 of 5" in tests_rows[1]
    # Nothing of the bundle's hidden tests is in the comment; they stay in run.json.
    hidden = state.files["deliverables/record/hidden/test_record.py"]
    assert not any(line in timeline["body"] for line in hidden.splitlines() if len(line) > 30)
    recorded = read_run(creator.bot, number)
    assert recorded == state
    stored = creator.bot.read_file(f"authoring/{number}/timeline.json")
    assert stored is not None and json.loads(stored.text)

    # Six model calls through the real SDK, each a structured output of the step's model.
    assert creator.model.requests == 6
    schemas = [b["response_format"]["json_schema"]["name"] for b in creator.model.bodies]
    assert schemas == ["Plan", "Authored", "Authored", "Repair", "Verdict", "Verdict"]
    # The repair was asked with the matrix's finding, fenced as untrusted data.
    assert "naive variant" in creator.model.bodies[3]["messages"][-1]["content"]

    # Run again with nothing new: nothing is written, no model is asked.
    mark = creator.mark()
    again = creator.reconcile(number)
    assert again == state
    assert creator.writes_since(mark) == []
    assert creator.model.requests == 6

    # Three approvals, read in one run, each once and in order: the run publishes.
    for _ in range(3):
        creator.comment(number, "/approve")
    published = creator.reconcile(number)
    assert published is not None
    assert published.status == "published", published.blocked_reason
    approvals = [e for e in published.events if e.actor == "facilitator"]
    assert [e.text.split(",")[0] for e in approvals][:1] and len(approvals) == 3
    assert any(e.text.startswith("Certification success") for e in published.events)
    assert creator.model.requests == 6  # publishing asks the model nothing

    # The pull request holds the learner's files only, was certified by GLOW, and is merged.
    template = creator.org.template
    pull = creator.as_facilitator("GET", f"/repos/{template}/pulls/{published.pull_request}")
    assert pull["merged"] is True
    files = creator.as_facilitator("GET", f"/repos/{template}/pulls/{published.pull_request}/files")
    names = [f["filename"] for f in files]
    assert names and not [n for n in names if "/hidden/" in n or n.startswith("variants/")]
    statuses = creator.as_facilitator(
        "GET", f"/repos/{template}/commits/{pull['head']['sha']}/statuses"
    )
    ours = [s for s in statuses if s["context"] == "glow/certification"]
    # Newest first: certified, after it was pending; every one of them GLOW's own.
    assert [s["state"] for s in ours][:1] == ["success"] and "pending" in [s["state"] for s in ours]
    assert {s["creator"]["login"] for s in ours} == {creator.bot.login()}
    [timeline] = creator.ours(number, TIMELINE_KEY)
    assert f"Published in pull request {template}#{published.pull_request}." in timeline["body"]

    # Nothing new: the approvals are not read twice and nothing is written.
    mark = creator.mark()
    assert creator.reconcile(number) == published
    assert creator.writes_since(mark) == []

    # A learner who registers now gets a room holding the new assignment.
    creator.org.provisioned()
    assert "id: python-ledger" in creator.org.room_file(".coursegen/project.yml")
