// Searching the notes, a page at a time (deliverable: search).
// The handler returns { status, body }; server.js sends the body as JSON.

export const LIMIT_DEFAULT = 20;
export const LIMIT_MAX = 100;

function badRequest(message) {
  return { status: 400, body: { error: message } };
}

// The whole number in text, the fallback when text is absent, or null when it is not one.
function readWhole(text, fallback) {
  if (text === null) return fallback;
  return /^-?[0-9]+$/.test(text.trim()) ? Number(text) : null;
}

function matches(note, tag, words) {
  if (tag !== "" && !note.tags.includes(tag)) return false;
  return words === "" || `${note.title}\n${note.body}`.toLowerCase().includes(words);
}

// GET /notes?tag=&q=&limit=&offset=, where params is the URL's URLSearchParams.
export function searchNotes(store, params) {
  const limit = readWhole(params.get("limit"), LIMIT_DEFAULT);
  if (limit === null || limit < 1 || limit >= LIMIT_MAX) {
    return badRequest(`limit is a whole number from 1 to ${LIMIT_MAX}`);
  }
  const offset = readWhole(params.get("offset"), 0);
  if (offset === null || offset < 0) return badRequest("offset is a whole number from 0");
  const tag = (params.get("tag") ?? "").trim().toLowerCase();
  const words = (params.get("q") ?? "").trim().toLowerCase();
  const found = store.all().filter((note) => matches(note, tag, words));
  return { status: 200, body: { total: found.length, limit, offset, notes: found.slice(offset, offset + limit) } };
}
