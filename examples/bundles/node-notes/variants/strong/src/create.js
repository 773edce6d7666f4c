// Saving a note and reading one back (deliverable: create).
// Each handler returns { status, body }; server.js sends the body as JSON.

export const TITLE_MAX = 120;
export const TAGS_MAX = 10;
// A tag: lower-case letters, digits and hyphens, 1 to 30 of them, not starting with a hyphen.
const TAG = /^[a-z0-9][a-z0-9-]{0,29}$/;

function invalid(message) {
  return { status: 422, body: { error: message } };
}

function readTags(tags) {
  if (!Array.isArray(tags)) return { error: "tags must be a list of words" };
  const clean = [];
  for (const raw of tags) {
    const tag = typeof raw === "string" ? raw.trim().toLowerCase() : "";
    if (!TAG.test(tag)) return { error: `${JSON.stringify(raw)} is not a tag: use letters, digits and hyphens` };
    if (!clean.includes(tag)) clean.push(tag);
  }
  if (clean.length > TAGS_MAX) return { error: `a note has at most ${TAGS_MAX} tags` };
  return { tags: clean };
}

// POST /notes with a JSON body { title, body, tags }.
export function createNote(store, input) {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    return invalid("send a JSON object: { \"title\": \"...\" }");
  }
  const title = typeof input.title === "string" ? input.title.trim() : "";
  if (title === "") return invalid("title is required");
  if (title.length > TITLE_MAX) return invalid(`title is at most ${TITLE_MAX} characters`);
  const body = input.body ?? "";
  if (typeof body !== "string") return invalid("body must be text");
  const { tags, error } = readTags(input.tags ?? []);
  if (error) return invalid(error);
  return { status: 201, body: store.insert({ title, body, tags }) };
}

// GET /notes/:id, where idText is the :id part of the path.
export function getNote(store, idText) {
  const note = /^[1-9][0-9]*$/.test(idText) ? store.get(Number(idText)) : undefined;
  if (note === undefined) return { status: 404, body: { error: `no note has the id ${idText}` } };
  return { status: 200, body: note };
}
