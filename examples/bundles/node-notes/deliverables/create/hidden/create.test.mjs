// Grading checks for the create deliverable: what is saved, and everything refused.
import assert from "node:assert/strict";
import test from "node:test";

const BASE = process.env.NOTES_URL ?? "http://127.0.0.1:8787";
const SEEDED = 25; // the notes in data/notes.json

async function call(method, path, body) {
  const init = { method };
  if (body !== undefined) {
    init.headers = { "content-type": "application/json" };
    init.body = JSON.stringify(body);
  }
  const res = await fetch(BASE + path, init);
  return { status: res.status, body: await res.json() };
}

async function refused(input) {
  const { status, body } = await call("POST", "/notes", input);
  assert.equal(status, 422, `expected 422 for ${JSON.stringify(input)}, got ${status}`);
  assert.equal(typeof body.error, "string");
  assert.ok(body.error.length > 0);
}

test("a new note is saved and answered with 201", async () => {
  const { status, body } = await call("POST", "/notes", { title: "Call the plumber", body: "Before Friday", tags: ["home"] });
  assert.equal(status, 201);
  assert.equal(typeof body.id, "number");
  assert.equal(body.title, "Call the plumber");
  assert.equal(body.body, "Before Friday");
  assert.deepEqual(body.tags, ["home"]);
});

test("a saved note can be read back by its id", async () => {
  const created = await call("POST", "/notes", { title: "Renew the bike lock", body: "", tags: [] });
  const { status, body } = await call("GET", `/notes/${created.body.id}`);
  assert.equal(status, 200);
  assert.deepEqual(body, created.body);
});

test("a note without a title is refused with 422", async () => {
  await refused({ body: "no title here" });
});

test("every new note gets a fresh id after the seeded ones", async () => {
  const first = await call("POST", "/notes", { title: "First" });
  const second = await call("POST", "/notes", { title: "Second" });
  assert.ok(first.body.id > SEEDED, `id ${first.body.id} is taken by a seeded note`);
  assert.ok(second.body.id > first.body.id);
  assert.equal((await call("GET", `/notes/${first.body.id}`)).body.title, "First");
  assert.equal((await call("GET", `/notes/${second.body.id}`)).body.title, "Second");
});

test("only a title is needed: the body is empty and there are no tags", async () => {
  const { status, body } = await call("POST", "/notes", { title: "Just a title" });
  assert.equal(status, 201);
  assert.deepEqual({ title: body.title, body: body.body, tags: body.tags }, { title: "Just a title", body: "", tags: [] });
});

test("spaces around the title are trimmed", async () => {
  const { body } = await call("POST", "/notes", { title: "   Oil the gate  " });
  assert.equal(body.title, "Oil the gate");
});

test("a title of spaces, or not text, is refused", async () => {
  await refused({ title: "    " });
  await refused({ title: "" });
  await refused({ title: 42 });
  await refused({ title: ["a list"] });
});

test("a title of 120 characters is saved, 121 is refused", async () => {
  const longest = "t".repeat(120);
  const { status, body } = await call("POST", "/notes", { title: longest });
  assert.equal(status, 201);
  assert.equal(body.title, longest);
  await refused({ title: "t".repeat(121) });
});

test("tags are trimmed, lower-cased and kept once, in order", async () => {
  const { status, body } = await call("POST", "/notes", { title: "Tagged", tags: [" Garden", "garden", "SHED-2", "garden "] });
  assert.equal(status, 201);
  assert.deepEqual(body.tags, ["garden", "shed-2"]);
});

test("ten different tags are saved, eleven are refused", async () => {
  const ten = Array.from({ length: 10 }, (_, i) => `tag-${i}`);
  const saved = await call("POST", "/notes", { title: "Ten tags", tags: [...ten, "tag-0"] });
  assert.equal(saved.status, 201);
  assert.deepEqual(saved.body.tags, ten);
  await refused({ title: "Eleven tags", tags: [...ten, "tag-10"] });
});

test("a tag of 1 to 30 characters is saved, 31 is refused", async () => {
  const tags = ["x", "2024-trip", "a".repeat(30)];
  const { status, body } = await call("POST", "/notes", { title: "Short and long tags", tags });
  assert.equal(status, 201);
  assert.deepEqual(body.tags, tags);
  await refused({ title: "Longer tag", tags: ["a".repeat(31)] });
});

test("tags that are not words are refused", async () => {
  for (const tag of ["two words", "", "   ", "-leading", "café", "a/b", 7, null]) {
    await refused({ title: "Bad tag", tags: [tag] });
  }
  await refused({ title: "Tags not a list", tags: "garden" });
});

test("a body that is not text is refused", async () => {
  await refused({ title: "Numbered", body: 42 });
  await refused({ title: "Listed", body: ["a", "b"] });
});

test("a request that is not a JSON object is refused", async () => {
  await refused(["a", "list"]);
  await refused("just text");
  await refused(null);
});

test("a refused note is not saved", async () => {
  const before = await call("POST", "/notes", { title: "Before" });
  await refused({ title: "" });
  const after = await call("POST", "/notes", { title: "After" });
  assert.equal(after.body.id, before.body.id + 1);
});

test("the seeded notes can be read by their ids", async () => {
  const { status, body } = await call("GET", "/notes/1");
  assert.equal(status, 200);
  assert.deepEqual(body, { id: 1, title: "Water the seedlings", body: "Morning and evening while it stays dry.", tags: ["garden"] });
  assert.equal((await call("GET", "/notes/10")).body.title, "Team retro");
});

test("an id no note has answers 404", async () => {
  for (const id of ["99999", "0", "-1", "abc", "1.5", "1e1"]) {
    const { status, body } = await call("GET", `/notes/${id}`);
    assert.equal(status, 404, `expected 404 for /notes/${id}, got ${status}`);
    assert.equal(typeof body.error, "string");
  }
});
