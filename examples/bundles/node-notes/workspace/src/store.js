// The notes, kept in memory in the order they were saved; ids count up from 1.

export class NoteStore {
  #notes = [];
  #nextId = 1;

  constructor(seed = []) {
    for (const note of seed) this.insert(note);
  }

  // Saves a note ({ title, body, tags }) and returns it with its new id.
  insert({ title, body, tags }) {
    const note = { id: this.#nextId++, title, body, tags: [...tags] };
    this.#notes.push(note);
    return structuredClone(note);
  }

  // The note with this id (a number), or undefined.
  get(id) {
    const note = this.#notes.find((candidate) => candidate.id === id);
    return note === undefined ? undefined : structuredClone(note);
  }

  // Every note, oldest first.
  all() {
    return structuredClone(this.#notes);
  }
}
