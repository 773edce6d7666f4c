// The notes service: routes each request to a handler and sends its answer as JSON.
// Start it with `node server.js` (or `npm start`); it listens on 127.0.0.1:8787, or on $PORT.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

import { createNote, getNote } from "./src/create.js";
import { HttpError, readJson, sendJson } from "./src/http.js";
import { searchNotes } from "./src/search.js";
import { NoteStore } from "./src/store.js";

const HOST = "127.0.0.1";
const PORT = Number(process.env.PORT ?? 8787);

const seed = JSON.parse(readFileSync(new URL("./data/notes.json", import.meta.url), "utf8"));
const store = new NoteStore(seed);

async function route(req, url) {
  if (url.pathname === "/health") {
    return req.method === "GET" ? { status: 200, body: { status: "ok" } } : notAllowed("GET");
  }
  if (url.pathname === "/notes") {
    if (req.method === "GET") return searchNotes(store, url.searchParams);
    if (req.method === "POST") return createNote(store, await readJson(req));
    return notAllowed("GET, POST");
  }
  const one = /^\/notes\/([^/]+)$/.exec(url.pathname);
  if (one) {
    return req.method === "GET" ? getNote(store, decodeURIComponent(one[1])) : notAllowed("GET");
  }
  return { status: 404, body: { error: `no route for ${url.pathname}` } };
}

function notAllowed(allowed) {
  return { status: 405, body: { error: `use ${allowed}` }, headers: { allow: allowed } };
}

const server = createServer(async (req, res) => {
  try {
    const answer = await route(req, new URL(req.url, `http://${HOST}`));
    sendJson(res, answer.status, answer.body, answer.headers);
  } catch (error) {
    if (error instanceof HttpError) {
      sendJson(res, error.status, { error: error.message });
    } else {
      console.error(error);
      sendJson(res, 500, { error: "the service failed; its log says why" });
    }
  }
});

server.listen(PORT, HOST, () => {
  console.log(`notes service listening on http://${HOST}:${PORT}`);
});
