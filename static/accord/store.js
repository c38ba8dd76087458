// The annotator's set in memory, in the API's shape (code point offsets),
// plus the rules the server checks, applied before anything is sent: no two
// spans with the same start, end and label; no repeated stance; a stance
// never outlives its holder or target; ids are unique across spans and stances.
// The set's document categories (label names) are kept as a set of names;
// categories.js knows their groups and which of them take only one.
// A stance is on a target span or on a concept of the codebook (`concept`, its
// id), the other null.

let counter = 0;
function newId(prefix, taken) {
  // Readable, unique in the set, and unlikely to meet an id made in another tab.
  for (;;) {
    counter += 1;
    const id = `${prefix}${Date.now().toString(36)}${counter.toString(36)}`;
    if (!taken(id)) return id;
  }
}

export class SetModel {
  constructor(payload) {
    this.load(payload);
  }

  load(payload) {
    this.id = payload.id;
    this.version = payload.version;
    this.status = payload.status || "in_progress";
    this.spans = new Map();
    this.stances = new Map();
    // Rejected suggestions, by identity (rejectionKey), stored with the set.
    this.rejected = new Map((payload.rejected_predictions || []).map((r) => [rejectionKey(r), r]));
    this.categories = new Set(payload.categories || []);
    for (const s of payload.spans || []) {
      this.spans.set(String(s.id), {
        id: String(s.id), start: s.start, end: s.end, label: s.label, actor: s.actor ?? null,
      });
    }
    for (const t of payload.stances || []) {
      this.stances.set(String(t.id), {
        id: String(t.id), holder: String(t.holder), target: t.target == null ? null : String(t.target),
        concept: t.concept ?? null, polarity: t.polarity, cue: t.cue == null ? null : String(t.cue),
      });
    }
  }

  content() {
    const spans = [...this.spans.values()].sort((a, b) => a.start - b.start || b.end - a.end);
    return {
      spans: spans.map((s) => ({ id: s.id, start: s.start, end: s.end, label: s.label, actor: s.actor })),
      stances: [...this.stances.values()].map((t) => ({ ...t })),
      rejected_predictions: [...this.rejected.values()].map((r) => ({ ...r })),
      // Always sent: a PUT without categories clears them.
      categories: [...this.categories].sort(),
    };
  }

  // Choose (on) or drop a document category; `excludes` are the names it
  // cannot stand with (the others of a single-choice group), dropped when
  // it is chosen. False when nothing changed.
  setCategory(name, on, excludes = []) {
    if (on === this.categories.has(name)) return false;
    if (on) {
      for (const other of excludes) this.categories.delete(other);
      this.categories.add(name);
    } else this.categories.delete(name);
    return true;
  }

  // A suggestion of the prediction set `source` ("" for none), rejected.
  rejectPrediction(source, span) {
    const r = { source: source || "", start: span.start, end: span.end, label: span.label };
    const key = rejectionKey(r);
    if (this.rejected.has(key)) return false;
    this.rejected.set(key, r);
    return true;
  }

  isRejected(source, span) {
    return this.rejected.has(rejectionKey({ source: source || "", start: span.start, end: span.end, label: span.label }));
  }

  taken = (id) => this.spans.has(id) || this.stances.has(id);

  // name -> the categories a chosen one drops (its single-choice group's
  // others); the page that knows the groups sets it (categories.js).
  excludes = () => [];

  findSpan(start, end, label) {
    for (const s of this.spans.values()) {
      if (s.start === start && s.end === end && s.label === label) return s;
    }
    return null;
  }

  // Returns the new span, or the existing identical one.
  addSpan(start, end, label, actor = null) {
    const same = this.findSpan(start, end, label);
    if (same) return same;
    const span = { id: newId("s", this.taken), start, end, label, actor };
    this.spans.set(span.id, span);
    return span;
  }

  setLabel(id, label) {
    const span = this.spans.get(id);
    if (!span || span.label === label) return false;
    if (this.findSpan(span.start, span.end, label)) return false; // would repeat a span
    span.label = label;
    return true;
  }

  setActor(id, actor) {
    const span = this.spans.get(id);
    if (!span) return false;
    span.actor = actor;
    return true;
  }

  // Removes the span and the stances that need it; a stance it was the cue of keeps going.
  removeSpan(id) {
    if (!this.spans.delete(id)) return false;
    for (const t of [...this.stances.values()]) {
      if (t.holder === id || t.target === id) this.stances.delete(t.id);
      else if (t.cue === id) t.cue = null;
    }
    return true;
  }

  // target: a span id, or null with `concept` (a concept id).
  findStance(holder, target, polarity, concept = null) {
    for (const t of this.stances.values()) {
      if (t.holder === holder && t.target === target && t.concept === concept && t.polarity === polarity) return t;
    }
    return null;
  }

  // On a target span, or (target null) on a concept.
  addStance(holder, target, polarity, cue = null, concept = null) {
    if (!this.spans.has(holder)) return null;
    if (concept == null ? holder === target || !this.spans.has(target) : target != null) return null;
    const same = this.findStance(holder, target, polarity, concept);
    if (same) return same;
    const stance = { id: newId("t", this.taken), holder, target, concept, polarity, cue };
    this.stances.set(stance.id, stance);
    return stance;
  }

