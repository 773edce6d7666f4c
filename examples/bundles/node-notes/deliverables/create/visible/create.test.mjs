// Checks you can run: save a note, read it back, and a note without a title is refused.
// Start the service first (npm start), then: node --test .coursegen/tests/create/
import assert from "node:assert/strict";
import test from "node:test";

const BASE = process.env.NOTES_URL ?? "http://127.0.0.1:8787";

async function call(method, path, body) {
  const init = { method };
  if (body !== undefined) {
    init.headers = { "content-type": "application/json" };
    init.body = JSON.stringify(body);
  }
  const res = await fetch(BASE + path, init);
  return { status: res.status, body: await res.json() };
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
  const { status, body } = await call("POST", "/notes", { body: "no title here" });
  assert.equal(status, 422);
  assert.equal(typeof body.error, "string");
});
