// The annotator's workspace for one document. It reads and writes only
// through the REST API; see offsets.js (UTF-16 <-> code points), words.js
// (word snapping), render.js (drawing), store.js (the set and its rules,
// drafts, rebasing after a conflict), autosave.js (saving, retrying,
// conflicts), arcs.js (stances drawn in the text), selection.js, labels.js and status.js (shared with the
// adjudication screen), picker.js (actor links), categories.js (document categories),
// concepts.js (stances on concepts).

import { Api, ApiError, errorText } from "./api.js";
import { ArcLayer, stanceTitle } from "./arcs.js";
import { Autosave } from "./autosave.js";
import { acceptSuggestions, CategoryPanel, CategorySchema, clearGroup, suggestions, toggleCategory } from "./categories.js";
import {
  ConceptPicker, conceptBadge, conceptNames, conceptSource, conceptStanceTitle, conceptStancesByHolder, conceptText,
} from "./concepts.js";
import { el, syncList } from "./dom.js";
import { fillHelp } from "./help.js";
import { LabelSet } from "./labels.js";
import { OffsetMap } from "./offsets.js";
import { ActorPicker } from "./picker.js";
import { TextView } from "./render.js";
import { TextSelection } from "./selection.js";
import { Banner, SaveStatus } from "./status.js";
import { Drafts, SetModel } from "./store.js";
import { Tokens } from "./words.js";
import { plural } from "./plural.js";

const config = JSON.parse(document.getElementById("accord-config").textContent);
const api = new Api(config.api);
const $ = (id) => document.getElementById(id);

const W = {
  // filled by start()
  text: "", offsets: null, tokens: null, view: null, selection: null, model: null,
  save: null, // the Autosave of the model
  labels: new LabelSet(),
  actors: new Map(Object.entries(config.actors).map(([k, v]) => [Number(k), v])),
  concepts: conceptNames(config.concepts), // id -> {name, path}
  preds: [],
  items: [], selected: null, stance: null, pending: null, kb: null, mode: null,
  categories: new CategorySchema(), categoryPanel: null,
};
const drafts = new Drafts(config.project, config.document, config.user);
// Where rejections were kept before the set stored them: read once, moved
// into the set, then removed.
const oldRejectedKey = `accord:rejected:${config.project}:${config.document}:${config.user}`;
const status = new SaveStatus($("save-state"));
const setState = (state, message) => status.show(state, message);
const notice = new Banner($("banner"));
const banner = (message) => notice.show(message);
const colorOf = (label) => W.labels.color(label);
const readonly = () => Boolean(W.save?.readonly);

function spanText(span) {
  return W.text.slice(W.offsets.toUtf16(span.start), W.offsets.toUtf16(span.end));
}

function tagOf(span) {
  const actor = span.actor != null ? W.actors.get(span.actor) : null;
  return actor ? `${span.label}: ${actor}` : span.label;
}

// ------------------------------------------------------------------ items and drawing

function predKey(p) {
  return `p:${p.set}:${p.span.id}`;
}

// A suggestion's confidence, "87 %", when its model gave one (span.score, 0 to 1).
function confidence(span) {
  return span.score == null ? "" : `${Math.round(span.score * 100)}\u00a0%`;
}

// A suggestion in words, for its tooltip: "ORG, 87 % confident (ner-v2)".
function predHint(p) {
  const conf = confidence(p.span);
  const source = p.source ? ` (${p.source})` : "";
  return `Suggestion: ${p.span.label}${conf ? `, ${conf} confident` : ""}${source}. Enter accepts, Del rejects.`;
}

function visiblePreds() {
  return W.preds.filter(
    (p) => !W.model.isRejected(p.source, p.span) && !W.model.findSpan(p.span.start, p.span.end, p.span.label),
  );
}

function buildItems() {
  const items = [];
  const onConcepts = conceptStancesByHolder(W.model.stances.values());
  for (const span of W.model.spans.values()) {
    items.push({
      key: span.id, s: W.offsets.toUtf16(span.start), e: W.offsets.toUtf16(span.end),
      label: span.label, tag: tagOf(span), pred: false, selected: W.selected === span.id,
      ...conceptBadge(W.concepts, onConcepts.get(span.id) || [], spanText(span)),
    });
  }
  for (const p of visiblePreds()) {
    const key = predKey(p);
    items.push({
      key, s: W.offsets.toUtf16(p.span.start), e: W.offsets.toUtf16(p.span.end),
      label: p.span.label, tag: p.span.score == null ? `${p.span.label}?` : `${p.span.label} ${confidence(p.span)}`,
      pred: true, selected: W.selected === key, weight: p.span.score, hint: predHint(p),
    });
  }
  W.items = items;
  W.byKey = new Map(items.map((it) => [it.key, it]));
  return items;
}

const itemColor = (item) => colorOf(item.label);

