"""What `glow template sync` says, as named constants: validation that stopped the sync, each
file it changes (or would), and the outcome; and its help's epilog."""

from glow.cohort.cli_support import SETTINGS_HELP

NOT_A_FOLDER = "--source {folder} is not a folder"
NOT_TEXT = "{path} is not UTF-8 text; the template sync writes text files only"
NO_CHALLENGE = "{path} is missing: provisioning seeds the first challenge"
NO_TEMPLATE = (
    "the template repository {repo} was not found, or these credentials cannot read it. Check "
    "LEARNING_ROOM_TEMPLATE_REPO and that the provisioning App is installed on it."
)
TRUNCATED = "GitHub truncated the file list of {repo}; sync by hand"

INVALID = "Template sync stopped, nothing was written: {source} failed validation."
PROBLEM = "  - {problem}"
FIX_AND_RUN_AGAIN = "Fix the files in the folder, then run again."
KEPT = "kept {path}: in the template, not in {source} (--delete removes it)"
IN_STEP = "Template {where} is in step with {source} ({count} files)."
CHANGE = "{verb}{action} {path}"
DRY_RUN = "Dry run: {count} file(s) of {where} would change; nothing was written."
COMMIT_MESSAGE = "Sync the Learning Room template from {source}"
SYNCED = "Template {where} synced: {count} file(s) in one commit {sha}."

# `glow template sync --help`: what follows the options.
EPILOG = (
    """examples:
  glow template sync --dry-run                 what would change in the template repository
  glow template sync                           validate, then write the differences (one commit)
  glow template sync --source path/to/folder --delete

"""
    + SETTINGS_HELP
    + """  LEARNING_ROOM_TEMPLATE_REPO    owner/name of the template repository to write

exit status: 0 in step (or synced), 1 when validation failed (nothing written), 2 when a
setting is missing.
Runbook: docs/runbooks/provisioning.md in the workshop repository.
"""
)
