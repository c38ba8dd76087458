// Document categories in the workspace: the project's category groups, the
// categories chosen in the set (SetModel.categories, store.js), the panel
// beside the text that shows and changes them, and the suggestions of the
// prediction sets.
//
// A group that takes one category behaves as radio buttons (with "none");
// one that takes several as checkboxes. A category's key toggles it: in a
// single-choice group choosing one drops the other, pressing the chosen
// one's key again clears the group. Suggested categories (those a
// prediction set chose) are marked in the panel until chosen; one action
// (the mark's Accept, the key, a click, Shift + A) takes them. Not choosing
// one is the rejection: nothing is stored for it, and the mark stays as a
// hint.

import { el } from "./dom.js";

// The groups (the category-groups API's list, in its order) with their
// category labels (LabelSet.category: the labels API's, in schema order).
export class CategorySchema {
  constructor(groups = [], labels = new Map()) {
    this.groups = groups.map((g) => ({
      id: g.id, name: g.name, multiple: Boolean(g.multiple), description: g.description || "",
      labels: [...labels.values()].filter((l) => l.group === g.name),
    })).filter((g) => g.labels.length);
    this.groupOf = new Map();
    for (const g of this.groups) for (const l of g.labels) this.groupOf.set(l.name, g);
  }

  get empty() {
    return this.groups.length === 0;
  }

  // The categories `name` cannot be chosen with: the others of its group
  // when the group takes one.
  excludes = (name) => {
    const group = this.groupOf.get(name);
    if (!group || group.multiple) return [];
    return group.labels.map((l) => l.name).filter((n) => n !== name);
  };
}

// Toggle `name` in the model (a key press, a click): chosen when it was
// not, dropped when it was. False when the name is not a category.
export function toggleCategory(model, schema, name) {
  if (!schema.groupOf.has(name)) return false;
  return model.setCategory(name, !model.categories.has(name), schema.excludes(name));
}

// Drop every category of the group (the "none" of a single-choice group).
export function clearGroup(model, group) {
  let changed = false;
  for (const l of group.labels) changed = model.setCategory(l.name, false) || changed;
  return changed;
}

// The categories the prediction sets chose and the set has not:
// name -> the sources that suggest it, for the project's categories only.
export function suggestions(predSets, model, schema) {
  const out = new Map();
  for (const s of predSets) {
    for (const name of s.categories || []) {
      if (!schema.groupOf.has(name) || model.categories.has(name)) continue;
      if (!out.has(name)) out.set(name, []);
      out.get(name).push(s.source || "model");
    }
  }
  return out;
}

// Accept the suggestions at once (Shift + A): every suggested category of a
// group that takes several; in a group that takes one, the first suggested
// one (in the group's order), only while the group has none chosen.
// Returns how many were taken.
export function acceptSuggestions(model, schema, suggested) {
  let taken = 0;
  for (const group of schema.groups) {
    const names = group.labels.map((l) => l.name).filter((n) => suggested.has(n));
    if (!group.multiple) {
      const busy = group.labels.some((l) => model.categories.has(l.name));
      if (busy || !names.length) continue;
      names.length = 1;
    }
    for (const name of names) if (model.setCategory(name, true, schema.excludes(name))) taken += 1;
  }
  return taken;
}

// The panel: one fieldset per group, built once; update() brings the
// inputs to the model's state. Handlers: onChoose(name, on) for an input,
// onClear(group) for a group's "none", onAccept(name) for a suggestion;
// each returns nothing, the page redraws through update().
export class CategoryPanel {
  constructor(node, schema, labels, { onChoose, onClear, onAccept, afterPointer = () => {} }) {
    this.node = node;
    this.schema = schema;
    this.labels = labels;
    this.handlers = { onChoose, onClear, onAccept, afterPointer };
    this.inputs = new Map(); // name -> input
    this.marks = new Map(); // name -> the suggestion's mark
    this.nones = new Map(); // group name -> its "none" radio
    this.pointer = false;
    node.hidden = schema.empty;
    node.addEventListener("pointerdown", () => { this.pointer = true; });
    node.replaceChildren(el("h2", { text: "Categories" }), ...schema.groups.map((g) => this.group(g)));
  }

  // After a mouse choice the keys belong to the text again; a keyboard
  // user (Tab, Space) keeps the focus where it is.
  done() {
    const byPointer = this.pointer;
    this.pointer = false;
    if (byPointer) this.handlers.afterPointer();
  }

  group(g) {
    const type = g.multiple ? "checkbox" : "radio";
    const name = `category-${g.id}`;
    const options = g.labels.map((l) => {
      const input = el("input", { type, name, value: l.name, id: `category-${l.id}`, on: { change: (e) => {
        this.handlers.onChoose(l.name, e.target.checked);
        this.done();
      } } });
      this.inputs.set(l.name, input);
      const mark = el("button", { type: "button", class: "small suggestion", hidden: true,
        "aria-label": `Accept the suggested category ${l.name}`,
        on: { click: () => { this.handlers.onAccept(l.name); this.done(); } } });
      this.marks.set(l.name, mark);
      return el("div", { class: "category-option" },
        el("label", { for: input.id, title: l.description || null }, input,
          this.labels.chip(l.name), l.shortcut && el("kbd", { text: l.shortcut, title: `Key of ${l.name}` })),
        mark);
    });
    if (!g.multiple) {
      const none = el("input", { type: "radio", name, value: "", id: `category-none-${g.id}`, on: { change: () => {
        this.handlers.onClear(g);
        this.done();
      } } });
      this.nones.set(g.name, none);
      options.push(el("div", { class: "category-option" },
        el("label", { for: none.id, class: "muted" }, none, "none")));
    }
    return el("fieldset", { class: "category-group", dataset: { group: g.name } },
      el("legend", {}, g.name, el("span", { class: "muted small", text: g.multiple ? " any number" : " one" })),
      g.description && el("p", { class: "muted small", text: g.description }),
      ...options);
  }

  // chosen: the model's Set of names; suggested: suggestions(); readonly.
  update(chosen, suggested, readonly) {
    for (const [name, input] of this.inputs) {
      input.checked = chosen.has(name);
      input.disabled = readonly;
      const mark = this.marks.get(name);
      const sources = suggested.get(name);
      mark.hidden = !sources || readonly;
      mark.textContent = sources ? "suggested: accept" : "";
      mark.title = sources ? `Suggested by ${sources.join(", ")}: click to choose it` : "";
    }
    for (const g of this.schema.groups) {
      const none = this.nones.get(g.name);
      if (!none) continue;
      none.checked = !g.labels.some((l) => chosen.has(l.name));
      none.disabled = readonly;
    }
  }
}