// Every stance as an arc from its holder to its target (arcs.js).
function stanceArcs() {
  const arcs = [];
  const u = (cp) => W.offsets.toUtf16(cp);
  for (const t of W.model.stances.values()) {
    const h = W.model.spans.get(t.holder);
    const g = W.model.spans.get(t.target);
    if (!h || !g) continue;
    arcs.push({ key: t.id, hs: u(h.start), he: u(h.end), ts: u(g.start), te: u(g.end),
      label: t.polarity, color: colorOf(t.polarity), title: stanceLine(t) });
  }
  return arcs;
}

function stanceLine(t) {
  const cue = t.cue ? W.model.spans.get(t.cue) : null;
  const holder = spanText(W.model.spans.get(t.holder));
  if (t.concept != null) return conceptStanceTitle(holder, t.polarity, conceptText(W.concepts, t.concept), cue && spanText(cue));
  return stanceTitle(holder, t.polarity, spanText(W.model.spans.get(t.target)), cue && spanText(cue));
}

// What a stance is on, as its row and banner say it: the target's text, or the concept.
function stanceOn(t) {
  return t.concept != null ? `◇ ${conceptText(W.concepts, t.concept)}` : spanText(W.model.spans.get(t.target));
}

// The text a stance's change redraws: a stance on a concept is a badge on its holder.
function stanceRanges(id) {
  const t = W.model.stances.get(id);
  return t?.concept != null ? [rangeOfKey(t.holder)] : [];
}

// Redraw the chunks touching these UTF-16 ranges (or everything); the arcs
// are redrawn where they are seen.
function redraw(ranges) {
  buildItems();
  if (ranges) W.view.renderRanges(ranges.filter(Boolean), W.items);
  else W.view.renderAll(W.items);
  W.arcs.set(stanceArcs());
  W.arcs.select(W.stance);
  schedulePanel();
}

function rangeOfKey(key) {
  const it = key && W.byKey.get(key);
  if (it) return [it.s, it.e];
  const span = key && W.model.spans.get(key); // made since the last redraw
  return span ? [W.offsets.toUtf16(span.start), W.offsets.toUtf16(span.end)] : null;
}

// ------------------------------------------------------------------ changes and saving

// Every edit goes through here: redraw what changed, keep a draft, autosave.
function changed(ranges) {
  redraw(ranges);
  W.save.changed();
}

// The conflict's choice, shown until the user makes it (see autosave.js).
function showConflict(theirs, error) {
  $("conflict-detail").textContent =
    `(Server version ${theirs.version}, yours was based on version ${W.model.version}.) ` +
    (error?.message || "");
  $("conflict").hidden = false;
}

function resolveConflict(keepMine) {
  if (!W.save.resolve(keepMine)) return;
  $("conflict").hidden = true;
  if (W.selected && !W.model.spans.has(W.selected)) W.selected = null;
  redraw();
  $("text").focus();
}

// ------------------------------------------------------------------ selecting

function select(key, scroll = true) {
  const before = rangeOfKey(W.selected);
  if (key && W.pending) {
    // A span made current drops the text selection, so the next label key
    // relabels that span instead of labelling an older selection.
    W.pending = null;
    W.selection.clear();
  }
  W.stance = null;
  W.selected = key;
  const after = rangeOfKey(key);
  redraw([before, after].filter(Boolean));
  if (after && scroll) W.view.scrollTo(after[0]);
  if (after && !W.pending) {
    const tok = W.tokens.indexAfter(after[0]);
    W.kb = tok >= 0 ? { anchor: tok, focus: tok, fromSpan: true } : null;
  }
  showLinked();
}

// A stance made current (its holder selected): a polarity key changes it,
// Delete removes it.
function selectStance(id) {
  const t = W.model.stances.get(id);
  if (!t) return;
  select(t.holder);
  W.stance = id;
  W.arcs.select(id);
  showLinked(t);
  schedulePanel();
  banner(`Stance ${spanText(W.model.spans.get(t.holder))} → ${stanceOn(t)} (${t.polarity}): a polarity key changes it, Delete removes it.`);
}

// The next (dir 1) or previous (-1) stance, in the side list's order.
function stepStance(dir) {
  const ids = [...W.model.stances.keys()];
  if (!ids.length) return banner("No stance yet: / starts one from the selected span.");
  const at = ids.indexOf(W.stance);
  const next = at < 0 ? (dir > 0 ? 0 : ids.length - 1) : (at + dir + ids.length) % ids.length;
  selectStance(ids[next]);
}

// Enter on a selected stance: its polarity, in its row of the side list.
function editStance(id) {
  if (!editable()) return;
  drawPanel();
  const row = document.querySelector(`#stance-list li[data-stance="${CSS.escape(id)}"]`);
  row?.querySelector("select")?.focus();
}

function setStancePolarity(id, polarity) {
  if (!editable()) return false;
  if (!W.model.setPolarity(id, polarity)) {
    banner(`There is already a ${polarity} stance ${W.model.stances.get(id)?.concept != null ? "of this span on this concept" : "between these spans"}.`);
    return false;
  }
  changed(stanceRanges(id));
  return true;
}

function removeStance(id) {
  if (!editable()) return;
  const ranges = stanceRanges(id);
  W.model.removeStance(id);
  if (W.stance === id) W.stance = null;
  banner(null);
  showLinked();
  changed(ranges);
}

