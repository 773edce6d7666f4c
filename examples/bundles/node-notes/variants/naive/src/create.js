// Saving a note and reading one back (deliverable: create).
// Each handler returns { status, body }; server.js sends the body as JSON.

// POST /notes with a JSON body { title, body, tags }.
export function createNote(store, input) {
  if (!input.title) return { status: 422, body: { error: "title is required" } };
  const note = store.insert({ title: input.title, body: input.body || "", tags: input.tags || [] });
  return { status: 201, body: note };
}

// GET /notes/:id, where idText is the :id part of the path.
export function getNote(store, idText) {
  const note = store.get(Number(idText));
  if (!note) return { status: 404, body: { error: "not found" } };
  return { status: 200, body: note };
}
