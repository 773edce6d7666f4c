"""The public side of the Day 2 release: the learners' registration issues, read in a few
listings per repository and written (the one comment, the label) through the job token.

Every repository comes from the run's context (one client per run), so its identity is asked
once and our marker comment is told apart from a stranger's copy of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from glow.cohort.day2.decide import LearnerPlan, Report
    from glow.cohort.model import Cohort, Learner
    from glow.github import Repo


class IssueRepos:
    """The registration repositories, each through the run's context, and our labels ensured
    once per repository per run."""

    def __init__(self, repo: Callable[[str], Repo]) -> None:
        self.get = repo
        self._labelled: set[str] = set()

    def ensure_labels(self, full_name: str) -> None:
        from glow.cohort.day2.copy import LABELS

        if full_name.lower() in self._labelled:
            return
        repo = self.get(full_name)
        for name, (color, description) in LABELS.items():
            repo.ensure_label(name, color, description)
        self._labelled.add(full_name.lower())


def ensure_labels(issues: IssueRepos, learners: list[Learner], report: Report) -> None:
    """Our labels exist where learners registered, so a facilitator can pick `day1-complete`
    from the label menu (the manual fallback) before anyone is released."""
    from glow.cohort.day2.copy import LABELS_FAILED
    from glow.errors import GitHubError

    for full_name in sorted({learner.registration_repo for learner in learners}):
        try:
            issues.ensure_labels(full_name)
        except GitHubError as exc:
            report.failures.append(LABELS_FAILED.format(repo=full_name, error=exc))


def read_plans(issues: IssueRepos, learners: list[Learner], report: Report) -> list[LearnerPlan]:
    """Each learner's plan, from a few listings per registration repository (its registration
    issues, and every comment since the earliest of these learners registered) instead of two
    requests per learner: a run is cheap enough to check every learner, so whichever run of a
    burst the concurrency group keeps answers everyone who spoke before it started."""
    from glow.cohort.day2.copy import ISSUE_MISSING, READ_FAILED
    from glow.cohort.day2.decide import IssueView, plan_learner
    from glow.errors import GitHubError

    plans = []
    by_repo: dict[str, list[Learner]] = {}
    for learner in learners:
        by_repo.setdefault(learner.registration_repo, []).append(learner)
    for full_name, group in sorted(by_repo.items()):
        try:
            repo = issues.get(full_name)
            found, comments = registration_state(repo, group)
            bot = repo.login()
        except GitHubError as exc:
            report.failures += [
                READ_FAILED.format(
                    handle=lrn.github_handle,
                    where=f"{full_name}#{lrn.registration_issue}",
                    error=exc,
                )
                for lrn in group
            ]
            continue
        for learner in group:
            issue = found.get(learner.registration_issue)
            if issue is None:
                where = f"{full_name}#{learner.registration_issue}"
                report.failures.append(
                    ISSUE_MISSING.format(handle=learner.github_handle, where=where)
                )
                continue
            view = IssueView.from_api(issue, comments.get(learner.registration_issue, []), bot=bot)
            plans.append(plan_learner(learner, view))
    return plans


def registration_state(
    repo: Repo, learners: list[Learner]
) -> tuple[dict[int, dict[str, Any]], dict[int, list[dict[str, Any]]]]:
    """(issue by number, comments by issue number) for these learners' registration issues."""
    from glow.cohort.observe import comments_by_issue

    wanted = {learner.registration_issue for learner in learners}
    listing = {"labels": "registration", "state": "all", "per_page": 100}
    found = {
        int(i["number"]): i
        for i in repo.paginate(repo.url("issues"), listing)
        if i["number"] in wanted
    }
    for number in sorted(wanted - set(found)):  # a label removed by hand: read it directly
        issue = repo.get_json(repo.url("issues", number))
        if issue is not None:
            found[number] = issue
    since = min(learner.registered_at for learner in learners)
    comments = comments_by_issue(repo, since)
    return found, {number: comments[number] for number in wanted if number in comments}


def post_releases(
    issues: IssueRepos, cohort: Cohort, plans: list[LearnerPlan], report: Report
) -> list[LearnerPlan]:
    """Post the comment and the label for each plan; the ones that fully succeeded."""
    from glow.cohort.day2.copy import COMMENT_KEY, LABEL_RELEASED, POST_FAILED, why
    from glow.cohort.day2.decide import release_comment
    from glow.errors import GitHubError

    done = []
    for plan in plans:
        try:
            repo = issues.get(plan.repo)
            repo.upsert_comment(plan.issue, COMMENT_KEY, release_comment(cohort))
            repo.set_labels_diff(plan.issue, add=[LABEL_RELEASED])
        except GitHubError as exc:
            where = f"{plan.repo}#{plan.issue}"
            report.failures.append(POST_FAILED.format(handle=plan.handle, where=where, error=exc))
            continue
        print(f"released @{plan.handle}: {plan.repo}#{plan.issue} ({why(plan)})")
        report.released.append(plan.handle)
        done.append(plan)
    return done