function setPending(range, kb = null) {
  W.pending = range;
  W.kb = kb;
  if (!range) return W.selection.clear();
  W.selection.show(range.start, range.end);
  W.view.scrollTo(range.start);
}

function moveCaret(dir, extend) {
  const t = W.tokens;
  if (!t.count) return;
  let kb = W.kb;
  if (!kb) {
    const from = rangeOfKey(W.selected);
    let i = from ? (dir > 0 ? t.indexAfter(from[1]) : t.indexAtOrBefore(from[0] - 1)) : 0;
    if (i < 0) i = dir > 0 ? t.count - 1 : 0;
    kb = { anchor: i, focus: i };
  } else if (kb.fromSpan && !extend && rangeOfKey(W.selected)) {
    // Leaving a selected span: step past its end (or before its start).
    const from = rangeOfKey(W.selected);
    let i = dir > 0 ? t.indexAfter(from[1]) : t.indexAtOrBefore(from[0] - 1);
    if (i < 0) i = dir > 0 ? t.count - 1 : 0;
    kb = { anchor: i, focus: i };
  } else {
    const focus = Math.max(0, Math.min(t.count - 1, kb.focus + dir));
    kb = extend ? { anchor: kb.anchor, focus } : { anchor: focus, focus };
  }
  const first = Math.min(kb.anchor, kb.focus);
  const last = Math.max(kb.anchor, kb.focus);
  if (W.selected) select(null, false);
  setPending({ start: t.starts[first], end: t.ends[last] }, kb);
}

// A mouse selection, snapped to words (selection.js).
function onSelect(snapped, e) {
  if (!snapped) return setPending(null);
  if (W.selected) select(null, false);
  const kb = e.altKey ? null : { anchor: snapped.first, focus: snapped.last };
  setPending({ start: snapped.start, end: snapped.end }, kb);
}

// A click on a span (the innermost, or the one around the current one).
function onSpanClick(key, e) {
  W.pending = null;
  W.kb = null;
  if (W.mode && !key.startsWith("p:")) {
    // Where spans nest, a click cannot tell which one is meant: it makes the
    // innermost the candidate, each further click the one around it (as ]
    // does), and Enter takes it. Elsewhere one click takes the span.
    const nested = (e?.target.closest(".seg")?.dataset.keys || "").split(" ").filter((k) => k && !k.startsWith("p:"));
    if (nested.length < 2) return pickForMode(key);
    select(key, false);
    const what = W.mode.kind === "cue" ? "Cue" : "Target";
    banner(`${what}: “${spanText(W.model.spans.get(key))}”. Click again for the span around it, Enter to take it, Esc cancels.`);
    return;
  }
  select(key, false);
}

function jump(dir) {
  const items = W.items.slice().sort((a, b) => a.s - b.s || b.e - a.e || (a.key < b.key ? -1 : 1));
  if (!items.length) return;
  let i = items.findIndex((it) => it.key === W.selected);
  if (i < 0) {
    const from = W.pending ? W.pending.start : -1;
    i = dir > 0 ? items.findIndex((it) => it.s > from) : items.findLastIndex((it) => it.s < Math.max(0, from));
    if (i < 0) i = dir > 0 ? 0 : items.length - 1;
  } else {
    i = (i + dir + items.length) % items.length;
  }
  setPending(null);
  select(items[i].key);
}

// ------------------------------------------------------------------ edits

function editable() {
  if (readonly()) banner("This set is submitted and read-only.");
  return !readonly();
}

function applyEntityLabel(label, t0) {
  if (!editable()) return;
  if (W.pending) {
    const [start, end] = W.offsets.spanCp(W.pending.start, W.pending.end);
    const span = W.model.addSpan(start, end, label);
    const range = [W.pending.start, W.pending.end];
    W.pending = null;
    W.kb = null;
    W.selection.clear();
    W.selected = span.id;
    changed([range]);
    measure(t0);
    const tok = W.tokens.indexAfter(range[0]);
    W.kb = tok >= 0 ? { anchor: tok, focus: tok, fromSpan: true } : null;
  } else if (W.selected?.startsWith("p:")) {
    acceptPred(W.selected, label);
  } else if (W.selected && W.model.setLabel(W.selected, label)) {
    changed([rangeOfKey(W.selected)]);
  }
}

// Keypress to highlighted span, for bench/workspace_bench.py.
function measure(t0) {
  if (t0 == null) return;
  requestAnimationFrame(() =>
    setTimeout(() => performance.measure("accord:span", { start: t0, end: performance.now() }), 0),
  );
}

function removeSelected() {
  if (!W.selected || !editable()) return;
  const key = W.selected;
  const range = rangeOfKey(key);
  const next = neighbour(key);
  if (key.startsWith("p:")) {
    // Stored with the set (saved like any edit), so every device sees it.
    const p = W.preds.find((x) => predKey(x) === key);
    W.model.rejectPrediction(p.source, p.span);
    W.selected = null;
    changed([range]);
  } else {
    W.model.removeSpan(key);
    W.selected = null;
    changed([range]);
  }
  if (next) select(next, false);
}

