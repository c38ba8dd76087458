// A project's labels on the two text pages: their colours, their shortcut
// keys (entity, stance and category labels apart), the palette of entity
// labels and the coloured chip that names one.

import { el } from "./dom.js";

const COLOR = /^#[0-9a-fA-F]{6}$/;
const NO_COLOR = "#888888";

export class LabelSet {
  constructor(results = []) {
    this.byName = new Map();
    this.entity = new Map(); // name -> label, in the API's order
    this.stance = new Map();
    this.category = new Map(); // document categories, each with its `group`
    this.keys = { entity: new Map(), stance: new Map(), category: new Map() }; // shortcut -> name
    this.load(results);
  }

  // The API's labels (GET labels/ results), added to those known.
  load(results) {
    for (const l of results) {
      this.byName.set(l.name, l);
      const kind = l.kind in this.keys ? l.kind : "stance";
      this[kind].set(l.name, l);
      if (l.shortcut) this.keys[kind].set(l.shortcut, l.name);
    }
    return this;
  }

  // The label's colour when it has a valid one; grey for an unknown label or
  // a colour that is not #rrggbb (it goes into CSS).
  color(name) {
    const c = this.byName.get(name)?.color;
    return COLOR.test(c || "") ? c : NO_COLOR;
  }

  // The label a key stands for, of this kind ("entity" or "stance"); a
  // shortcut matches in either case. undefined when none.
  forKey(kind, key) {
    const keys = this.keys[kind];
    return keys.get(key) || keys.get(key.toLowerCase());
  }

  entityKey(key) {
    return this.forKey("entity", key);
  }

  stanceKey(key) {
    return this.forKey("stance", key);
  }

  categoryKey(key) {
    return this.forKey("category", key);
  }

  // The coloured name of a label.
  chip(name, title = null) {
    return el("span", { class: "chip", text: name, style: { "--c": this.color(name) }, title });
  }

  // The entity labels as buttons (name and shortcut) into `node`; a click
  // calls onPick(name) without taking the text selection away.
  drawPalette(node, { onPick, title }) {
    node.replaceChildren(...[...this.entity.values()].map((l) =>
      el("button", { type: "button", title: title(l), style: { "--c": this.color(l.name) },
        on: { mousedown: (e) => e.preventDefault(), click: () => onPick(l.name) } },
      l.name, ...(l.shortcut ? [el("kbd", { text: l.shortcut })] : []))));
  }
}
