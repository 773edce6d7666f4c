// Grading checks for the search deliverable: filters, pages, and every bad parameter.
import assert from "node:assert/strict";
import test from "node:test";

const BASE = process.env.NOTES_URL ?? "http://127.0.0.1:8787";

async function search(query) {
  const res = await fetch(`${BASE}/notes?${query}`);
  return { status: res.status, body: await res.json() };
}

async function page(query) {
  const { status, body } = await search(query);
  assert.equal(status, 200, `expected 200 for ?${query}, got ${status}`);
  return body;
}

async function badRequest(query) {
  const { status, body } = await search(query);
  assert.equal(status, 400, `expected 400 for ?${query}, got ${status}`);
  assert.equal(typeof body.error, "string");
}

const ids = (notes) => notes.map((note) => note.id);
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

test("notes with a tag", async () => {
  const body = await page("tag=travel");
  assert.equal(body.total, 4);
  assert.deepEqual(ids(body.notes), [8, 12, 19, 24]);
});

test("notes with a word in their title or body", async () => {
  assert.deepEqual(ids((await page("q=compost")).notes), [5, 14, 20]);
});

test("the first page of every note", async () => {
  const body = await page("limit=2");
  assert.equal(body.total, 25);
  assert.equal(body.limit, 2);
  assert.deepEqual(ids(body.notes), [1, 2]);
  assert.equal(body.notes[0].title, "Water the seedlings");
});

test("with no parameters: the first 20 notes, oldest first", async () => {
  const body = await page("");
  assert.deepEqual({ total: body.total, limit: body.limit, offset: body.offset }, { total: 25, limit: 20, offset: 0 });
  assert.deepEqual(ids(body.notes), range(1, 20));
});

test("a note is answered whole", async () => {
  const body = await page("q=ferry");
  assert.deepEqual(body.notes, [{ id: 19, title: "Ferry booking", body: "Cabin for two, car on deck.", tags: ["travel"] }]);
});

test("the words match whatever their case", async () => {
  assert.deepEqual(ids((await page("q=tomato")).notes), [2, 9, 17]);
  assert.deepEqual(ids((await page("q=TOMATO")).notes), [2, 9, 17]);
  assert.deepEqual(ids((await page("q=Compost")).notes), [5, 14, 20]);
});

test("the words match the body as well as the title", async () => {
  assert.deepEqual(ids((await page("q=york")).notes), [8, 24]);
  assert.deepEqual(ids((await page("q=peelings")).notes), [20]);
});

test("spaces around the words and the tag are ignored", async () => {
  assert.deepEqual(ids((await page("q=%20%20york%20")).notes), [8, 24]);
  assert.deepEqual(ids((await page("tag=%20Travel%20")).notes), [8, 12, 19, 24]);
});

test("a tag and words together", async () => {
  const body = await page("tag=kitchen&q=tomato");
  assert.equal(body.total, 2);
  assert.deepEqual(ids(body.notes), [9, 17]);
});

test("nothing found is an empty page, not an error", async () => {
  const body = await page("tag=nowhere");
  assert.equal(body.total, 0);
  assert.deepEqual(body.notes, []);
  assert.deepEqual((await page("q=zzzz")).notes, []);
});

test("an empty tag or empty words filter nothing", async () => {
  const body = await page("tag=&q=");
  assert.equal(body.total, 25);
});

test("later pages start at the offset", async () => {
  const body = await page("offset=20");
  assert.deepEqual({ total: body.total, offset: body.offset }, { total: 25, offset: 20 });
  assert.deepEqual(ids(body.notes), range(21, 25));
  assert.deepEqual(ids((await page("limit=3&offset=3")).notes), [4, 5, 6]);
});

test("a page of a filtered search", async () => {
  const body = await page("tag=garden&limit=3&offset=3");
  assert.equal(body.total, 8);
  assert.deepEqual(ids(body.notes), [11, 14, 16]);
  assert.deepEqual(ids((await page("tag=garden&limit=3&offset=6")).notes), [17, 23]);
});

test("an offset past the end is an empty page", async () => {
  const body = await page("offset=25");
  assert.equal(body.total, 25);
  assert.deepEqual(body.notes, []);
});

test("a limit of 1 and of 100 are allowed", async () => {
  assert.deepEqual(ids((await page("limit=1")).notes), [1]);
  const body = await page("limit=100");
  assert.equal(body.limit, 100);
  assert.deepEqual(ids(body.notes), range(1, 25));
});

test("a limit outside 1 to 100 is refused with 400", async () => {
  for (const limit of ["0", "101", "-5", "abc", "2.5", ""]) await badRequest(`limit=${limit}`);
});

test("an offset that is not a whole number from 0 is refused with 400", async () => {
  for (const offset of ["-1", "abc", "1.5", ""]) await badRequest(`offset=${offset}`);
  assert.equal((await page("offset=0")).offset, 0);
});