  setPolarity(id, polarity) {
    const t = this.stances.get(id);
    if (!t || this.findStance(t.holder, t.target, polarity, t.concept)) return false;
    t.polarity = polarity;
    return true;
  }

  setCue(id, cue) {
    const t = this.stances.get(id);
    if (!t || (cue !== null && !this.spans.has(cue))) return false;
    t.cue = cue;
    return true;
  }

  removeStance(id) {
    return this.stances.delete(id);
  }
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// The recommender writes each model version under a source of its own
// ("recommender-v3"); a suggestion rejected from one version stays rejected
// when a later version makes it again.
const sourceFamily = (source) => (/^recommender-v\d+$/.test(source || "") ? "recommender" : source || "");

// A rejected suggestion's identity: its prediction set's source (its family)
// and the span.
export const rejectionKey = (r) => JSON.stringify([sourceFamily(r.source), r.start, r.end, r.label]);

// Re-apply my change (base -> mine) on top of theirs: what I added or edited
// wins, what I deleted goes, everything else is theirs. The result keeps
// the server's rules (no repeats, no dangling stance; a category I chose
// drops those it excludes, `excludes(name)`: its single-choice group's others).
export function rebase(base, mine, theirs, excludes = () => []) {
  const apply = (key) => {
    const b = new Map(base[key].map((x) => [String(x.id), x]));
    const m = new Map(mine[key].map((x) => [String(x.id), x]));
    const out = new Map(theirs[key].map((x) => [String(x.id), x]));
    for (const [id, item] of m) {
      if (!b.has(id) || !same(b.get(id), item)) out.set(id, item);
    }
    for (const id of b.keys()) if (!m.has(id)) out.delete(id);
    return [...out.values()];
  };
  const spans = [];
  const kept = new Map(); // start:end:label -> the id of the span kept
  const replaced = new Map(); // id of a dropped repeat -> id of the span kept
  for (const s of apply("spans")) {
    const key = `${s.start}:${s.end}:${s.label}`;
    if (kept.has(key)) {
      // The same span under another id (mine and theirs made it apart):
      // one is kept, and stances pointing at the other follow it there.
      replaced.set(String(s.id), kept.get(key));
      continue;
    }
    kept.set(key, String(s.id));
    spans.push(s);
  }
  const ids = new Set(spans.map((s) => String(s.id)));
  const resolve = (id) => (id == null ? id : replaced.get(String(id)) ?? id);
  const stances = [];
  const seenStances = new Set();
  for (const raw of apply("stances")) {
    const t = { ...raw, holder: resolve(raw.holder), target: resolve(raw.target), cue: resolve(raw.cue) };
    // On a concept: no target span to keep, only its holder.
    const onConcept = t.concept != null && t.target == null;
    if (!ids.has(String(t.holder)) || !(onConcept || ids.has(String(t.target)))) continue;
    if (String(t.holder) === String(t.target)) continue;
    const key = `${t.holder}:${t.target}:${onConcept ? t.concept : ""}:${t.polarity}`;
    if (seenStances.has(key) || ids.has(String(t.id))) continue;
    seenStances.add(key);
    stances.push({ ...t, cue: t.cue != null && ids.has(String(t.cue)) ? t.cue : null });
  }
  // Rejections: theirs, with the ones I made since the base and without the
  // ones I took back (a draft from before they were stored has none).
  const keyed = (c) => new Map((c.rejected_predictions || []).map((r) => [rejectionKey(r), r]));
  const [b, m, rejected] = [keyed(base), keyed(mine), keyed(theirs)];
  for (const [key, r] of m) if (!b.has(key)) rejected.set(key, r);
  for (const key of b.keys()) if (!m.has(key)) rejected.delete(key);
  return { spans, stances, rejected_predictions: [...rejected.values()],
    categories: rebaseCategories(base, mine, theirs, excludes) };
}

// Theirs, with the categories I chose since the base (each dropping what it
// excludes) and without those I dropped.
function rebaseCategories(base, mine, theirs, excludes) {
  const [b, m] = [new Set(base.categories || []), new Set(mine.categories || [])];
  const out = new Set(theirs.categories || []);
  for (const name of b) if (!m.has(name)) out.delete(name);
  for (const name of m) {
    if (b.has(name)) continue;
    for (const other of excludes(name)) out.delete(other);
    out.add(name);
  }
  return [...out].sort();
}

// Unsaved work, kept in localStorage per project, document and user, so it
// survives a reload, a crash or a lost connection until the server has it.
export class Drafts {
  constructor(project, document, user) {
    this.key = `accord:draft:${project}:${document}:${user}`;
  }

  load() {
    try {
      return JSON.parse(localStorage.getItem(this.key) || "null");
    } catch {
      return null;
    }
  }

  // base: the server's content at `version`; mine: the local content.
  save(version, base, mine) {
    try {
      localStorage.setItem(this.key, JSON.stringify({ version, base, mine, at: Date.now() }));
      return true;
    } catch {
      return false; // storage full or disabled: the server save still runs
    }
  }

  clear() {
    localStorage.removeItem(this.key);
  }
}