function neighbour(key) {
  const sorted = W.items.slice().sort((a, b) => a.s - b.s || b.e - a.e);
  const i = sorted.findIndex((it) => it.key === key);
  return (sorted[i + 1] || sorted[i - 1])?.key ?? null;
}

function acceptPred(key, label = null) {
  const p = W.preds.find((x) => predKey(x) === key);
  if (!p || !editable()) return null;
  const span = W.model.addSpan(p.span.start, p.span.end, label || p.span.label, p.span.actor ?? null);
  W.selected = span.id;
  changed([rangeOfKey(span.id)]);
  return span;
}

function acceptAll() {
  if (!editable()) return;
  const ids = new Map();
  for (const p of visiblePreds()) {
    const span = W.model.addSpan(p.span.start, p.span.end, p.span.label, p.span.actor ?? null);
    ids.set(`${p.set}:${p.span.id}`, span.id);
  }
  // Suggested stances come along when both their spans did.
  for (const p of W.predSets) {
    for (const t of p.stances) {
      const h = ids.get(`${p.id}:${t.holder}`);
      const g = t.concept != null ? null : ids.get(`${p.id}:${t.target}`);
      if (h && (g || t.concept != null) && W.labels.stance.has(t.polarity)) {
        W.model.addStance(h, g, t.polarity, ids.get(`${p.id}:${t.cue}`) ?? null, t.concept ?? null);
      }
    }
  }
  acceptSuggestions(W.model, W.categories, suggestions(W.predSets, W.model, W.categories));
  changed();
}

// ------------------------------------------------------------------ document categories

// A click in the panel, or a suggestion accepted.
function chooseCategory(name, on) {
  if (editable() && W.model.categories.has(name) !== on) {
    W.model.setCategory(name, on, W.categories.excludes(name));
    banner(null);
    changed([]);
  }
  drawCategories();
}

// A category's key: toggled, and the group's choice said.
function toggleCategoryKey(name) {
  if (!editable()) return;
  toggleCategory(W.model, W.categories, name);
  const group = W.categories.groupOf.get(name);
  const chosen = group.labels.filter((l) => W.model.categories.has(l.name)).map((l) => l.name);
  banner(`${group.name}: ${chosen.join(", ") || "none"}`);
  changed([]);
  drawCategories();
}

function clearCategoryGroup(group) {
  if (editable() && clearGroup(W.model, group)) changed([]);
  drawCategories();
}

function drawCategories() {
  W.categoryPanel?.update(W.model.categories, suggestions(W.predSets, W.model, W.categories), readonly());
}

function linkActor() {
  const key = W.selected;
  if (!key || key.startsWith("p:") || !editable()) return;
  const span = W.model.spans.get(key);
  W.picker.open(
    spanText(span),
    (actor) => {
      if (W.model.setActor(key, actor ? actor.id : null)) changed([rangeOfKey(key)]);
    },
    () => $("text").focus(),
  );
}

function startStance() {
  const key = W.selected;
  if (!key || key.startsWith("p:") || !editable()) return;
  W.mode = { kind: "target", holder: key };
  banner(`Stance from “${spanText(W.model.spans.get(key))}”: choose the target span ([ ] or Tab, or click), then Enter; or / again for a concept. Esc cancels.`);
  $("banner").append(" ", el("button", { type: "button", class: "small", id: "stance-on-concept", text: "On a concept… (/)",
    on: { click: pickConcept } }));
}

// While choosing a stance's target: a concept of the codebook instead
// (concepts.js), then the polarity as for a span.
function pickConcept() {
  const mode = W.mode;
  if (mode?.kind !== "target") return;
  W.conceptPicker.open("", (concept) => {
    if (W.mode !== mode || !concept) return;
    W.mode = { kind: "polarity", holder: mode.holder, concept: concept.id };
    select(mode.holder, false);
    askPolarity(`On ${conceptText(W.concepts, concept.id)}. `);
  }, () => $("text").focus());
}

function askPolarity(what = "") {
  const keys = [...W.labels.stance.values()].map((l) => `${l.shortcut || "?"} ${l.name}`).join(", ");
  banner(`${what}Polarity: press ${keys}. Esc cancels.`);
  drawPolarityButtons();
}

function pickForMode(key) {
  const mode = W.mode;
  if (!mode || !key || key.startsWith("p:")) return;
  if (mode.kind === "target") {
    if (key === mode.holder) return banner("The target must be another span than the holder. Choose another span, or Esc.");
    W.mode = { kind: "polarity", holder: mode.holder, target: key };
    select(key, false);
    askPolarity();
  } else if (mode.kind === "cue") {
    W.model.setCue(mode.stance, key);
    W.mode = null;
    banner(null);
    changed([rangeOfKey(key)]);
  }
}

function drawPolarityButtons() {
  const node = $("banner");
  for (const label of W.labels.stance.values()) {
    node.append(" ", el("button", { type: "button", text: label.name, class: "small", title: label.description || label.name,
      on: { click: () => applyPolarity(label.name) } }));
  }
}

