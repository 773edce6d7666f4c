"""Publishing an authored run on the local GitHub, with certification stood in for (its own
end-to-end test is tests/test_author_publish_e2e.py): one pull request of the learner package
only, found again by a re-run that writes nothing; the hidden side in the admin repository; a
template branch that requires `glow/certification`, so GitHub refuses an uncertified merge;
pending then success or the first failing step; and a head changed by someone else fails."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from glow.authoring.certify import Certification, Step
from glow.authoring.loop.publish import (
    RULESET,
    certify_pull_request,
    ensure_required_status,
    merge_when_certified,
    open_pull_request,
    ruleset_body,
    ruleset_key,
)
from glow.authoring.loop.state import Plan, PlannedDeliverable, RunState, Stack
from glow.errors import GitHubError, GlowError
from glow.github import token_client
from glow.github.repo import Repo
from glow.harness.bundle import Bundle, files_under, load_bundle
from glow.harness.package import leaks, learner_files, lines_of, secrets
from glow.localhub.hub import LocalHub
from glow.rehearsal.world import RepoSpec, World, build_world

ROOT = Path(__file__).resolve().parents[1]
LEDGER = ROOT / "examples" / "bundles" / "python-ledger"
ORG = "glow-demo"


def ledger_state(root: Path = LEDGER) -> RunState:
    """A finished run whose bundle is ``root``'s files."""
    files = {p: (root / p).read_text(encoding="utf-8") for p in files_under(root)}
    plan = Plan(
        title="A household ledger",
        summary="Record payments and report balances.",
        outcomes=["Parse money exactly"],
        stack=Stack(language="python"),
        deliverables=[
            PlannedDeliverable(id="record", title="Record a payment", asks="Parse a line."),
            PlannedDeliverable(id="balance", title="Report balances", asks="Sum the accounts."),
        ],
    )
    return RunState(brief_issue=7, plan=plan, files=files, status="publishing")


@dataclass
class Org:
    hub: LocalHub
    world: World
    template: Repo
    admin: Repo

    def repo(self, name: str) -> Repo:
        return Repo(token_client(self.world.tokens["facilitator"], self.hub.api_url), ORG, name)

    def pull_files(self, number: int) -> dict[str, str]:
        listed = self.world.api.get(
            f"/repos/{ORG}/learning-room-template/pulls/{number}/files", params={"per_page": 100}
        ).json()
        return {f["filename"]: f.get("patch", "") for f in listed}

    def merge(self, number: int) -> httpx.Response:
        return self.world.api.put(
            f"/repos/{ORG}/learning-room-template/pulls/{number}/merge", json={}
        )

    def statuses(self, number: int) -> list[tuple[str, str]]:
        sha = self.template.request("GET", self.template.url("pulls", number)).json()["head"]
        url = f"/repos/{ORG}/learning-room-template/commits/{sha['sha']}/statuses"
        return [(s["state"], s["description"]) for s in self.world.api.get(url).json()]


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    hub = LocalHub(tmp_path / "hub", runner=False).start()
    try:
        readme = {"README.md": "# The Learning Room\n"}
        repos = {
            "learning-room-template": RepoSpec(template=True, files=readme),
            "admin": RepoSpec(files={"README.md": "# Admin\n"}),
        }
        world = build_world(hub, ROOT, [], repos=repos, org=ORG, secrets=False)
        o = Org(hub, world, None, None)  # type: ignore[arg-type]
        o.template, o.admin = o.repo("learning-room-template"), o.repo("admin")
        yield o
    finally:
        hub.stop()


def certification(ok: bool, failing: str = "") -> Certification:
    steps = [Step(name="publish the project", ok=True, detail="12 files", seconds=1.0)]
    if not ok:
        steps.append(Step(name=failing, ok=False, detail="passed for record", seconds=2.0))
    return Certification(ok=ok, bundle="b", steps=steps, leaks=[], seconds=3.0)


class StandIn:
    """Certification stood in for: what it was given, and what it answers."""

    def __init__(self, result: Certification) -> None:
        self.result, self.bundles = result, list[Bundle]()

    def __call__(self, bundle: Bundle, say: object) -> Certification:
        # The bundle is the run's, loaded by the harness, with its hidden tests: certification
        # needs them; the pull request never has them.
        assert (bundle.deliverable("record").suite("hidden") / "test_record.py").is_file()
        self.bundles.append(bundle)
        return self.result


