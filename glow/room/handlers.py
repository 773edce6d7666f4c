"""The room's one router: every behaviour's handlers, in a fixed order (progression first, so a
challenge opened by a close exists before anything grades it)."""

from __future__ import annotations

from glow.bot.context import Context
from glow.bot.router import Router
from glow.room.checks.handlers import router as checks
from glow.room.gandalf.handlers import router as gandalf
from glow.room.grading.handlers import router as grading
from glow.room.help.handlers import router as help_
from glow.room.progression.handlers import router as progression

router: Router[Context] = Router()
for part in (progression, help_, gandalf, grading, checks):
    router.extend(part)