function applyPolarity(polarity) {
  const mode = W.mode;
  if (!mode || mode.kind !== "polarity") return;
  const stance = W.model.addStance(mode.holder, mode.target ?? null, polarity, null, mode.concept ?? null);
  W.mode = stance ? { kind: "cue", stance: stance.id } : null;
  banner(stance ? "Stance added. Optional: choose its cue span and press Enter (or click it); Esc to skip." : null);
  changed([rangeOfKey(mode.holder), rangeOfKey(mode.target)]);
}

function cancel() {
  if (W.mode) {
    W.mode = null;
    banner(null);
  } else if (W.pending) {
    setPending(null);
  } else if (W.selected) {
    select(null, false);
    W.kb = null;
  } else {
    W.kb = null;
  }
}

// ------------------------------------------------------------------ keyboard

function onKey(e) {
  if (document.querySelector("dialog[open]:not(#guidelines)")) return;
  const target = e.target;
  if (target.closest && target.closest("input, select, textarea")) return;
  // Enter and Space on a button or a link are theirs (press it, follow it).
  const onButton = target.tagName === "BUTTON" || (target.tagName === "A" && target.hasAttribute("href"));
  const inText = target === $("text");
  const k = e.key;
  if ((e.ctrlKey || e.metaKey) && k === "Enter") {
    e.preventDefault();
    return submit();
  }
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (k === "?") {
    e.preventDefault();
    return $("help").showModal();
  }
  if (k === "Escape" && $("guidelines")?.open) return toggleGuidelines(false);
  if (k === "Escape") return cancel();
  if (k === "ArrowRight" || k === "ArrowLeft") {
    e.preventDefault();
    return moveCaret(k === "ArrowRight" ? 1 : -1, e.shiftKey);
  }
  // Tab moves between spans only from the text and only when there is one to
  // jump to; anywhere else it moves the focus as usual (to the side panel).
  if (k === "]" || k === "[" || (k === "Tab" && inText && W.items.length)) {
    e.preventDefault();
    return jump(k === "[" || (k === "Tab" && e.shiftKey) ? -1 : 1);
  }
  if (onButton && (k === "Enter" || k === " ")) return;
  if (k === "Delete" || k === "Backspace") {
    e.preventDefault();
    if (W.stance) return removeStance(W.stance);
    return removeSelected();
  }
  if (k === "." || k === ",") {
    e.preventDefault();
    return stepStance(k === "." ? 1 : -1);
  }
  if (k === "Enter") {
    e.preventDefault();
    if (W.mode) return pickForMode(W.selected);
    if (W.stance) return editStance(W.stance);
    if (W.selected?.startsWith("p:")) return acceptPred(W.selected);
    return linkActor();
  }
  if (k === "/") {
    e.preventDefault();
    return W.mode?.kind === "target" ? pickConcept() : startStance();
  }
  if (k === "A") {
    e.preventDefault();
    return acceptAll();
  }
  if (k === "G" && $("guidelines")) {
    e.preventDefault();
    return toggleGuidelines();
  }
  const key = k.length === 1 ? k : null;
  if (!key) return;
  if (W.mode?.kind === "polarity") {
    const polarity = W.labels.stanceKey(key);
    if (polarity) {
      e.preventDefault();
      return applyPolarity(polarity);
    }
    return;
  }
  if (W.stance) {
    const polarity = W.labels.stanceKey(key);
    if (polarity) {
      e.preventDefault();
      if (setStancePolarity(W.stance, polarity)) selectStance(W.stance);
      return;
    }
  }
  const label = W.labels.entityKey(key);
  if (label) {
    e.preventDefault();
    return applyEntityLabel(label, e.timeStamp);
  }
  const category = W.labels.categoryKey(key);
  if (category && W.categories.groupOf.has(category)) {
    e.preventDefault();
    toggleCategoryKey(category);
  }
}

// ------------------------------------------------------------------ side panel

function schedulePanel() {
  if (W.panelQueued) return;
  W.panelQueued = true;
  // After the frame: the highlight first, the lists when the browser is idle.
  (window.requestIdleCallback || setTimeout)(() => {
    W.panelQueued = false;
    drawPanel();
  }, { timeout: 300 });
}

function chip(label, pred = false) {
  return W.labels.chip(label, pred ? "suggestion" : label);
}