def test_a_run_is_published_certified_and_merged(org: Org) -> None:
    state = ledger_state()
    app_id = int(org.world.app["id"])
    assert ensure_required_status(org.template, app_id) == "created"
    assert ensure_required_status(org.template, app_id) == "unchanged"

    number = open_pull_request(org.template, org.admin, state)
    files = org.pull_files(number)
    assert ".coursegen/project.yml" in files and "ledger/record.py" in files
    assert ".coursegen/tests/record/test_record.py" in files
    assert not [f for f in files if "hidden" in f or "variants" in f or f == "coursegen.yml"]
    # No hidden test and no reference answer, whole or a line of one, as certification judges.
    bundle = load_bundle(LEDGER).bundle
    assert bundle is not None
    branch = "glow/course-python-ledger"
    shown = {f: org.template.read_file(f, ref=branch) for f in files}
    contents = {f: found.text.encode() for f, found in shown.items() if found is not None}
    assert leaks(secrets(bundle), contents, lines_of(learner_files(bundle))) == []
    hidden = (LEDGER / "deliverables/record/hidden/test_record.py").read_text().splitlines()
    kept = org.admin.read_file("courses/python-ledger/hidden/record/test_record.py")
    assert kept is not None and kept.text.splitlines() == hidden

    # A re-run finds the same pull request and writes nothing.
    writes = org.template.counts.writes + org.admin.counts.writes
    assert open_pull_request(org.template, org.admin, state) == number
    assert org.template.counts.writes + org.admin.counts.writes == writes

    # Before certification GitHub refuses the merge, and so does GLOW.
    refused = org.merge(number)
    assert refused.status_code == 405
    assert refused.json()["message"] == (
        'Repository rule violations found\n\nRequired status check "glow/certification" is '
        "expected.\n\n"
    )
    said = merge_when_certified(org.template, number)
    assert not said and "glow/certification says no status" in said.reason

    stand_in = StandIn(certification(True))
    done = certify_pull_request(org.template, number, state, certify=stand_in)
    assert (done.state, done.ran, len(stand_in.bundles)) == ("success", True, 1)
    assert [s for s, _ in org.statuses(number)] == ["success", "pending"]
    assert org.statuses(number)[0][1] == "Certified: all 1 steps of the learner's path pass (3 s)."
    again = certify_pull_request(org.template, number, state, certify=stand_in)
    assert (again.ran, len(stand_in.bundles), len(org.statuses(number))) == (False, 1, 2)

    merged = merge_when_certified(org.template, number)
    assert merged and merged.reason == f"pull request #{number} is merged"
    assert org.template.read_file(".coursegen/project.yml") is not None
    assert open_pull_request(org.template, org.admin, state) == number  # published, unchanged


def test_a_failed_certification_names_its_step_and_the_merge_stays_refused(org: Org) -> None:
    state = ledger_state()
    ensure_required_status(org.template, int(org.world.app["id"]))
    number = open_pull_request(org.template, org.admin, state)
    failing = "the untouched starter's scorecards fail"
    done = certify_pull_request(
        org.template, number, state, certify=StandIn(certification(False, failing))
    )
    assert done.state == "failure"
    [(state_now, description), _pending] = org.statuses(number)
    assert state_now == "failure"
    assert description == f"Failed at: {failing}: passed for record"
    assert org.merge(number).status_code == 405
    said = merge_when_certified(org.template, number)
    assert not said and "glow/certification says failure" in said.reason


def test_a_head_someone_else_changed_fails_without_certifying(org: Org) -> None:
    state = ledger_state()
    number = open_pull_request(org.template, org.admin, state)
    hidden = (LEDGER / "deliverables/record/hidden/test_record.py").read_text()
    org.template.commit_files(
        {"tests/test_record.py": hidden}, "Add a test", branch="glow/course-python-ledger"
    )
    stand_in = StandIn(certification(True))
    done = certify_pull_request(org.template, number, state, certify=stand_in)
    assert (done.state, done.ran, stand_in.bundles) == ("failure", False, [])
    assert done.description == (
        "Failed at: the pull request is the authored bundle: tests/test_record.py"
    )


def test_a_private_template_on_github_free_cannot_require_the_status(org: Org) -> None:
    org.world.post(f"orgs/{ORG}/plan", {"plan": "free"})
    with pytest.raises(GlowError, match="cannot require the glow/certification status") as err:
        ensure_required_status(org.template, int(org.world.app["id"]))
    assert "Move the organisation to a paid plan" in str(err.value)


def test_the_ruleset_lets_the_app_through_and_is_put_back_when_changed_by_hand(
    org: Org,
) -> None:
    app_id = int(org.world.app["id"])
    assert ensure_required_status(org.template, app_id) == "created"
    rulesets = f"/repos/{ORG}/learning-room-template/rulesets"
    [listed] = org.world.api.get(rulesets).json()
    assert listed["name"] == RULESET
    ruleset = org.world.api.get(f"{rulesets}/{listed['id']}").json()
    assert ruleset["conditions"]["ref_name"]["include"] == ["~DEFAULT_BRANCH"]
    assert ruleset["bypass_actors"] == [
        {"actor_id": app_id, "actor_type": "Integration", "bypass_mode": "always"}
    ]
    # Someone turns it to "evaluate" (enforcing nothing): the next run puts it back.
    org.world.api.put(f"{rulesets}/{listed['id']}", json={"enforcement": "evaluate"})
    assert ensure_required_status(org.template, app_id) == "updated"
    assert ensure_required_status(org.template, app_id) == "unchanged"
    # A person's direct write to the default branch is refused, in one line: only the App
    # (glow template sync) goes around the required status.
    with pytest.raises(GitHubError, match="GitHub refused to move 'main'"):
        org.template.commit_files({"NOTES.md": "direct\n"}, "Direct", branch="main")
    # Token mode knows no App: the template's administrators (the token's user among them)
    # are let through instead, so the sync with PROVISIONING_TOKEN still writes.
    assert ensure_required_status(org.template, None) == "updated"
    assert org.world.api.get(f"{rulesets}/{listed['id']}").json()["bypass_actors"] == [
        {"actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "always"}
    ]
    assert org.template.commit_files({"NOTES.md": "synced\n"}, "Sync", branch="main")


def test_a_ruleset_compares_by_what_glow_sets_not_by_githubs_defaults() -> None:
    wanted = ruleset_body(7)
    answered = {
        **wanted,
        "id": 1,
        "source": "o/r",
        "rules": [
            {
                "type": "required_status_checks",
                "parameters": {
                    "do_not_enforce_on_create": False,
                    "required_status_checks": [{"context": "glow/certification"}],
                    "strict_required_status_checks_policy": False,
                },
            }
        ],
    }
    assert ruleset_key(answered) == ruleset_key(wanted)
    assert ruleset_key(ruleset_body(8)) != ruleset_key(wanted)
    assert ruleset_key({**answered, "enforcement": "evaluate"}) != ruleset_key(wanted)
