"""The publish step of the authoring loop: once every gate is approved, a pull request to the
Learning Room template with the learner-facing bundle, the harness's learner-path certification
recorded as its required ``glow/certification`` status, and the merge once it passes
(``publish``: the GitHub side of each step). Each step is an event on the timeline; the record
is written after each, so a run killed between them picks up where it stopped.

A certification failure blocks the run with the failing step: `/reject <what to change>` on the
brief revises the bundle and runs the graph again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from glow.errors import GlowError

from . import publish, store
from .context import utc_now
from .state import Event, RunState

if TYPE_CHECKING:
    from glow.github.repo import Repo

Save = Callable[[RunState], None]


def _with(state: RunState, text: str, **update: object) -> RunState:
    event = Event(at=utc_now(), kind="workflow", text=text)
    return state.model_copy(update={**update, "events": [*state.events, event]})


def publish_run(
    admin: Repo,
    template: Repo,
    state: RunState,
    *,
    save: Save,
    say: Callable[[str], None] = print,
    certify: publish.Certify | None = None,
    app_id: int | None = None,
) -> RunState:
    """Open (or find) the pull request, certify it, merge it: the run's record afterwards."""
    said = {e.text for e in state.events}
    try:
        publish.ensure_required_status(template, app_id)
    except GlowError as exc:
        text = f"The template does not require certification before a merge: {exc}"
        if text not in said:
            state = _with(state, text)
    if state.pull_request is not None:
        pull = template.request("GET", template.url("pulls", state.pull_request)).json()
        if pull["state"] == "closed" and not pull.get("merged_at"):
            return _stop(
                state,
                f"The pull request {template.full_name}#{state.pull_request} was closed "
                "without merging, so publishing stopped. Comment /reject with what to change "
                "to revise the course.",
                save,
            )
    try:
        pr = publish.open_pull_request(template, admin, state)
    except GlowError as exc:
        return _stop(state, f"Publishing stopped: {exc}.", save)
    if state.pull_request != pr:
        state = _with(
            state,
            f"The pull request {template.full_name}#{pr} was opened with the learner-facing "
            "bundle.",
            pull_request=pr,
        )
        save(state)
    say(f"Brief #{state.brief_issue}: certifying {template.full_name}#{pr}")
    certified = publish.certify_pull_request(template, pr, state, say=say, certify=certify)
    if certified.ran:
        state = _with(state, f"Certification {certified.state}: {certified.description}")
    if certified.state == "failure":
        state = state.model_copy(
            update={
                "status": "blocked",
                "blocked_reason": (
                    f"Learner-path certification failed: {certified.description} Comment "
                    "/reject with what to change, and the run starts again."
                ),
            }
        )
        save(state)
        return state
    merged = publish.merge_when_certified(template, pr)
    if merged:
        publish.commit_admin_files(admin, state)  # a revision's, now that it is certified
        state = _with(
            state,
            f"The pull request {template.full_name}#{pr} was merged: new Learning Rooms hold "
            "the project.",
            status="published",
        )
    elif f"Not merged yet: {merged.reason}." not in said:
        state = _with(state, f"Not merged yet: {merged.reason}.")
    save(state)
    return state


def _stop(state: RunState, reason: str, save: Save) -> RunState:
    stopped = state.model_copy(update={"status": "blocked", "blocked_reason": reason})
    if stopped != state:
        save(stopped)
    return stopped


def step(
    admin: Repo,
    template: Repo,
    say: Callable[[str], None] = print,
    *,
    app_id: int | None = None,
) -> Callable[[RunState], RunState]:
    """``course.reconcile``'s publish step, recording to the admin repository. ``app_id``: the
    provisioning App, which the template's ruleset lets through (``glow template sync``)."""

    def save(state: RunState) -> None:
        store.save_run(admin, state, f"Publishing brief #{state.brief_issue}: {state.status}")

    return lambda state: publish_run(admin, template, state, save=save, say=say, app_id=app_id)