function drawPanel() {
  const spans = [...W.model.spans.values()].sort((a, b) => a.start - b.start || b.end - a.end);
  $("span-count").textContent = `(${spans.length})`;
  // Kept in place (syncList): a new span adds one row, not thousands.
  syncList($("span-list"), spans, (s) => s.id,
    (s) => `${s.start} ${s.end} ${s.label} ${s.actor} ${W.selected === s.id} ${W.actors.get(s.actor)}`, (s) => {
    const actor = s.actor != null ? W.actors.get(s.actor) || `actor ${s.actor}` : "";
    return el("li", { class: W.selected === s.id ? "current" : "", on: { click: () => select(s.id) } },
      chip(s.label), el("span", { class: "txt", text: spanText(s), title: spanText(s) }),
      el("span", { class: "actor", text: actor }),
      el("button", { type: "button", text: "×", title: "Remove span", "aria-label": "Remove span",
        on: { click: (e) => { e.stopPropagation(); select(s.id, false); removeSelected(); } } }));
  });
  const stances = [...W.model.stances.values()];
  // A stance's polarity being edited (Enter) keeps the focus through a redraw.
  const editing = document.activeElement?.closest?.("#stance-list li")?.dataset.stance;
  $("stance-count").textContent = `(${stances.length})`;
  const at = (id) => { const s = W.model.spans.get(id); return s ? `${s.start}-${s.end}` : ""; };
  syncList($("stance-list"), stances, (t) => t.id,
    (t) => `${t.polarity} ${at(t.holder)} ${at(t.target)} ${t.concept} ${t.concept != null && conceptText(W.concepts, t.concept)} ${at(t.cue)} ${W.stance === t.id} ${readonly()}`, (t) => {
    const holder = W.model.spans.get(t.holder);
    const cue = t.cue ? W.model.spans.get(t.cue) : null;
    // A submitted set is read-only: the controls are disabled, and each
    // handler checks again (editable()) so nothing changes it locally.
    const polarity = el("select", { "aria-label": "Polarity", disabled: readonly(), on: {
      click: (e) => e.stopPropagation(),
      // Refused (a same stance exists): the select shows the polarity it keeps.
      change: (e) => { if (!setStancePolarity(t.id, e.target.value)) e.target.value = W.model.stances.get(t.id).polarity; },
    } }, ...[...W.labels.stance.keys()].map((name) => el("option", { value: name, text: name, selected: name === t.polarity })));
    return el("li", { class: W.stance === t.id ? "current" : "", dataset: { stance: t.id },
      on: { mouseenter: () => showLinked(t), mouseleave: () => showLinked(), click: () => selectStance(t.id) } },
      el("span", { class: "txt full", title: stanceLine(t),
        text: `${spanText(holder)} → ${stanceOn(t)}${cue ? ` (cue: ${spanText(cue)})` : ""}` }),
      polarity,
      el("button", { type: "button", text: cue ? "cue ×" : "+cue", title: cue ? "Remove the cue" : "Choose a cue span",
        disabled: readonly(), on: { click: (e) => { e.stopPropagation(); pickCue(t); } } }),
      el("button", { type: "button", text: "×", title: "Remove stance", "aria-label": "Remove stance", disabled: readonly(),
        on: { click: (e) => { e.stopPropagation(); removeStance(t.id); } } }));
  });
  if (editing) $("stance-list").querySelector(`li[data-stance="${CSS.escape(editing)}"] select`)?.focus();
  const preds = visiblePreds();
  $("pred-section").hidden = !W.preds.length;
  $("pred-count").textContent = `(${preds.length})`;
  $("pred-list").replaceChildren(...preds.map((p) => {
    const key = predKey(p);
    const conf = confidence(p.span);
    return el("li", { class: W.selected === key ? "current" : "", title: predHint(p), on: { click: () => select(key) } },
      chip(p.span.label, true), el("span", { class: "txt", text: W.text.slice(W.offsets.toUtf16(p.span.start), W.offsets.toUtf16(p.span.end)) }),
      ...(conf ? [el("span", { class: "conf", text: conf, style: { "--w": String(p.span.score) } })] : []),
      el("button", { type: "button", text: "Accept", on: { click: (e) => { e.stopPropagation(); acceptPred(key); } } }),
      el("button", { type: "button", text: "Reject", on: { click: (e) => { e.stopPropagation(); select(key, false); removeSelected(); } } }));
  }));
  drawCategories();
  drawDetail();
}

function pickCue(t) {
  if (!editable()) return;
  if (t.cue) {
    W.model.setCue(t.id, null);
    return changed([]);
  }
  W.mode = { kind: "cue", stance: t.id };
  banner("Choose the cue span (click it, or [ ] then Enter). Esc cancels.");
  $("text").focus();
}

function drawDetail() {
  const node = $("detail");
  const key = W.selected;
  if (!key) {
    node.hidden = true;
    return;
  }
  node.hidden = false;
  if (key.startsWith("p:")) {
    const p = W.preds.find((x) => predKey(x) === key);
    const conf = confidence(p.span);
    node.replaceChildren(el("h2", { text: "Suggestion" }), chip(p.span.label, true),
      el("p", { class: "quote", text: W.text.slice(W.offsets.toUtf16(p.span.start), W.offsets.toUtf16(p.span.end)) }),
      el("p", { class: "muted small", id: "pred-confidence",
        text: `${conf ? `${conf} confident` : "No confidence given"}${p.source ? `, from ${p.source}` : ""}` }),
      el("div", { class: "row" },
        el("button", { type: "button", class: "primary", text: "Accept (Enter)", on: { click: () => acceptPred(key) } }),
        el("button", { type: "button", text: "Reject (Del)", on: { click: removeSelected } })));
    return;
  }
  const span = W.model.spans.get(key);
  if (!span) return (node.hidden = true);
  const actor = span.actor != null ? W.actors.get(span.actor) || `actor ${span.actor}` : "no actor";
  node.replaceChildren(
    el("h2", { text: "Selected span" }),
    el("p", { class: "quote", text: `“${spanText(span)}”` }),
    el("div", { class: "row" }, ...[...W.labels.entity.values()].map((l) =>
      el("button", { type: "button", class: "small", text: `${l.name}${l.shortcut ? ` (${l.shortcut})` : ""}`,
        style: { "border-left": `4px solid ${colorOf(l.name)}`, "font-weight": l.name === span.label ? "700" : "400" },
        disabled: readonly(),
        on: { click: () => { if (editable() && W.model.setLabel(key, l.name)) changed([rangeOfKey(key)]); } } }))),
    el("div", { class: "row" }, el("span", { class: "muted", text: "Actor: " }), el("strong", { text: actor })),
    el("div", { class: "row" },
      el("button", { type: "button", text: "Link actor (Enter)", on: { click: linkActor } }),
      el("button", { type: "button", text: "Stance from here (/)", on: { click: startStance } }),
      el("button", { type: "button", text: "Delete (Del)", on: { click: removeSelected } })),
  );
}

