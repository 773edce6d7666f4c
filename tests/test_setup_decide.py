"""`glow setup`'s and `glow golive`'s decisions, without GitHub: what to write, what a person
must do (with the page), and which check fails for which fault."""

from __future__ import annotations

import json
from pathlib import Path

from glow.cohort.golive.decide import minutes_check, setup_checks, workflow_check
from glow.cohort.setup.decide import (
    ADMIN_LABELS,
    APP_PERMISSIONS,
    SCHEDULES_VARIABLE,
    Installation,
    Names,
    RepoState,
    Team,
    app_check,
    label_steps,
    repo_steps,
    secret_steps,
    team_steps,
    variable_steps,
    wanted_variables,
    web_url,
)

ROOT = Path(__file__).resolve().parents[1]
NAMES = Names(org="acme")
WEB = "https://github.com"


def test_the_app_manifest_asks_exactly_the_permissions_setup_checks() -> None:
    manifest = json.loads((ROOT / "provisioner" / "app-manifest.json").read_text())
    assert manifest["default_permissions"] == dict(APP_PERMISSIONS)


def test_web_address_of_each_kind_of_github() -> None:
    assert web_url("https://api.github.com") == "https://github.com"
    assert web_url("https://ghe.example.org/api/v3") == "https://ghe.example.org"
    assert web_url("http://127.0.0.1:8765/api/v3/") == "http://127.0.0.1:8765"


def test_a_missing_repository_is_created_and_pushed_an_empty_one_only_pushed() -> None:
    steps, findings = repo_steps(NAMES, "template", RepoState(exists=False))
    assert [s.kind for s in steps] == ["create-repo", "push", "make-template"]
    assert findings == []
    steps, _ = repo_steps(NAMES, "admin", RepoState(exists=True, empty=True))
    assert [s.kind for s in steps] == ["push"]
    steps, _ = repo_steps(NAMES, "admin", RepoState(exists=True, empty=False))
    assert steps == []


def test_every_label_the_admin_repositorys_forms_add_is_made_by_setup() -> None:
    """GitHub adds a form's label only where the label exists: setup makes each one."""
    import yaml

    from glow.room.grading.forms import check_form

    forms = sorted((ROOT / "admin-roster" / ".github" / "ISSUE_TEMPLATE").glob("*.yml"))
    assert forms, "the admin repository has the course-brief form"
    named = set()
    for path in forms:
        text = path.read_text(encoding="utf-8")
        assert check_form(text) == [], path.name
        named |= set(yaml.safe_load(text).get("labels") or [])
    assert named == set(ADMIN_LABELS)


def test_setup_ships_the_course_brief_form_into_the_admin_repository() -> None:
    import shutil

    from glow.cohort.setup.content import admin_source

    source = admin_source(ROOT, "{}")
    try:
        shipped = source / ".github" / "ISSUE_TEMPLATE" / "course-brief.yml"
        form = ROOT / "admin-roster" / ".github" / "ISSUE_TEMPLATE" / "course-brief.yml"
        assert shipped.read_text(encoding="utf-8") == form.read_text(encoding="utf-8")
    finally:
        shutil.rmtree(source)


def test_a_missing_label_is_made_once_and_an_existing_one_left_as_it_is() -> None:
    wanted = {"course-brief": ("1d76db", "A course brief"), "other": ("ffffff", "")}
    steps = label_steps("acme/admin", wanted, ["Course-Brief", "bug"])
    assert [(s.kind, s.target, s.detail) for s in steps] == [
        ("create-label", "acme/admin", "other")
    ]
    assert label_steps("acme/admin", wanted, ["course-brief", "other"]) == []


def test_a_private_workshop_is_reported_not_flipped() -> None:
    steps, findings = repo_steps(
        NAMES, "workshop", RepoState(exists=True, private=True, empty=False)
    )
    assert steps == []
    assert [f.what for f in findings] == ["acme/workshop is private; GLOW needs it public"]


def test_variables_converge_and_a_paused_schedule_stays_paused() -> None:
    wanted = wanted_variables(
        NAMES,
        WEB,
        workshop_head="a" * 40,
        installation_id=7,
        facilitators=["fran", "@gil"],
        cohort_open=True,
    )
    assert wanted["GLOW_INSTALL"] == f"git+https://github.com/acme/workshop@{'a' * 40}"
    assert wanted["GLOW_FACILITATORS"] == "@fran @gil"
    assert wanted["PROVISIONING_APP_INSTALLATION_ID"] == "7"
    assert variable_steps(wanted, wanted) == []
    present = {**wanted, SCHEDULES_VARIABLE: "paused", "ADMIN_ROSTER_REPO": "acme/old"}
    assert [(s.kind, s.target) for s in variable_steps(wanted, present)] == [
        ("update-variable", "ADMIN_ROSTER_REPO")
    ]
    # Every cohort closed: the schedules setup turned on go off (a pause would have stayed).
    closed = wanted_variables(
        NAMES, WEB, workshop_head=None, installation_id=None, facilitators=[], cohort_open=False
    )
    steps = variable_steps(closed, {SCHEDULES_VARIABLE: "on"})
    assert [(s.target, s.detail) for s in steps if s.target == SCHEDULES_VARIABLE] == [
        (SCHEDULES_VARIABLE, "off")
    ]


