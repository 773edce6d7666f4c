"""checks's handlers, on one router (empty until the behaviour lands)."""

from __future__ import annotations

from glow.bot.context import Context
from glow.bot.router import Router

router: Router[Context] = Router()
