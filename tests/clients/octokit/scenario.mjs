// octokit.js (@octokit/rest, pinned in package-lock.json) through a course's life on the local
// GitHub. Run by tests/test_localhub_clients.py with GLOW_API_URL, GLOW_TOKEN (an org admin's)
// and GLOW_LEARNER_TOKEN; prints what it saw as one JSON object, which the test checks.
import { Octokit } from "@octokit/rest";

const baseUrl = process.env.GLOW_API_URL;
const octokit = new Octokit({ auth: process.env.GLOW_TOKEN, baseUrl });
const learner = new Octokit({ auth: process.env.GLOW_LEARNER_TOKEN, baseUrl });
const owner = "school";
const repo = "octo-course";
const seen = {};

const me = await octokit.rest.users.getAuthenticated();
seen.login = me.data.login;

const made = await octokit.rest.repos.createInOrg({ org: owner, name: repo, auto_init: true });
seen.cloneUrl = made.data.clone_url;
await octokit.rest.repos.createInOrg({ org: owner, name: "octo-extra" });
// Pagination follows the Link header one repository at a time.
const orgRepos = await octokit.paginate(octokit.rest.repos.listForOrg, {
  org: owner,
  sort: "full_name",
  per_page: 1,
});
seen.orgRepos = orgRepos.map((r) => r.full_name);
const mine = await octokit.rest.repos.listForAuthenticatedUser({ affiliation: "organization_member" });
seen.myRepos = mine.data.map((r) => r.full_name);
const byId = await octokit.request("GET /repositories/{id}", { id: made.data.id });
seen.byId = byId.data.full_name;

// Files: written through the contents API, read back raw (a string: the answer is UTF-8 text).
await octokit.rest.repos.createOrUpdateFileContents({
  owner,
  repo,
  path: "docs/intro.md",
  message: "Add the intro",
  content: Buffer.from("Welcome ✓\n").toString("base64"),
});
const raw = await octokit.rest.repos.getContent({
  owner,
  repo,
  path: "docs/intro.md",
  mediaType: { format: "raw" },
});
seen.rawType = typeof raw.data;
seen.rawContentType = raw.headers["content-type"];
seen.raw = typeof raw.data === "string" ? raw.data : null;

// A branch made with the git data API, a file on it, a pull request, a merge.
const main = await octokit.rest.git.getRef({ owner, repo, ref: "heads/main" });
await octokit.rest.git.createRef({
  owner,
  repo,
  ref: "refs/heads/lesson",
  sha: main.data.object.sha,
});
await octokit.rest.repos.createOrUpdateFileContents({
  owner,
  repo,
  path: "lesson.md",
  branch: "lesson",
  message: "Add a lesson",
  content: Buffer.from("# Lesson\n").toString("base64"),
});
const refs = await octokit.rest.git.listMatchingRefs({ owner, repo, ref: "heads/" });
seen.refs = refs.data.map((r) => r.ref);

// An issue: opened by the learner, labelled, locked (the learner's comment is refused), unlocked.
const issue = await learner.rest.issues.create({ owner, repo, title: "Where do I start?" });
const issue_number = issue.data.number;
seen.issueKeys = Object.keys(issue.data).sort();
await learner.rest.issues.createComment({ owner, repo, issue_number, body: "Hello" });
await octokit.rest.issues.addLabels({ owner, repo, issue_number, labels: ["question"] });
await octokit.rest.issues.lock({ owner, repo, issue_number, lock_reason: "off-topic" });
const locked = await octokit.rest.issues.get({ owner, repo, issue_number });
seen.locked = [locked.data.locked, locked.data.active_lock_reason];
try {
  await learner.rest.issues.createComment({ owner, repo, issue_number, body: "Anyone?" });
  seen.lockedComment = "accepted";
} catch (error) {
  seen.lockedComment = [error.status, error.response.data.message];
}
await octokit.rest.issues.unlock({ owner, repo, issue_number });
await learner.rest.issues.createComment({ owner, repo, issue_number, body: "Thanks" });
const comments = await octokit.paginate(octokit.rest.issues.listComments, {
  owner,
  repo,
  issue_number,
});
seen.comments = comments.map((c) => c.body);

const pull = await octokit.rest.pulls.create({
  owner,
  repo,
  title: "Add a lesson",
  head: "lesson",
  base: "main",
  body: `Fixes #${issue_number}`,
});
const merged = await octokit.rest.pulls.merge({ owner, repo, pull_number: pull.data.number });
seen.merged = merged.data.merged;
const closed = await octokit.rest.issues.get({ owner, repo, issue_number });
seen.issueState = closed.data.state;

console.log(JSON.stringify(seen));