def test_no_app_is_a_person_step_with_the_page_to_create_it() -> None:
    found, person, findings = app_check([], None, NAMES, WEB)
    assert found is None and findings == []
    assert person[0].where == "https://github.com/organizations/acme/settings/apps/new"


def test_one_permission_too_many_or_too_few_is_a_finding_naming_it() -> None:
    extra = Installation(1, "prov", {**APP_PERMISSIONS, "members": "read"})
    _, _, findings = app_check([extra], None, NAMES, WEB)
    assert [f.what for f in findings] == [
        "the App prov has permissions GLOW does not need (members: read)"
    ]
    assert findings[0].fix.startswith(
        "remove them at https://github.com/organizations/acme/settings/apps/prov/permissions"
    )
    fewer = Installation(1, "prov", {k: v for k, v in APP_PERMISSIONS.items() if k != "issues"})
    _, _, findings = app_check([fewer], None, NAMES, WEB)
    assert [f.what for f in findings] == [
        "the App prov lacks permissions GLOW needs (issues: write)"
    ]
    exact = Installation(1, "prov", dict(APP_PERMISSIONS))
    assert app_check([exact], None, NAMES, WEB) == (exact, [], [])


def test_missing_secrets_are_one_person_step_per_repository() -> None:
    steps = secret_steps(
        NAMES, WEB, {"workshop": frozenset({"PROVISIONING_APP_ID"})}, {}, bot_mode=False
    )
    assert [s.where for s in steps] == [
        "https://github.com/acme/workshop/settings/secrets/actions",
        "https://github.com/acme/admin/settings/secrets/actions",
    ]
    assert "PROVISIONING_APP_PRIVATE_KEY" in steps[0].what
    assert "PROVISIONING_APP_ID" not in steps[0].what
    token = frozenset({"PROVISIONING_TOKEN"})
    assert secret_steps(NAMES, WEB, {}, {"workshop": token, "admin": token}, bot_mode=True) == []
    # On GitHub Free the organisation's secret reaches the public workshop only.
    steps = secret_steps(NAMES, WEB, {}, {"workshop": token}, bot_mode=True)
    assert [s.where for s in steps] == ["https://github.com/acme/admin/settings/secrets/actions"]
    assert "bot account" in steps[0].what


def test_another_app_on_the_organisation_is_not_taken_for_the_provisioning_app() -> None:
    bot = Installation(9, "renovate", {"contents": "write", "issues": "write", "metadata": "read"})
    found, person, _ = app_check([bot], None, NAMES, WEB)
    assert found is None and person[0].where.endswith("/settings/apps/new")
    assert app_check([bot], "renovate", NAMES, WEB)[0] == bot


def test_the_team_gets_its_members_and_access_once() -> None:
    steps = team_steps(NAMES, None, ["fran"])
    assert [s.kind for s in steps] == ["create-team", "add-member", *["grant-team"] * 3]
    done = Team(
        "facilitators",
        frozenset({"fran"}),
        {"workshop": "maintain", "admin": "maintain", "template": "maintain"},
    )
    assert team_steps(NAMES, done, ["Fran"]) == []


def test_golive_names_the_failing_part_of_setup() -> None:
    _, person, findings = app_check([], None, NAMES, WEB)
    checks = {c.name: c for c in setup_checks([], person, findings)}
    assert checks["Provisioning App"].status == "fail"
    assert checks["Secrets"].status == "pass"
    assert checks["Repositories"].status == "pass"


def test_a_disabled_workflow_fails_with_the_page_to_enable_it() -> None:
    required = {"acme/admin": [".github/workflows/watchdog.yml"]}
    check = workflow_check(
        required, {"acme/admin": {".github/workflows/watchdog.yml": "disabled_manually"}}, WEB
    )
    assert check.status == "fail"
    assert check.fix.endswith("https://github.com/acme/admin/actions/workflows/watchdog.yml")
    assert workflow_check(required, {}, WEB).detail == (
        "missing: acme/admin .github/workflows/watchdog.yml"
    )


def test_minutes_over_the_plan_are_a_note_not_a_failure() -> None:
    assert minutes_check(1500, 30, 2000, "Free").status == "pass"
    over = minutes_check(2500, 60, 2000, "Free")
    assert over.status == "note" and over.ok


def test_setup_with_ghes_pushes_no_workflow_or_action_in_the_dollar_form() -> None:
    import shutil

    from glow.cohort.setup.apply import _ghes_variant
    from glow.cohort.setup.content import workshop_source

    folder = workshop_source(ROOT)
    try:
        before = [p for p in folder.rglob("*.yml") if "uses: $/" in p.read_text()]
        assert before, "the project's workflows use `uses: $/path` (github.com's form)"
        _ghes_variant(folder)
        after = [p for p in folder.rglob("*.yml") if "uses: $/" in p.read_text()]
        assert after == []
        assert (
            "uses: ./actions/register"
            in (folder / ".github" / "workflows" / "registration.yml").read_text()
        )
    finally:
        shutil.rmtree(folder)
