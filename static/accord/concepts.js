// Stances on concepts of the codebook, on the text pages: the concept picker
// the workspace opens while drawing a stance (search as you type over names
// and keywords, each with its place in the hierarchy; "Create concept" when
// the user may), and how such a stance reads, since it has no arc in the
// text: a badge on its holder and a line in the list of stances.

import { el } from "./dom.js";
import { SearchPicker } from "./picker.js";

// Where the picker reads and creates concepts: the concepts API. The one place
// that knows it; search(q) -> the live concepts matching q, create(name) -> the
// new concept, each {id, name, path, keywords}.
export function conceptSource(api) {
  return {
    search: async (q) => (await api.concepts.search(q)).results.filter((c) => c.merged_into == null),
    create: (name) => api.concepts.create({ name }),
  };
}

// The concepts a page knows, by id: {name, path}. `initial`: the page's config
// ({"id": {name, path}}).
export function conceptNames(initial) {
  return new Map(Object.entries(initial || {}).map(([id, c]) => [Number(id), { name: c.name, path: c.path || c.name }]));
}

// The concept in words, with its place in the hierarchy.
export function conceptText(names, id) {
  const c = names.get(id);
  return c ? c.path : `concept ${id}`;
}

// The stance in words, for tooltips and rows: “holder” POLARITY concept “path”, cue “…”.
export function conceptStanceTitle(holder, polarity, concept, cue) {
  return `“${holder}” ${polarity} concept “${concept}”${cue ? `, cue “${cue}”` : ""}`;
}

// The badge a holder span wears for its stances on concepts: “→ name POLARITY”
// each, and the same in words for its tooltip. stances: of this holder.
export function conceptBadge(names, stances, holderText) {
  if (!stances.length) return {};
  return {
    badge: stances.map((t) => `→ ${names.get(t.concept)?.name ?? `concept ${t.concept}`} ${t.polarity}`).join(" · "),
    badgeTitle: stances.map((t) => conceptStanceTitle(holderText, t.polarity, conceptText(names, t.concept))).join("\n"),
  };
}

// The stances on concepts of each holder span: Map holder id -> [stance].
export function conceptStancesByHolder(stances) {
  const by = new Map();
  for (const t of stances) {
    if (t.concept == null) continue;
    if (!by.has(t.holder)) by.set(t.holder, []);
    by.get(t.holder).push(t);
  }
  return by;
}

export class ConceptPicker extends SearchPicker {
  // source: conceptSource(api); names: the page's Map id -> {name, path},
  // kept up to date with what is picked; canCreate: whether "Create concept"
  // is offered (the owner, or annotators when the project lets them).
  constructor(source, names, { canCreate }) {
    super("concept");
    this.source = source;
    this.names = names;
    this.canCreate = canCreate;
    this.createButton = document.getElementById("concept-create");
    this.createButton.hidden = !canCreate;
    this.createButton.addEventListener("click", () => this.create());
    this.input.addEventListener("input", () => this.labelCreate());
    document.getElementById("concept-create-hint").hidden = !canCreate;
  }

  open(query, onPick, onClose) {
    super.open(query, onPick, onClose);
    this.labelCreate();
  }

  labelCreate() {
    const name = this.input.value.trim();
    this.createButton.textContent = name ? `Create concept “${name}”` : "Create concept";
    this.createButton.disabled = !name;
  }

  find(q) {
    return this.source.search(q);
  }

  describe(concept) {
    const keywords = (concept.keywords || []).join(", ");
    const where = concept.path && concept.path !== concept.name ? concept.path : "";
    return [
      el("strong", { text: concept.name }),
      el("span", { class: "aliases", text: [where, keywords].filter(Boolean).map((x) => ` ${x}`).join(" ·") }),
    ];
  }

  none() {
    return this.canCreate ? "No concept matches. Create it below (Ctrl+Enter)." : "No concept matches. Only the owner adds concepts to this codebook.";
  }

  async create() {
    const name = this.input.value.trim();
    if (!name || !this.canCreate) return;
    try {
      this.choose(await this.source.create(name));
    } catch (error) {
      this.showError(error);
    }
  }

  choose(concept) {
    if (concept) this.names.set(concept.id, { name: concept.name, path: concept.path || concept.name });
    super.choose(concept);
  }
}
