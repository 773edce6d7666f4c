// Checks you can run: find the seeded notes by tag, by words, and a page at a time.
// Start the service first (npm start), then: node --test .coursegen/tests/search/
import assert from "node:assert/strict";
import test from "node:test";

const BASE = process.env.NOTES_URL ?? "http://127.0.0.1:8787";

async function search(query) {
  const res = await fetch(`${BASE}/notes?${query}`);
  return { status: res.status, body: await res.json() };
}

const ids = (notes) => notes.map((note) => note.id);

test("notes with a tag", async () => {
  const { status, body } = await search("tag=travel");
  assert.equal(status, 200);
  assert.equal(body.total, 4);
  assert.deepEqual(ids(body.notes), [8, 12, 19, 24]);
});

test("notes with a word in their title or body", async () => {
  const { status, body } = await search("q=compost");
  assert.equal(status, 200);
  assert.deepEqual(ids(body.notes), [5, 14, 20]);
});

test("the first page of every note", async () => {
  const { status, body } = await search("limit=2");
  assert.equal(status, 200);
  assert.equal(body.total, 25);
  assert.equal(body.limit, 2);
  assert.deepEqual(ids(body.notes), [1, 2]);
  assert.equal(body.notes[0].title, "Water the seedlings");
});
