"""The REST endpoints of the local GitHub, one module per area, registered in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from glow.localhub.hub import LocalHub


def register_all(hub: LocalHub) -> None:
    from glow.localhub.api import accounts, actions, apps, contents, gitdata, issues, pulls, repos

    for module in (accounts, apps, repos, contents, gitdata, issues, pulls, actions):
        module.register(hub)
