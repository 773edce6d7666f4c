"""Every event a Learning Room's one workflow starts a job for: the union of what its behaviours
handle. Imports nothing heavy (each behaviour's ``events`` module imports nothing), so `glow`
decides from this alone to ignore any other event. A test holds it equal to the `on:` types of
``learning-room-template/.github/workflows/room.yml``."""

from glow.room.checks.events import EVENTS as _CHECKS
from glow.room.gandalf.events import EVENTS as _GANDALF
from glow.room.grading.events import EVENTS as _GRADING
from glow.room.help.events import EVENTS as _HELP
from glow.room.progression.events import EVENTS as _PROGRESSION

BEHAVIOURS = {
    "progression": _PROGRESSION,
    "help": _HELP,
    "gandalf": _GANDALF,
    "grading": _GRADING,
    "checks": _CHECKS,
}
EVENTS = frozenset().union(*BEHAVIOURS.values())