// Hovering a stance lights up its spans (CSS Custom Highlight: no DOM change).
function showLinked(stance) {
  W.arcs.hover(stance ? stance.id : null);
  if (!window.CSS?.highlights) return;
  if (!stance) return CSS.highlights.delete("linked");
  const ranges = [stance.holder, stance.target, stance.cue]
    .map((id) => id && W.model.spans.get(id))
    .filter(Boolean)
    .map((s) => W.view.range(W.offsets.toUtf16(s.start), W.offsets.toUtf16(s.end)));
  CSS.highlights.set("linked", new Highlight(...ranges));
}

// ------------------------------------------------------------------ guidelines

// Non-modal: the annotator reads and keeps working; focus stays where it was.
function toggleGuidelines(open = !$("guidelines").open) {
  const drawer = $("guidelines");
  if (open) {
    const before = document.activeElement;
    drawer.show(); // moves the focus into the drawer: give it back
    before?.focus?.();
  } else drawer.close();
  $("guidelines-button").setAttribute("aria-expanded", String(open));
}

// ------------------------------------------------------------------ submit and next

// A set with no span while suggestions wait is most often a slip (the
// annotator meant to accept them): ask once before submitting it.
function confirmEmpty() {
  const pending = visiblePreds().length;
  if (W.model.spans.size || !pending) return Promise.resolve(true);
  const dialog = $("submit-empty");
  $("submit-empty-text").textContent =
    `This set has no span, and ${plural(pending, "suggestion waits", "suggestions wait")} to be accepted or rejected. ` +
    "Submitting now records that the document mentions nothing to label.";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "submit"), { once: true });
    dialog.returnValue = "";
    dialog.showModal();
  });
}

async function submit() {
  if (!W.save || W.save.readonly || W.save.conflict) return;
  if (!(await confirmEmpty())) {
    $("accept-all").focus(); // the suggestions are beside it
    return;
  }
  if (!(await W.save.flush())) return setState("error", "Not submitted: the last change is not saved yet.");
  try {
    const result = await api.mine.submit(config.document, W.model.version);
    W.model.version = result.version;
    setReadonly(true);
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) await W.save.showConflict(error);
    else setState("error", `Not submitted: ${errorText(error)}`);
  }
}

function setReadonly(submitted) {
  W.save.readonly = submitted;
  schedulePanel(); // the side panel's controls follow read-only
  setState(submitted ? "submitted" : "saved");
  $("submit-button").disabled = submitted;
  $("next-button").hidden = !submitted;
  if (submitted) {
    banner("Submitted. Press “Next document” (or N) to go on.");
    $("next-button").focus();
  }
}

// Set once `next` found nothing: the button then leads back to the project.
let nothingLeft = false;

async function nextDocument() {
  if (nothingLeft) {
    window.location.href = config.projectPage;
    return;
  }
  try {
    const doc = await api.documents.next();
    if (doc) {
      window.location.href = `${config.documentsPage}${doc.id}/`;
      return;
    }
    // Say so here rather than land on the project page without a word.
    nothingLeft = true;
    banner("There is no document left for you in this project: everything you may take is done.");
    $("next-button").textContent = "Back to the project";
    $("next-button").focus();
  } catch (error) {
    setState("error", errorText(error));
  }
}

// ------------------------------------------------------------------ start

// Rejections this browser kept before sets stored them go into the set once.
function moveOldRejections() {
  let keys;
  try {
    keys = JSON.parse(localStorage.getItem(oldRejectedKey) || "[]");
  } catch {
    keys = [];
  }
  if (!keys.length || readonly()) return;
  let moved = false;
  for (const key of keys) {
    const p = W.preds.find((x) => predKey(x) === key);
    if (p && W.model.rejectPrediction(p.source, p.span)) moved = true;
  }
  localStorage.removeItem(oldRejectedKey);
  if (moved) changed();
}

// The user's set: read, or, when they have none yet, taken. Opening a
// document in the workspace is asking to annotate it (next does the same);
// the read itself never takes anything.
async function openSet() {
  try {
    return await api.mine.get(config.document);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
  }
  return api.mine.take(config.document);
}

