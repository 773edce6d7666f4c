"""Cohort configuration from the environment, validated once: every setting to fix is named in
one message, so one run tells a facilitator all of them.

Variables: ADMIN_ROSTER_REPO (owner/name of the private admin repository),
LEARNING_ROOM_TEMPLATE_REPO (owner/name of the template), PROVISIONING_MODE (github-app or
actions-bot), GLOW_ROOMS_OWNER (where rooms are created; default the template's owner),
GLOW_PROVISION_DELAY (extra seconds between learners, default 0). Secrets: PROVISIONING_APP_ID
and PROVISIONING_APP_PRIVATE_KEY (github-app) or PROVISIONING_TOKEN (actions-bot); optionally the
variable PROVISIONING_APP_INSTALLATION_ID (github-app: the installation, so no run looks it up).
GLOW_INSTALL and GLOW_FACILITATORS (optional): the workshop's pin and whom a help request
mentions, written into every room's ``.glow/learner.yml``, since on GitHub Free an organisation's
variables reach no private repository (the room's workflow reads them there when it sees none).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from glow.errors import ConfigError, GlowError

INSTALLATION_VARIABLE = "PROVISIONING_APP_INSTALLATION_ID"
# The shape the room's pin check accepts (its server is checked there, against the room's).
GLOW_INSTALL_FORM = re.compile(r"git\+[^@\s]+/[A-Za-z0-9-]+/[A-Za-z0-9._-]+@[0-9a-fA-F]{40}")
BAD_GLOW_INSTALL = (
    "GLOW_INSTALL must name the workshop repository at a full commit: set the variable "
    "GLOW_INSTALL to git+https://github.com/OWNER/WORKSHOP@<40-character commit SHA> "
    "(not a branch, a tag or a short SHA), or unset it"
)


def _repo(env: Mapping[str, str], name: str, problems: list[str]) -> str:
    """The setting's owner/name; a problem noted (not raised) when it is unset or malformed."""
    value = env.get(name, "").strip()
    if not value:
        problems.append(f"{name} is not set: set it to owner/name of the repository")
        return ""
    from glow.github.repo import split_full_name

    try:
        split_full_name(value)
    except GlowError:
        problems.append(f"{name} must be owner/name, got {value!r}")
    return value


def credential_problems(env: Mapping[str, str], mode: str) -> list[str]:
    """What is missing of the provisioning credential the mode needs (each unset setting)."""

    def unset(name: str) -> bool:
        return not env.get(name, "").strip()

    if mode == "actions-bot":
        if unset("PROVISIONING_TOKEN"):
            return [
                "PROVISIONING_TOKEN is not set: actions-bot mode needs a fine-grained token with "
                "administration and contents write"
            ]
        return []
    problems = []
    if unset("PROVISIONING_APP_ID"):
        problems.append(
            "PROVISIONING_APP_ID is not set: set it to the provisioning App's ID (or "
            "PROVISIONING_MODE=actions-bot with PROVISIONING_TOKEN)"
        )
    if unset("PROVISIONING_APP_PRIVATE_KEY"):
        problems.append(
            "PROVISIONING_APP_PRIVATE_KEY is not set: set it to the App's private key (PEM text "
            "or the path of its .pem file)"
        )
    return problems


def raise_all(problems: list[str]) -> None:
    """Every setting to fix, in one line (one run tells them all); nothing when none."""
    if len(problems) == 1:
        raise ConfigError(problems[0])
    if problems:
        raise ConfigError(f"{len(problems)} settings to fix: " + "; ".join(problems) + ".")


