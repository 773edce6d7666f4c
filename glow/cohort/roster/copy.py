"""What `glow roster rebuild` says, as named constants: each cohort's verdict and every
difference between the stored roster and the one rebuilt from GitHub."""

NO_REPO = "--repo owner/name (or GITHUB_REPOSITORY) names the registration repo"
NO_COHORT = "cohort {cohort} is not in cohorts.json"

VERDICT = "cohort {cohort}: {count} learners rebuilt, {verdict}"
IDENTICAL = "identical to the stored roster"
DIFFERENT = "{count} differences"
DIFFERENCE = "  - {line}"
MISSING = "{key}: missing from the stored roster (registered in #{issue})"
NO_ISSUE = "{key}: in the stored roster but no registration issue was found"
DIFFERS = "{key}: {name} is {old} in the roster, {new} from GitHub"

COMMIT_MESSAGE = "Roster of {cohort} rebuilt from GitHub"
WRITTEN = "  written: the stored roster of {cohort} now matches GitHub"
