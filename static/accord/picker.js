// The actor picker: search-as-you-type over the project's actors and their
// aliases, keyboard-driven, with "create actor" inline. Names are text only.

import { errorText } from "./api.js";
import { el } from "./dom.js";

export class ActorPicker {
  constructor(api, actorNames) {
    this.api = api;
    this.names = actorNames; // Map id -> name, shared with the workspace
    this.dialog = document.getElementById("actor-dialog");
    this.input = document.getElementById("actor-q");
    this.list = document.getElementById("actor-results");
    this.kind = document.getElementById("actor-kind");
    this.error = document.getElementById("actor-error");
    this.results = [];
    this.active = 0;
    this.timer = null;
    this.seq = 0;
    this.input.addEventListener("input", () => this.search());
    this.input.addEventListener("keydown", (e) => this.onKey(e));
    document.getElementById("actor-create").addEventListener("click", () => this.create());
    document.getElementById("actor-unlink").addEventListener("click", () => this.choose(null));
    this.dialog.addEventListener("close", () => this.onClose && this.onClose());
  }

  // `exclude`: an actor id never offered (a merge's own source).
  open(query, onPick, onClose, { exclude = null } = {}) {
    this.onPick = onPick;
    this.onClose = onClose;
    this.exclude = exclude;
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
      const page = await this.api.actors.search(q);
      if (seq !== this.seq) return; // a newer search is under way
      this.results = page.results.filter((actor) => actor.id !== this.exclude);
      this.active = 0;
      this.draw();
    } catch (error) {
      this.showError(error);
    }
  }

  draw() {
    const items = this.results.map((actor, i) => {
      const aliases = (actor.aliases || []).map((a) => a.text).join(", ");
      const meta = ` ${actor.kind}${actor.country ? ` · ${actor.country}` : ""}${aliases ? ` · ${aliases}` : ""}`;
      const choose = (e) => {
        e.preventDefault();
        this.choose(actor);
      };
      return el(
        "li",
        { role: "option", "aria-selected": String(i === this.active), on: { mousedown: choose } },
        el("strong", { text: actor.name }),
        el("span", { class: "aliases", text: meta }),
      );
    });
    if (!items.length) items.push(el("li", { class: "muted", text: "No actor matches. Create it below." }));
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
      if (e.ctrlKey || e.metaKey || !this.results.length) this.create();
      else this.choose(this.results[this.active]);
    }
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

  showError(error) {
    this.error.hidden = false;
    this.error.textContent = errorText(error);
  }

  choose(actor) {
    if (actor) this.names.set(actor.id, actor.name);
    const pick = this.onPick;
    this.onPick = null;
    this.dialog.close();
    if (pick) pick(actor);
  }
}
