// Searching the notes, a page at a time (deliverable: search).
// The handler returns { status, body }; server.js sends the body as JSON.

// GET /notes?tag=&q=&limit=&offset=, where params is the URL's URLSearchParams.
export function searchNotes(store, params) {
  const tag = params.get("tag");
  const q = params.get("q");
  const limit = Number(params.get("limit") || 20);
  const offset = Number(params.get("offset") || 0);
  const found = store
    .all()
    .filter((note) => !tag || note.tags.includes(tag))
    .filter((note) => !q || note.title.includes(q) || note.body.includes(q));
  return { status: 200, body: { total: found.length, limit, offset, notes: found.slice(0, limit) } };
}
