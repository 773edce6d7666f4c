// Searching the notes, a page at a time (deliverable: search).
// The handler returns { status, body }; server.js sends the body as JSON.

// GET /notes?tag=&q=&limit=&offset=, where params is the URL's URLSearchParams.
export function searchNotes(store, params) {
  return { status: 501, body: { error: "GET /notes is not built yet: see the search deliverable" } };
}