// Why the document cannot be opened; when the user already holds as many
// unfinished documents as the project allows, a link back to the oldest.
function refuse(error) {
  setState("error", "Not opened");
  banner(errorText(error));
  const held = error instanceof ApiError ? error.body.held : null;
  if (held?.length) {
    const link = el("a", { id: "held-link", href: `${config.documentsPage}${held[0]}/`, text: "Back to that document" });
    $("banner").append(" ", link);
    link.focus();
  }
}

async function start() {
  let doc, mine, sets, labels, groups;
  try {
    [doc, mine, sets, labels, groups] = await Promise.all([
      api.documents.get(config.document, { include: "tokens" }), openSet(),
      api.sets.list(config.document), api.labels.list(), api.categoryGroups.list(),
    ]);
  } catch (error) {
    refuse(error);
    return;
  }
  W.text = doc.text;
  W.offsets = new OffsetMap(doc.text);
  W.tokens = new Tokens(doc.text, doc.tokens, W.offsets);
  W.labels.load(labels.results);
  W.predSets = sets.filter((s) => s.kind === "prediction");
  W.preds = W.predSets.flatMap((s) => s.spans.map((span) => ({ set: s.id, source: s.source, span })));
  $("doc-meta").textContent = [doc.outlet, doc.author, doc.published].filter(Boolean).join(" · ");
  W.labels.drawPalette($("palette"), {
    title: (l) => l.description || l.name,
    onPick: (name) => applyEntityLabel(name),
  });
  fillHelp($("help-keys"), W.labels.entity, W.labels.stance, undefined, undefined, W.labels.category);
  W.categories = new CategorySchema(groups.results, W.labels.category);

  W.model = new SetModel(mine);
  W.model.excludes = W.categories.excludes;
  W.categoryPanel = new CategoryPanel($("categories"), W.categories, W.labels, {
    onChoose: chooseCategory, onClear: clearCategoryGroup, onAccept: (name) => chooseCategory(name, true),
    afterPointer: () => $("text").focus(),
  });
  W.save = new Autosave(W.model, {
    server: {
      put: (version, content) => api.mine.put(config.document, { version, ...content }),
      get: () => api.mine.get(config.document),
    },
    drafts, onState: setState, onConflict: showConflict,
  });
  // Actors linked from spans the page did not know about (e.g. linked in another tab).
  const unknown = new Set([...W.preds.map((p) => p.span.actor), ...mine.spans.map((s) => s.actor)]
    .filter((id) => id != null && !W.actors.has(id)));
  // The same for concepts (stances on concepts made elsewhere since the page's config).
  const unknownConcepts = new Set(mine.stances.map((t) => t.concept).filter((id) => id != null && !W.concepts.has(id)));
  await Promise.all([
    ...[...unknown].map((id) => api.actors.get(id).then((a) => W.actors.set(a.id, a.name), () => null)),
    ...[...unknownConcepts].map((id) => api.concepts.get(id).then((c) => W.concepts.set(c.id, { name: c.name, path: c.path || c.name }), () => null)),
  ]);

  W.view = new TextView($("text"), W.text, itemColor);
  W.arcs = new ArcLayer(W.view, { onPick: (id) => { $("text").focus(); selectStance(id); } });
  W.selection = new TextSelection(W.view, W.tokens, W.offsets);
  W.selection.listen($("text"), { onSelect, onClick: onSpanClick, current: () => W.selected });
  W.picker = new ActorPicker(api, W.actors);
  W.conceptPicker = new ConceptPicker(conceptSource(api), W.concepts, { canCreate: config.createConcepts });
  redraw();

  const draft = drafts.load();
  if (mine.status === "submitted") {
    setReadonly(true);
    banner("You submitted this document; it is read-only.");
  } else if (W.save.restore(draft, mine)) {
    // Unsaved work from before a reload or a lost connection, put back:
    // saved now, or a conflict when someone saved since it was made.
    redraw();
  }
  moveOldRejections();
  $("submit-button").disabled = readonly();
  $("text").focus();
  document.body.dataset.ready = "true";
  performance.mark("accord:ready");
}

document.addEventListener("keydown", onKey);
$("help-button").addEventListener("click", () => $("help").showModal());
if ($("guidelines")) {
  $("guidelines-button").addEventListener("click", () => toggleGuidelines());
  $("guidelines-close").addEventListener("click", () => toggleGuidelines(false));
}
$("submit-button").addEventListener("click", submit);
$("next-button").addEventListener("click", nextDocument);
$("keep-mine").addEventListener("click", () => resolveConflict(true));
$("reload-theirs").addEventListener("click", () => resolveConflict(false));
$("accept-all").addEventListener("click", acceptAll);
window.addEventListener("online", () => W.save?.save());
document.addEventListener("keydown", (e) => {
  if (readonly() && (e.key === "n" || e.key === "N") && !$("next-button").hidden && !document.querySelector("dialog[open]:not(#guidelines)")) {
    nextDocument();
  }
});
window.accordState = W; // read by the browser tests and the bench
start();
