"""The one context every handler is given: the event, the arguments, a logger, one GitHub
client per process shared by every repository, and the admin repository.

Built once per run. githubkit builds a new HTTP client (and SSL context) for every request
unless the client is entered; the context enters each client it makes for the whole run, so a
run pays for one connection pool, not one per request. Nothing heavy is imported until a
handler asks for a repository.
"""

from __future__ import annotations

import argparse
import contextlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from glow.bot.actions import Event, log

if TYPE_CHECKING:
    from glow.cohort.admin import AdminRepo
    from glow.github import Repo

Auth = Literal["token", "provisioning"]


@dataclass
class Context:
    command: str
    args: argparse.Namespace
    event: Event | None = None  # None: run by hand, not by an Actions event
    # Each repository's reads answered once per run until a write (``Repo(remember_reads)``):
    # for a short run whose handlers all look at the same repository (``glow room``).
    remember_reads: bool = False
    _clients: dict[Auth, Any] = field(default_factory=dict)
    _repos: dict[tuple[Auth, str], Repo] = field(default_factory=dict)
    _admin: AdminRepo | None = None
    _stack: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)

    def log(self, message: str, **fields: object) -> None:
        """One structured line on stderr: ``glow COMMAND: message key=value``."""
        log(f"glow {self.command}: {message}", **fields)

    def client(self, auth: Auth = "token") -> Any:
        """The run's one client of that kind: the job token (the workflow's repository), or the
        provisioning credential (the App, or PROVISIONING_TOKEN: admin repo and rooms)."""
        if auth not in self._clients:
            if auth == "token":
                from glow.github import client_from_env

                gh = client_from_env(auth="token")
            else:
                from glow.cohort.settings import CohortSettings, provisioning_client

                gh = provisioning_client(
                    CohortSettings.from_env(need_template=False, credentials=True)
                )
            self._clients[auth] = gh
            self._stack.enter_context(gh)  # one HTTP connection pool for the whole run
        return self._clients[auth]

    def enter(self, client: Any) -> Any:
        """A client of a credential only one command holds (the watchdog's read-only runs
        token), kept open for the run like the others and closed with them."""
        self._stack.enter_context(client)
        return client

    def repo(self, full_name: str, *, auth: Auth = "token") -> Repo:
        """``owner/name`` through the run's client of that kind (one adapter per repository)."""
        from glow.github import Repo, split_full_name

        key = (auth, full_name.lower())
        if key not in self._repos:
            self._repos[key] = Repo(
                self.client(auth),
                *split_full_name(full_name),
                remember_reads=self.remember_reads,
            )
        return self._repos[key]

    @property
    def admin(self) -> AdminRepo:
        """The private admin repository (ADMIN_ROSTER_REPO), through the provisioning
        credential."""
        if self._admin is None:
            from glow.cohort.admin import AdminRepo
            from glow.cohort.settings import CohortSettings

            # Every setting the admin repository needs, named at once (the credential too,
            # unless the run's provisioning client is already made).
            fresh = "provisioning" not in self._clients
            settings = CohortSettings.from_env(need_template=False, credentials=fresh)
            self._admin = AdminRepo(self.repo(settings.admin_repo, auth="provisioning"))
        return self._admin

    def close(self) -> None:
        self._stack.close()
