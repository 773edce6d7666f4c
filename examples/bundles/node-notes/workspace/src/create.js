// Saving a note and reading one back (deliverable: create).
// Each handler returns { status, body }; server.js sends the body as JSON.

// POST /notes with a JSON body { title, body, tags }.
export function createNote(store, input) {
  return { status: 501, body: { error: "POST /notes is not built yet: see the create deliverable" } };
}

// GET /notes/:id, where idText is the :id part of the path.
export function getNote(store, idText) {
  return { status: 501, body: { error: "GET /notes/:id is not built yet: see the create deliverable" } };
}
