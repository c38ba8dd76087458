// Search-as-you-type pickers in a dialog, keyboard-driven (↑/↓ choose, Enter
// takes, Ctrl+Enter creates, Esc closes): SearchPicker is the dialog and its
// keys; ActorPicker searches the project's actors and their aliases and
// creates one inline (concepts.js has the codebook's). Names are text only.

import { errorText } from "./api.js";
import { el } from "./dom.js";

export class SearchPicker {
  // prefix: the dialog's ids are {prefix}-dialog, -q, -results and -error.
  constructor(prefix) {
    this.dialog = document.getElementById(`${prefix}-dialog`);
    this.input = document.getElementById(`${prefix}-q`);
    this.list = document.getElementById(`${prefix}-results`);
    this.error = document.getElementById(`${prefix}-error`);
    this.results = [];
    this.shown = null; // the query `results` answer
    this.active = 0;
    this.timer = null;
    this.seq = 0;
    this.input.addEventListener("input", () => this.search());
    this.input.addEventListener("keydown", (e) => this.onKey(e));
    this.dialog.addEventListener("close", () => this.onClose && this.onClose());
  }

  // Subclasses: find(q) -> the results; describe(result) -> the nodes of its
  // row; none() -> what an empty list says; create() makes one from the query.

  open(query, onPick, onClose) {
    this.onPick = onPick;
    this.onClose = onClose;
    this.input.value = query;
    this.error.hidden = true;
    this.dialog.showModal();
    this.input.select();
    this.search(true);
  }

  search(now = false) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), now ? 0 : 150);
  }

  async run() {
    const seq = ++this.seq;
    const q = this.input.value.trim();
    try {
      const results = await this.find(q);
      if (seq !== this.seq) return; // a newer search is under way
      this.results = results;
      this.shown = q;
      this.active = 0;
      this.draw();
    } catch (error) {
      this.showError(error);
    }
  }

  draw() {
    const items = this.results.map((result, i) => {
      const choose = (e) => {
        e.preventDefault();
        this.choose(result);
      };
      return el(
        "li",
        { role: "option", "aria-selected": String(i === this.active), on: { mousedown: choose } },
        ...this.describe(result),
      );
    });
    if (!items.length) items.push(el("li", { class: "muted", text: this.none() }));
    this.list.replaceChildren(...items);
  }

  onKey(e) {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const n = this.results.length;
      if (!n) return;
      this.active = (this.active + (e.key === "ArrowDown" ? 1 : n - 1)) % n;
      this.draw();
    } else if (e.key === "Enter") {
      e.preventDefault();
      // Enter on an empty list creates (as Ctrl+Enter always does); typed
      // faster than the search, it takes from the results of what was typed.
      const create = e.ctrlKey || e.metaKey || !this.results.length;
      this.settle().then(() => {
        if (create) this.create();
        else if (this.results.length) this.choose(this.results[this.active]);
      });
    }
  }

  // The results of what the input says now, searched at once if not yet.
  async settle() {
    if (this.input.value.trim() === this.shown) return;
    clearTimeout(this.timer);
    await this.run();
  }

  showError(error) {
    this.error.hidden = false;
    this.error.textContent = errorText(error);
  }

  choose(result) {
    const pick = this.onPick;
    this.onPick = null;
    this.dialog.close();
    if (pick) pick(result);
  }
}

export class ActorPicker extends SearchPicker {
  constructor(api, actorNames) {
    super("actor");
    this.api = api;
    this.names = actorNames; // Map id -> name, shared with the workspace
    this.kind = document.getElementById("actor-kind");
    document.getElementById("actor-create").addEventListener("click", () => this.create());
    document.getElementById("actor-unlink").addEventListener("click", () => this.choose(null));
  }

  // `exclude`: an actor id never offered (a merge's own source).
  open(query, onPick, onClose, { exclude = null } = {}) {
    this.exclude = exclude;
    super.open(query, onPick, onClose);
  }

  async find(q) {
    const page = await this.api.actors.search(q);
    return page.results.filter((actor) => actor.id !== this.exclude);
  }

  describe(actor) {
    const aliases = (actor.aliases || []).map((a) => a.text).join(", ");
    const meta = ` ${actor.kind}${actor.country ? ` · ${actor.country}` : ""}${aliases ? ` · ${aliases}` : ""}`;
    return [el("strong", { text: actor.name }), el("span", { class: "aliases", text: meta })];
  }

  none() {
    return "No actor matches. Create it below.";
  }

  async create() {
    const name = this.input.value.trim();
    if (!name) return;
    try {
      const actor = await this.api.actors.create({ name, kind: this.kind.value });
      this.choose(actor);
    } catch (error) {
      this.showError(error);
    }
  }

  choose(actor) {
    if (actor) this.names.set(actor.id, actor.name);
    super.choose(actor);
  }
}
