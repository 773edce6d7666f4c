"""`glow course`'s router: every event it handles reaches the one reconcile of the brief the
event names (``glow routes --command course`` prints the table). The event only names the brief:
what to do is read from GitHub's current state (``course.reconcile``)."""

from __future__ import annotations

import argparse

from glow.bot.router import Router

from .events import EVENTS

router: Router[argparse.Namespace] = Router()


@router.register_keys(EVENTS)
def reconcile_brief(args: argparse.Namespace) -> int:
    from .command import reconcile_args

    return reconcile_args(args)