@dataclass(frozen=True)
class CohortSettings:
    api_url: str
    admin_repo: str
    template_repo: str
    rooms_owner: str
    mode: Literal["github-app", "actions-bot"]
    provision_delay_s: float
    run_id: str | None
    glow_install: str = ""  # for the rooms' .glow/learner.yml; empty: not written
    facilitators: str = ""

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        need_template: bool = True,
        credentials: bool = False,
        job_token: bool = False,
    ) -> CohortSettings:
        """The settings, or one ConfigError naming every setting to fix at once.

        ``credentials``: the provisioning credential the mode needs must be set too (every
        command that reaches the admin repository); ``job_token``: GITHUB_TOKEN as well (the
        registration bot answers the learner with it)."""
        from glow.github.client import DEFAULT_API_URL, checked_api_url

        env = os.environ if environ is None else environ
        problems: list[str] = []
        api_url = DEFAULT_API_URL
        try:
            api_url = checked_api_url(env.get("GITHUB_API_URL", "").strip() or DEFAULT_API_URL)
        except ConfigError as exc:
            problems.append(str(exc).rstrip("."))
        admin = _repo(env, "ADMIN_ROSTER_REPO", problems)
        template = (
            _repo(env, "LEARNING_ROOM_TEMPLATE_REPO", problems)
            if need_template
            else env.get("LEARNING_ROOM_TEMPLATE_REPO", "")
        )
        mode = env.get("PROVISIONING_MODE", "").strip() or "github-app"
        if mode not in ("github-app", "actions-bot"):
            problems.append(f"PROVISIONING_MODE must be github-app or actions-bot, got {mode!r}")
        elif credentials:
            problems += credential_problems(env, mode)
        if job_token and not env.get("GITHUB_TOKEN", "").strip():
            problems.append(
                "GITHUB_TOKEN is not set: in the workflow step add "
                "`env: GITHUB_TOKEN: ${{ github.token }}`"
            )
        # The write budget (glow.github.budget) paces every write: no pause between learners
        # is needed, but one may be set.
        delay_text = env.get("GLOW_PROVISION_DELAY", "").strip() or "0"
        delay = 0.0
        try:
            delay = float(delay_text)
        except ValueError:
            problems.append(f"GLOW_PROVISION_DELAY must be seconds, got {delay_text!r}")
        raise_all(problems)
        # The template setting is unchecked when not needed: its owner is read as before.
        owner = env.get("GLOW_ROOMS_OWNER", "").strip() or (template or admin).partition("/")[0]
        glow_install = env.get("GLOW_INSTALL", "").strip()
        if glow_install and not GLOW_INSTALL_FORM.fullmatch(glow_install):
            raise ConfigError(BAD_GLOW_INSTALL)
        return cls(
            api_url=api_url,
            admin_repo=admin,
            template_repo=template,
            rooms_owner=owner,
            mode="actions-bot" if mode == "actions-bot" else "github-app",
            provision_delay_s=max(delay, 0.0),
            run_id=env.get("GITHUB_RUN_ID"),
            glow_install=glow_install,
            facilitators=" ".join(env.get("GLOW_FACILITATORS", "").split()),
        )


def provisioning_client(settings: CohortSettings, environ: Mapping[str, str] | None = None) -> Any:
    """The client that writes the admin repo and creates rooms: the App (short-lived
    installation token, minted now, never stored) or, in actions-bot mode, PROVISIONING_TOKEN."""
    from glow.github import installation_client, load_private_key, token_client

    env = os.environ if environ is None else environ
    if settings.mode == "actions-bot":
        token = env.get("PROVISIONING_TOKEN", "").strip()
        if not token:
            raise ConfigError(
                "PROVISIONING_TOKEN is not set: actions-bot mode needs a "
                "fine-grained token with administration and contents write"
            )
        return token_client(token, settings.api_url)
    app_id = env.get("PROVISIONING_APP_ID", "").strip()
    if not app_id:
        raise ConfigError(
            "PROVISIONING_APP_ID is not set: set it to the provisioning App's ID "
            "(or PROVISIONING_MODE=actions-bot with PROVISIONING_TOKEN)"
        )
    key = load_private_key(
        env.get("PROVISIONING_APP_PRIVATE_KEY"), variable="PROVISIONING_APP_PRIVATE_KEY"
    )
    return installation_client(
        app_id,
        key,
        settings.rooms_owner,
        settings.api_url,
        installation_id=installation_id(env),
    )


def installation_id(env: Mapping[str, str]) -> int | None:
    """PROVISIONING_APP_INSTALLATION_ID, the App's installation on the rooms' owner when the
    facilitators set it (it spares every run the request that looks it up), else None."""
    text = env.get(INSTALLATION_VARIABLE, "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise ConfigError(
            f"{INSTALLATION_VARIABLE} must be the installation's number (the last part of the "
            f"address of the App's installation settings page), got {text!r}; or unset it."
        )
    return int(text)
