// The adjudication screen for one document. It reads and writes only through
// the review API (GET review/, decisions/; POST decisions/, gold/auto-merge/,
// gold/accept/, gold/reopen/, decisions/{id}/reverse/); every change is one
// recorded decision. Shares with the workspace offsets.js (UTF-16 <-> code
// points), words.js and selection.js (word snapping), labels.js (colours,
// keys, the palette), status.js (the save-status badge), render.js (drawing),
// arcs.js (stances drawn in the text), picker.js (actor links, as in the
// workspace) and help.js (the ? overlay).
// All text, labels and names go into the page through textContent.

import { Api, ApiError, errorText } from "./api.js";
import { ArcLayer, stanceTitle } from "./arcs.js";
import { el } from "./dom.js";
import { fillHelp } from "./help.js";
import { LabelSet } from "./labels.js";
import { OffsetMap } from "./offsets.js";
import { ActorPicker } from "./picker.js";
import { TextView } from "./render.js";
import { TextSelection } from "./selection.js";
import { Banner, SaveStatus } from "./status.js";
import { Tokens } from "./words.js";
import { plural } from "./plural.js";

const config = JSON.parse(document.getElementById("accord-config").textContent);
const api = new Api(config.api);
const $ = (id) => document.getElementById(id);
const doc = config.document;

const KEYS = [
  ["j / ↓, k / ↑", "Next / previous candidate"],
  [". / ,", "Next / previous stance candidate, on a span or on a concept (or click its arc in the text)"],
  ["a", "Accept the current candidate into gold (a category of a group that takes one replaces the group's)"],
  ["r", "Reject the current item: take it out of gold, or record that it stays out"],
  ["Enter", "Link the current span to an actor (or unlink it); in the stance mode, take the current span as the target"],
  ["/", "New stance from the current gold span: choose the target (j / k then Enter, or click it), then a polarity key"],
  ["c", "Cue of the current gold stance: choose its span (j / k then Enter, or click it); on a stance with a cue, remove it"],
  ["e", "Edit the current item: label, bounds (type or select in the text); Enter saves"],
  ["label key", "Relabel the current span (stance: polarity key); with text selected, add a span"],
  ["mouse drag", "Select text to add a span (Alt: exact characters)"],
  ["Shift + A", "Accept all agreed (made by at least N annotators)"],
  ["Esc", "Cancel the edit, the new stance or the selection"],
  ["Ctrl + Enter", "Accept the document"],
  ["?", "This help"],
];
// Keys that are commands; a label shortcut equal to one of them still works
// while text is selected (to add) and in the edit panel.
const COMMANDS = new Set(["j", "k", ".", ",", "a", "r", "e", "c", "/", "A", "?"]);

const R = {
  text: "", offsets: null, tokens: null, view: null, selection: null, review: null, decisions: [],
  labels: new LabelSet(),
  actors: new Map(Object.entries(config.actors).map(([k, v]) => [Number(k), v])),
  rows: [], byKey: new Map(), current: null, pending: null, editing: null, mode: null, picker: null,
  busy: false, frozen: false, lastAction: null, voters: [],
};

// ------------------------------------------------------------------ small helpers

const colorOf = (label) => R.labels.color(label);
const chip = (label) => R.labels.chip(label);

function quote(start, end) {
  return R.text.slice(R.offsets.toUtf16(start), R.offsets.toUtf16(end));
}

const spanKey = (s) => `${s.start}:${s.end}:${s.label}`;
const stanceKey = (t) => `${spanKey(t.holder)}>${spanKey(t.target)}:${t.polarity}`;
const claimKey = (t) => `${spanKey(t.holder)}>#${t.concept}:${t.polarity}`;
const conceptName = (id) => R.review.concepts[id] || `concept #${id}`;
// A row's key, from its type and a decision item (rejectedKeys) or row.
const ROW_KEY = {
  span: (item) => `s:${spanKey(item)}`,
  stance: (item) => `t:${stanceKey(item)}`,
  concept_stance: (item) => `c:${claimKey(item)}`,
  category: (item) => `g:${item.label}`,
};
const bare = (s) => ({ start: s.start, end: s.end, label: s.label });
const actorName = (id) => (id == null ? null : R.actors.get(id) || `actor #${id}`);

const status = new SaveStatus($("state"));
const setState = (state, message) => status.show(state, message);
const notice = new Banner($("banner"));
const banner = (message, kind = "info") => notice.show(message, kind);

// ------------------------------------------------------------------ the rows

// One row per span candidate (and per gold span no annotator made), then one
// per stance candidate (and gold-only stance): the list j/k walks through.
function buildRows() {
  const review = R.review;
  const gold = review.gold || {
    spans: [], stances: [], categories: [],
    provenance: { spans: {}, stances: {}, concept_stances: {}, categories: {} },
  };
  const goldSpans = new Map(gold.spans.map((s) => [spanKey(s), s]));
  const goldById = new Map(gold.spans.map((s) => [s.id, s]));
  const goldStances = new Map();
  const goldClaims = new Map();
  for (const t of gold.stances) {
    if (t.concept != null) {
      const holder = goldById.get(t.holder);
      const cue = t.cue ? goldById.get(t.cue) : null;
      if (holder) goldClaims.set(claimKey({ ...t, holder }), { ...t, holder, cue });
      continue;
    }
    const holder = goldById.get(t.holder);
    const target = goldById.get(t.target);
    if (!holder || !target) continue;
    const cue = t.cue ? goldById.get(t.cue) : null;
    goldStances.set(stanceKey({ holder, target, polarity: t.polarity }), { ...t, holder, target, cue });
  }
  const spans = review.candidates.spans.map((c) => {
    const key = spanKey(c);
    const g = goldSpans.get(key);
    return {
      type: "span", key: `s:${key}`, start: c.start, end: c.end, label: c.label,
      annotators: c.annotators, votes: c.votes, unanimous: c.unanimous, actor: c.actor, tie: c.tie,
      linked: c.actors.map((a) => a.actor), inGold: Boolean(g), goldActor: g ? g.actor : null,
      origin: g ? gold.provenance.spans[g.id] : null, candidate: true,
    };
  });
  const made = new Set(review.candidates.spans.map(spanKey));
  for (const g of gold.spans) {
    if (made.has(spanKey(g))) continue;
    spans.push({
      type: "span", key: `s:${spanKey(g)}`, start: g.start, end: g.end, label: g.label,
      annotators: [], votes: `0/${R.voters.length}`, unanimous: false, actor: g.actor, tie: false,
      linked: [], inGold: true, goldActor: g.actor, origin: gold.provenance.spans[g.id], candidate: false,
    });
  }
  spans.sort((x, y) => x.start - y.start || y.end - x.end || (x.label < y.label ? -1 : 1));
  const stances = review.candidates.stances.map((c) => {
    const key = stanceKey(c);
    const g = goldStances.get(key);
    return {
      type: "stance", key: `t:${key}`, holder: bare(c.holder), target: bare(c.target),
      polarity: c.polarity, cue: c.cue ? bare(c.cue) : null, annotators: c.annotators,
      votes: c.votes, unanimous: c.unanimous, inGold: Boolean(g),
      goldCue: g && g.cue ? bare(g.cue) : null, origin: g ? gold.provenance.stances[g.id] : null,
      candidate: true,
    };
  });
  const madeStances = new Set(review.candidates.stances.map(stanceKey));
  for (const [key, g] of goldStances) {
    if (madeStances.has(key)) continue;
    stances.push({
      type: "stance", key: `t:${key}`, holder: bare(g.holder), target: bare(g.target),
      polarity: g.polarity, cue: g.cue ? bare(g.cue) : null, annotators: [],
      votes: `0/${R.voters.length}`, unanimous: false, inGold: true,
      goldCue: g.cue ? bare(g.cue) : null, origin: gold.provenance.stances[g.id], candidate: false,
    });
  }
  const claimRow = (c, g) => ({
    type: "claim", key: `c:${claimKey(c)}`, holder: bare(c.holder), concept: c.concept,
    polarity: c.polarity, cue: c.cue ? bare(c.cue) : null, annotators: c.annotators || [],
    votes: c.votes || `0/${R.voters.length}`, unanimous: Boolean(c.unanimous), inGold: Boolean(g),
    goldCue: g && g.cue ? bare(g.cue) : null,
    origin: g ? gold.provenance.concept_stances[g.id] : null, candidate: Boolean(c.votes),
  });
  const claims = review.candidates.concept_stances.map((c) => claimRow(c, goldClaims.get(claimKey(c))));
  const madeClaims = new Set(review.candidates.concept_stances.map(claimKey));
  for (const [key, g] of goldClaims) if (!madeClaims.has(key)) claims.push(claimRow(g, g));
  // Every category label of the project, by group, with its votes: the
  // reviewer can also add one nobody chose.
  const chosen = new Map(review.candidates.categories.map((c) => [c.label, c]));
  const inGoldCategories = new Set(gold.categories || []);
  const categories = review.category_labels.map((l) => {
    const c = chosen.get(l.label);
    return {
      type: "category", key: `g:${l.label}`, label: l.label, group: l.group, multiple: l.multiple,
      annotators: c ? c.annotators : [], votes: c ? c.votes : `0/${R.voters.length}`,
      unanimous: Boolean(c && c.unanimous), inGold: inGoldCategories.has(l.label),
      origin: (gold.provenance.categories || {})[l.label] || null, candidate: Boolean(c),
    };
  });
  R.rows = [...spans, ...stances, ...claims, ...categories];
  R.byKey = new Map(R.rows.map((r) => [r.key, r]));
  if (R.current && !R.byKey.has(R.current)) R.current = null;
}

function share(row) {
  const [n, of] = row.votes.split("/").map(Number);
  if (!of || n === 0) return "none";
  if (n === of) return "all";
  return 2 * n > of ? "most" : "few";
}

// ------------------------------------------------------------------ drawing

function drawText() {
  const items = [];
  for (const row of R.rows) {
    if (row.type !== "span") continue;
    const mark = row.inGold ? " ✓" : "";
    items.push({
      key: row.key, s: R.offsets.toUtf16(row.start), e: R.offsets.toUtf16(row.end),
      label: row.label, tag: row.candidate ? `${row.label} ${row.votes}${mark}` : `${row.label} +${mark}`,
      // Not in gold yet: drawn dashed, like a suggestion in the workspace.
      pred: !row.inGold, selected: R.current === row.key,
    });
  }
  R.view.renderAll(items);
  R.arcs.set(stanceArcs());
  R.arcs.select(R.current);
}

// Every stance candidate (and gold-only stance) as an arc; dashed while not in gold.
function stanceArcs() {
  const u = (cp) => R.offsets.toUtf16(cp);
  return R.rows.filter((r) => r.type === "stance").map((r) => ({
    key: r.key, hs: u(r.holder.start), he: u(r.holder.end), ts: u(r.target.start), te: u(r.target.end),
    label: r.polarity, color: colorOf(r.polarity), dashed: !r.inGold, title: stanceRowTitle(r),
  }));
}

function stanceRowTitle(row) {
  const q = (s) => quote(s.start, s.end);
  return stanceTitle(q(row.holder), row.polarity, q(row.target), row.cue && q(row.cue));
}

function lanes(row) {
  // One cell per annotator who submitted: filled when they made this item.
  const cells = R.voters.map((name) => el("span", {
    class: row.annotators.includes(name) ? "lane on" : "lane",
    title: `${name}: ${row.annotators.includes(name) ? "made it" : "did not make it"}`,
    style: { "--c": colorOf(row.type === "span" || row.type === "category" ? row.label : row.polarity) },
  }));
  return el("span", { class: "lanes", "aria-label": `made by ${row.annotators.join(", ") || "no annotator"}` }, ...cells);
}

function spanLabel(s) {
  return `“${quote(s.start, s.end)}”`;
}

function rowNode(row) {
  const status = row.inGold ? "in gold" : "not in gold";
  const li = el("li", {
    class: `cand share-${share(row)}${row.inGold ? " in-gold" : ""}${R.current === row.key ? " current" : ""}`,
    dataset: { key: row.key, inGold: String(row.inGold) },
    on: { click: () => select(row.key, true) },
  });
  const votes = el("span", {
    class: "votes", text: row.candidate || row.type === "category" ? row.votes : "added",
    title: row.candidate ? `made by ${row.annotators.join(", ")}` : "added or changed by a reviewer",
  });
  let what;
  if (row.type === "span") {
    const actor = actorName(row.inGold ? row.goldActor : row.actor);
    what = el("span", { class: "txt" }, chip(row.label), " ",
      el("span", { text: spanLabel(row) }),
      actor ? el("span", { class: "actor", text: ` → ${actor}` }) : null,
      row.tie ? el("span", { class: "tie", text: " actor tie", title: "The annotators linked different actors equally often" }) : null);
  } else if (row.type === "claim") {
    what = el("span", { class: "txt full" }, el("span", { text: spanLabel(row.holder) }), " ",
      chip(row.polarity), " ", el("span", { class: "concept", text: `⟨${conceptName(row.concept)}⟩` }),
      row.cue ? el("span", { class: "muted", text: ` cue ${spanLabel(row.cue)}` }) : null);
  } else if (row.type === "category") {
    what = el("span", { class: "txt" }, chip(row.label));
  } else {
    what = el("span", { class: "txt full", title: stanceRowTitle(row) }, el("span", { text: spanLabel(row.holder) }), " ",
      chip(row.polarity), " ", el("span", { text: spanLabel(row.target) }),
      row.cue ? el("span", { class: "muted", text: ` cue ${spanLabel(row.cue)}` }) : null);
    li.addEventListener("mouseenter", () => R.arcs.hover(row.key));
    li.addEventListener("mouseleave", () => R.arcs.hover(null));
  }
  const buttons = el("span", { class: "acts" },
    el("button", { type: "button", class: "small", text: "✓", title: "Accept (a)", disabled: R.frozen || row.inGold,
      on: { click: (e) => { e.stopPropagation(); select(row.key); accept(row); } } }),
    el("button", { type: "button", class: "small", text: "✗", title: "Reject (r)", disabled: R.frozen,
      on: { click: (e) => { e.stopPropagation(); select(row.key); reject(row); } } }),
    row.type === "category" ? null : el("button", { type: "button", class: "small", text: "✎", title: "Edit (e)", disabled: R.frozen,
      on: { click: (e) => { e.stopPropagation(); select(row.key); openEdit(row); } } }));
  // A candidate left out of gold by a recorded reject says so.
  const rejected = !row.inGold && rejectedKeys().has(row.key);
  if (rejected) li.dataset.rejected = "true";
  li.append(votes, lanes(row), what, el("span", { class: "gold-mark", text: row.inGold ? "✓" : rejected ? "✗" : "",
    title: rejected ? "rejected: recorded as a decision" : status }), buttons);
  const named = row.type === "span" || row.type === "category" ? row.label : row.polarity;
  li.setAttribute("aria-label", `${row.type} ${named}, ${row.votes}, ${status}`);
  return li;
}

// Keys of the items whose latest decision is a reject still standing.
function rejectedKeys() {
  const keys = new Set();
  for (const d of R.decisions) {
    if (d.reversed || !d.item) continue;
    const key = ROW_KEY[d.item_type](d.item);
    if (d.action === "reject") keys.add(key);
    else keys.delete(key);
  }
  return keys;
}

function drawLists() {
  const spans = R.rows.filter((r) => r.type === "span");
  const stances = R.rows.filter((r) => r.type === "stance");
  $("span-list").replaceChildren(...spans.map(rowNode));
  $("stance-list").replaceChildren(...stances.map(rowNode));
  const claims = R.rows.filter((r) => r.type === "claim");
  $("claim-list").replaceChildren(...claims.map(rowNode));
  $("claim-count").textContent = `${claims.length} · ${claims.filter((r) => r.unanimous).length} unanimous`;
  drawCategories(R.rows.filter((r) => r.type === "category"));
  const agreed = (rows) => rows.filter((r) => r.unanimous).length;
  $("span-count").textContent = `${spans.length} · ${agreed(spans)} unanimous`;
  $("stance-count").textContent = `${stances.length} · ${agreed(stances)} unanimous`;
  $("span-head").replaceChildren(el("span", { class: "votes", text: "votes" }),
    el("span", { class: "lanes" }, ...R.voters.map((n, i) => el("span", {
      class: "lane-name", text: String.fromCharCode(65 + (i % 26)), title: n }))));
  $("lane-legend").replaceChildren(
    el("span", { text: "Lanes: " }),
    ...R.voters.flatMap((n, i) => [el("strong", { text: String.fromCharCode(65 + (i % 26)) }), el("span", { text: ` ${n}  ` })]),
    el("span", { class: "muted", text: " · solid = in gold, dashed = not (yet) in gold" }),
  );
}

// The categories panel: one block per group (does it take one category or
// several), each category with its votes and lanes, accepted / rejected by
// its row like any candidate.
function drawCategories(rows) {
  const groups = new Map();
  for (const row of rows) {
    if (!groups.has(row.group)) groups.set(row.group, { multiple: row.multiple, rows: [] });
    groups.get(row.group).rows.push(row);
  }
  $("category-count").textContent = rows.length ? plural(rows.filter((r) => r.inGold).length, "category", "categories") + " in gold" : "";
  if (!rows.length) {
    $("category-groups").replaceChildren(el("p", { class: "muted small", text: "This project has no document categories." }));
    return;
  }
  $("category-groups").replaceChildren(...[...groups].map(([name, g]) => el("div", { class: "category-group", dataset: { group: name } },
    el("h3", {}, el("span", { text: name }), el("span", { class: "muted small", text: g.multiple ? " · takes several" : " · takes one" })),
    el("ol", { class: "item-list cand-list" }, ...g.rows.map(rowNode)))));
}

function drawGold() {
  const gold = R.review.gold;
  const list = $("gold-list");
  if (!gold) {
    list.replaceChildren(el("li", { class: "muted", text: "No gold set yet: accept candidates or press “Accept all agreed”." }));
    $("gold-count").textContent = "";
    $("history").replaceChildren();
    return;
  }
  const byId = new Map(gold.spans.map((s) => [s.id, s]));
  // Who made exactly this item, then who made which close item instead.
  const madeItem = (m) => {
    if (m.span) return `${m.span.label} ${spanLabel(m.span)}${m.span.actor != null ? ` → ${actorName(m.span.actor)}` : ""}`;
    if (m.category) return m.category.label;
    if (m.concept_stance) return `${spanLabel(m.concept_stance.holder)} ${m.concept_stance.polarity} ⟨${conceptName(m.concept_stance.concept)}⟩`;
    return `${spanLabel(m.stance.holder)} ${m.stance.polarity} ${spanLabel(m.stance.target)}`;
  };
  const origin = (o) => {
    if (!o) return "";
    const others = (o.from || []).map((m) => `${m.annotators.join(", ")}: ${madeItem(m)}`).join("; ");
    if (o.origin === "annotators") return `by ${o.annotators.join(", ")}${others ? ` (others made ${others})` : ""}`;
    return o.origin === "changed" ? `changed by a reviewer (annotators made ${others})` : "added by a reviewer";
  };
  const items = gold.spans.map((s) => el("li", { dataset: { key: `s:${spanKey(s)}` }, on: { click: () => select(`s:${spanKey(s)}`, true) } },
    chip(s.label), el("span", { class: "txt", text: spanLabel(s) }),
    s.actor != null ? el("span", { class: "actor", text: `→ ${actorName(s.actor)}` }) : null,
    el("span", { class: "prov", text: origin(gold.provenance.spans[s.id]) })));
  for (const t of gold.stances) {
    const h = byId.get(t.holder);
    if (t.concept != null) {
      items.push(el("li", { dataset: { kind: "claim" } },
        el("span", { class: "txt full", text: `${spanLabel(h)} ` }), chip(t.polarity),
        el("span", { class: "txt full", text: ` ⟨${conceptName(t.concept)}⟩` }),
        el("span", { class: "prov", text: origin(gold.provenance.concept_stances[t.id]) })));
      continue;
    }
    const g = byId.get(t.target);
    items.push(el("li", {},
      el("span", { class: "txt full", text: `${spanLabel(h)} ` }), chip(t.polarity),
      el("span", { class: "txt full", text: ` ${spanLabel(g)}` }),
      el("span", { class: "prov", text: origin(gold.provenance.stances[t.id]) })));
  }
  for (const label of gold.categories || []) {
    items.push(el("li", { dataset: { kind: "category" } }, chip(label),
      el("span", { class: "prov", text: origin(gold.provenance.categories[label]) })));
  }
  list.replaceChildren(...items);
  $("gold-count").textContent = `${plural(gold.spans.length, "span")} · ${plural(gold.stances.length, "stance")} · ` +
    `${plural((gold.categories || []).length, "category", "categories")} · version ${gold.version}`;
  $("history").replaceChildren(...gold.history.map((h) =>
    el("li", { text: `${h.action === "accept" ? "Accepted" : "Reopened"} by ${h.by} ${new Date(h.at).toLocaleString()}${h.reason ? `: ${h.reason}` : ""}` })));
}

// A span as a decision names it: with its actor, so that an edit that only
// relinks the actor reads as one.
function decidedSpan(span) {
  return `${span.label} ${spanLabel(span)}${span.actor != null ? ` (${actorName(span.actor)})` : ""}`;
}

function describeItem(d) {
  const item = d.item || {};
  if (d.item_type === "span") return decidedSpan(item);
  if (d.item_type === "category") return `category ${item.label}`;
  if (d.item_type === "concept_stance") return `${spanLabel(item.holder)} ${item.polarity} ⟨${conceptName(item.concept)}⟩`;
  return `${spanLabel(item.holder)} ${item.polarity} ${spanLabel(item.target)}`;
}

function drawDecisions() {
  const rows = R.decisions.slice().reverse(); // newest first
  $("decision-count").textContent = `${R.decisions.length}`;
  $("decision-list").replaceChildren(...rows.map((d) => {
    let what = `${d.action} ${describeItem(d)}`;
    if (d.edited_to) {
      const to = d.item_type === "span" ? decidedSpan(d.edited_to)
        : d.item_type === "category" ? d.edited_to.label : d.edited_to.polarity;
      what += ` → ${to}`;
    }
    const li = el("li", { class: d.reversed ? "reversed" : "", dataset: { decision: String(d.id), action: d.action } },
      el("span", { class: `act act-${d.action}`, text: d.action }),
      el("span", { class: "what", text: what.slice(d.action.length + 1) }),
      el("div", { class: "meta small muted", text:
        `${d.reviewer}${d.source !== "reviewer" ? ` (${d.source})` : ""} · ${new Date(d.created_at).toLocaleTimeString()}` +
        `${d.annotators.length ? ` · made by ${d.annotators.join(", ")}` : ""}` }),
      d.rationale ? el("div", { class: "why small", text: d.rationale }) : null,
      d.reversed ? el("div", { class: "meta small", text: `reversed by ${d.reversed.by}${d.reversed.rationale ? `: ${d.reversed.rationale}` : ""}` }) : null);
    if (!d.reversed) {
      // First in the row and floated: the decision's text wraps beside it, never under it.
      li.prepend(el("button", { type: "button", class: "small reverse", text: "Reverse", disabled: R.frozen,
        title: "Undo this decision on the gold set (the rationale box gives the reason)",
        on: { click: () => reverse(d) } }));
    }
    return li;
  }));
}

function drawAll() {
  // Frozen first: the lists draw their buttons disabled or not from it.
  const gold = R.review.gold;
  R.frozen = Boolean(gold && gold.adjudicated) || Boolean(R.review.document.adjudicated_at);
  buildRows();
  drawText();
  drawLists();
  drawGold();
  drawDecisions();
  $("accept-doc").disabled = R.frozen || R.busy;
  $("auto-merge").disabled = R.frozen || R.busy;
  $("reopen-button").hidden = !R.frozen;
  document.body.classList.toggle("frozen", R.frozen);
  const inGold = R.rows.filter((r) => r.inGold).length;
  if (R.frozen) setState("saved", "Adjudicated — gold frozen");
  else setState("saved", `Gold: ${plural(inGold, "item")} · all saved`);
  // Lists were rebuilt; redraw with the current row marked.
  if (R.current) markCurrent(false);
}

// ------------------------------------------------------------------ selection

function markCurrent(scroll) {
  for (const li of document.querySelectorAll(".cand.current")) li.classList.remove("current");
  const row = R.byKey.get(R.current);
  const li = R.current && document.querySelector(`.cand[data-key="${CSS.escape(R.current)}"]`);
  if (li) {
    li.classList.add("current");
    if (scroll) li.scrollIntoView({ block: "nearest" });
  }
  if (row && scroll && row.type !== "category") {
    const at = row.type === "span" ? row.start : row.holder.start;
    R.view.scrollTo(R.offsets.toUtf16(at));
  }
}

function select(key, scroll = true) {
  // A row made current drops the text selection: the next label key must
  // act on what is shown as current, not on an older selection.
  if (R.pending) setPending(null);
  R.current = key;
  drawText();
  markCurrent(scroll);
}

function move(dir) {
  if (!R.rows.length) return;
  const at = R.rows.findIndex((r) => r.key === R.current);
  const next = at < 0 ? (dir > 0 ? 0 : R.rows.length - 1) : Math.max(0, Math.min(R.rows.length - 1, at + dir));
  closeEdit();
  select(R.rows[next].key);
}

// The next (dir 1) or previous (-1) stance row, as . and , do in the workspace.
function moveStance(dir) {
  const stances = R.rows.filter((r) => r.type === "stance" || r.type === "claim");
  if (!stances.length) return banner("No stance candidate on this document.");
  const at = stances.findIndex((r) => r.key === R.current);
  const next = at < 0 ? (dir > 0 ? 0 : stances.length - 1) : (at + dir + stances.length) % stances.length;
  closeEdit();
  select(stances[next].key);
}

function setPending(range) {
  R.pending = range;
  if (!range) return R.selection.clear();
  R.selection.show(range.s, range.e);
  banner(`Selected ${spanLabel(range)}: press a label key or click a label to add it to gold.`);
}

// A mouse selection, snapped to words (selection.js).
function onSelect(snapped) {
  if (!snapped) return setPending(null);
  const [start, end] = snapped.cp;
  if (R.editing) {
    // While editing a span, a selection gives it new bounds; a stance has
    // no bounds to take, so the selection is ignored.
    if (R.editing.type !== "span") return;
    $("edit-start").value = start;
    $("edit-end").value = end;
    previewEdit();
    return;
  }
  setPending({ s: snapped.start, e: snapped.end, start, end });
}


// ------------------------------------------------------------------ talking to the API

async function reload() {
  const [review, decisions] = await Promise.all([
    api.documents.review(doc),
    api.decisions.list(doc),
  ]);
  if (!R.view) init(review);
  R.review = review;
  R.decisions = decisions;
  R.voters = review.sets.filter((s) => s.status === "submitted").map((s) => s.author);
  drawAll();
}

function version() {
  return R.review.gold ? R.review.gold.version : 1;
}

// The rationale box's text, for an action that sends it; run() clears the
// box afterwards only when the action took it.
function takeRationale() {
  R.rationaleSent = true;
  return $("rationale").value.trim();
}

// Run one write. `action` builds its request from the state at the time it
// runs, so after a conflict it can be applied again on the newer gold set.
async function run(label, action) {
  if (R.busy) return;
  if (R.frozen && !action.whileFrozen) {
    banner("This document is adjudicated: its gold set is frozen. Reopen it to change it.", "warn");
    return;
  }
  R.busy = true;
  document.body.dataset.busy = "true";
  setState("saving", `${label}…`);
  R.rationaleSent = false;
  let written = false;
  try {
    const result = await action();
    written = true;
    if (R.rationaleSent) $("rationale").value = "";
    $("conflict").hidden = true;
    R.lastAction = null;
    await reload();
    if (result && result.message) banner(result.message);
    else banner("");
  } catch (error) {
    if (written) {
      // The change is stored; only the fresh view of it failed to arrive.
      setState("error", "Saved — not reloaded");
      banner(`${label}: saved, but the page could not reload (${errorText(error)}). Reload the page to see the gold set.`, "warn");
    } else if (error instanceof ApiError && error.status === 409) {
      // Never lose work silently: say what happened, show the current
      // gold set, and offer to apply the same action on top of it.
      R.lastAction = { label, action };
      $("conflict-detail").textContent = errorText(error);
      $("conflict").hidden = false;
      $("retry").hidden = Boolean(action.whileFrozen);
      try {
        await reload();
      } catch (again) {
        banner(errorText(again), "error");
      }
      setState("conflict", "Conflict — reloaded");
    } else {
      setState("error", "Not saved");
      banner(`${label}: ${errorText(error)}`, "error");
    }
  } finally {
    R.busy = false;
    document.body.dataset.busy = "false";
    $("accept-doc").disabled = R.frozen;
    $("auto-merge").disabled = R.frozen;
  }
}

function decide(body) {
  return api.decisions.create(doc, { ...body, version: version(), rationale: takeRationale() });
}

function spanItem(row, actor) {
  return { start: row.start, end: row.end, label: row.label, actor };
}

function stanceItem(row, cue) {
  return { holder: row.holder, target: row.target, polarity: row.polarity, cue };
}

function claimItem(row, cue) {
  return { holder: row.holder, concept: row.concept, polarity: row.polarity, cue };
}

// A decision on a row: {action, <item type>: item}; `inGold` takes the item
// as gold holds it (its actor, its cue), else as the annotators made it.
function decisionOn(action, row, inGold = false) {
  if (row.type === "span") return { action, span: spanItem(row, inGold ? row.goldActor : row.actor) };
  if (row.type === "stance") return { action, stance: stanceItem(row, inGold ? row.goldCue : row.cue) };
  if (row.type === "claim") return { action, concept_stance: claimItem(row, inGold ? row.goldCue : row.cue) };
  // Nobody chose it: an add, which the decision records as such.
  return { action: action === "accept" && !row.candidate ? "add" : action, category: { label: row.label } };
}

function accept(row) {
  if (!row) return;
  if (row.inGold) return banner("Already in the gold set.");
  run("Accepting", () => decide(decisionOn("accept", row)));
}

function reject(row) {
  if (!row) return;
  if (!row.inGold) {
    if (rejectedKeys().has(row.key)) return banner("Already rejected: the decision is in the list below.");
    // Left out of gold either way; the reject records the reviewer's decision.
    if (!row.candidate) return banner("Nobody chose it and it is not in gold: there is nothing to reject.");
    const body = decisionOn("reject", row);
    return run("Rejecting", async () => {
      await decide(body);
      return { message: "Rejected: it stays out of gold, and the decision is recorded." };
    });
  }
  run("Rejecting", () => decide(decisionOn("reject", row, true)));
}

function addSpan(label) {
  const p = R.pending;
  if (!p) return;
  setPending(null);
  run("Adding", () => decide({ action: "add", span: { start: p.start, end: p.end, label, actor: null } }));
}

// Link the current span to an actor, as the workspace does (picker.js): in
// gold an edit of its actor; not yet in gold, the span goes in with it.
function linkActor(row) {
  if (!row) return;
  if (R.frozen) return banner("This document is adjudicated: reopen it to change it.", "warn");
  if (row.type !== "span") return banner("Only a span links to an actor: choose a span row.");
  R.picker.open(quote(row.start, row.end), (actor) => {
    const id = actor ? actor.id : null;
    if (row.inGold) {
      if (id === row.goldActor) return banner("Nothing changed.");
      return run("Linking the actor", () => decide({ action: "edit", span: spanItem(row, row.goldActor), edited_to: spanItem(row, id) }));
    }
    const action = row.candidate && row.linked.includes(id) ? "accept" : "add";
    return run("Linking the actor", () => decide({ action, span: spanItem(row, id) }));
  }, () => $("text").focus());
}

// A new stance, drawn as in the workspace: holder (the current gold span),
// then the target, then a polarity key; holder and target must be in gold.
function startStance(row) {
  if (!row) return banner("Choose a span first (j / k), then / starts a stance from it.");
  if (R.frozen) return banner("This document is adjudicated: reopen it to change it.", "warn");
  if (row.type !== "span" || !row.inGold) return banner("A stance starts from a span in gold: accept the span first.");
  closeEdit();
  R.mode = { kind: "target", holder: row };
  banner(`Stance from ${spanLabel(row)}: choose the target span (j / k then Enter, or click it). Esc cancels.`);
}

function pickTarget(row) {
  const mode = R.mode;
  if (!mode || mode.kind !== "target" || !row) return;
  if (row.type !== "span" || !row.inGold) return banner("The target must be a span in gold: accept it first, or choose another. Esc cancels.");
  if (row.key === mode.holder.key) return banner("The target must be another span than the holder. Esc cancels.");
  R.mode = { kind: "polarity", holder: mode.holder, target: row };
  const keys = [...R.labels.stance.values()].map((l) => `${l.shortcut || "?"} ${l.name}`).join(", ");
  banner(`${spanLabel(mode.holder)} → ${spanLabel(row)}: press a polarity key (${keys}) or click one. Esc cancels.`);
  const node = $("banner");
  for (const label of R.labels.stance.values()) {
    node.append(" ", el("button", { type: "button", class: "small polarity", text: label.name,
      on: { click: () => addStance(label.name) } }));
  }
}

function addStance(polarity) {
  const mode = R.mode;
  if (!mode || mode.kind !== "polarity") return;
  R.mode = null;
  const stance = { holder: bare(mode.holder), target: bare(mode.target), polarity, cue: null };
  const made = R.rows.some((r) => r.type === "stance" && r.candidate && r.key === `t:${stanceKey(stance)}`);
  run("Adding the stance", () => decide({ action: made ? "accept" : "add", stance }));
}

// A gold stance's cue, as the workspace sets one: choose a gold span, or
// take the cue away.
function startCue(row) {
  if (!row) return;
  if (R.frozen) return banner("This document is adjudicated: reopen it to change it.", "warn");
  if (row.type !== "stance" || !row.inGold) return banner("Choose a stance in gold first: c sets its cue.");
  if (row.goldCue) {
    return run("Removing the cue", () => decide({ action: "edit", stance: stanceItem(row, row.goldCue), edited_to: stanceItem(row, null) }));
  }
  R.mode = { kind: "cue", stance: row };
  banner("Choose the cue span (j / k then Enter, or click it). Esc cancels.");
}

function pickCue(row) {
  const mode = R.mode;
  if (!mode || mode.kind !== "cue" || !row) return;
  if (row.type !== "span" || !row.inGold) return banner("The cue must be a span in gold. Esc cancels.");
  R.mode = null;
  const stance = mode.stance;
  run("Setting the cue", () => decide({ action: "edit", stance: stanceItem(stance, null), edited_to: stanceItem(stance, bare(row)) }));
}

function pickForMode(row) {
  return R.mode && R.mode.kind === "cue" ? pickCue(row) : pickTarget(row);
}

// A changed item: an edit when the item is in gold, else the changed item is added.
function saveEdit(row, to) {
  closeEdit();
  if (row.type === "span") {
    const next = { ...spanItem(row, row.inGold ? row.goldActor : row.actor), ...to };
    if (next.start === row.start && next.end === row.end && next.label === row.label) {
      return banner("Nothing changed.");
    }
    const body = row.inGold
      ? { action: "edit", span: spanItem(row, row.goldActor), edited_to: next }
      : { action: "add", span: next };
    return run("Saving the edit", () => decide(body));
  }
  if (to.polarity === row.polarity) return banner("Nothing changed.");
  const type = row.type === "claim" ? "concept_stance" : "stance";
  const item = (cue) => (row.type === "claim" ? claimItem(row, cue) : stanceItem(row, cue));
  const next = { ...item(row.inGold ? row.goldCue : row.cue), polarity: to.polarity };
  const body = row.inGold
    ? { action: "edit", [type]: item(row.goldCue), edited_to: next }
    : { action: "add", [type]: next };
  return run("Saving the edit", () => decide(body));
}

function autoMerge() {
  const n = Number($("min-agreement").value);
  run("Accepting all agreed", async () => {
    const out = await api.gold.autoMerge(doc, n, version());
    const parts = [`Accepted ${plural(out.merged.spans.length, "span")} and ${plural(out.merged.stances.length, "stance")} made by at least ${plural(n, "annotator")}.`];
    if (out.ties.length) parts.push(`${out.ties.length} with tied actor links went in unlinked.`);
    if (out.skipped_stances.length) parts.push(`${out.skipped_stances.length} stances skipped: their spans are not in gold.`);
    const merged = out.merged;
    if (merged.concept_stances.length || merged.categories.length) {
      parts.push(`Also ${plural(merged.concept_stances.length, "stance on a concept", "stances on concepts")} and ` +
        `${plural(merged.categories.length, "category", "categories")}.`);
    }
    for (const tie of out.category_ties) {
      parts.push(`${tie.group} takes one category and ${tie.categories.map((c) => c.label).join(" and ")} tied: choose one.`);
    }
    return { message: parts.join(" ") };
  });
}

function reverse(d) {
  run("Reversing", () => api.decisions.reverse(doc, d.id, takeRationale()));
}

function acceptDocument() {
  run("Accepting the document", async () => {
    await api.gold.accept(doc, takeRationale());
    return { message: "Document accepted: the gold set is frozen." };
  });
}

function reopen(reason) {
  const action = async () => {
    await api.gold.reopen(doc, reason);
    return { message: "Reopened: the gold set can change again." };
  };
  action.whileFrozen = true;
  $("reopen-form").hidden = true;
  run("Reopening", action);
}

// ------------------------------------------------------------------ edit panel

function closeEdit() {
  R.editing = null;
  $("edit").hidden = true;
  $("edit").replaceChildren();
}

function previewEdit() {
  const start = Number($("edit-start").value);
  const end = Number($("edit-end").value);
  const ok = Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end > start && end <= R.offsets.lengthCp;
  $("edit-preview").textContent = ok ? `“${quote(start, end)}”` : "Bounds outside the text.";
  $("edit-save").disabled = !ok;
}

function openEdit(row) {
  if (!row) return;
  if (row.type === "category") return banner("A category is accepted (a) or rejected (r); in a group that takes one, accepting another replaces it.");
  if (R.frozen) return banner("This document is adjudicated: reopen it to change it.", "warn");
  R.editing = row;
  const panel = $("edit");
  const save = () => {
    if (row.type === "span") {
      saveEdit(row, { label: $("edit-label").value, start: Number($("edit-start").value), end: Number($("edit-end").value) });
    } else saveEdit(row, { polarity: $("edit-label").value });
  };
  const kinds = row.type === "span" ? "entity" : "stance";
  const labelSelect = el("select", { id: "edit-label", "aria-label": row.type === "span" ? "Label" : "Polarity" },
    ...[...R.labels[kinds].values()].map((l) =>
      el("option", { value: l.name, text: l.shortcut ? `${l.name} (${l.shortcut})` : l.name })));
  labelSelect.value = row.type === "span" ? row.label : row.polarity;
  const form = el("form", { on: { submit: (e) => { e.preventDefault(); save(); } } },
    el("h2", { text: `Edit ${row.type === "claim" ? "stance on a concept" : row.type}${row.inGold ? "" : " (not in gold: saving adds the changed item)"}` }),
    el("div", { class: "row" }, el("label", { text: row.type === "span" ? "Label " : "Polarity " }), labelSelect));
  if (row.type === "span") {
    const num = (id, value) => el("input", { type: "number", id, value: String(value), min: "0", class: "num-input",
      on: { input: previewEdit } });
    form.append(
      el("div", { class: "row" }, el("label", { text: "Start " }), num("edit-start", row.start),
        el("label", { text: " End " }), num("edit-end", row.end)),
      el("p", { class: "muted small", text: "Or select the new extent in the text." }),
      el("p", { id: "edit-preview", class: "quote" }));
  } else {
    const on = row.type === "claim" ? `⟨${conceptName(row.concept)}⟩` : spanLabel(row.target);
    form.append(el("p", { class: "quote", text: `${spanLabel(row.holder)} → ${on}` }));
  }
  form.append(el("div", { class: "row" },
    el("button", { type: "submit", id: "edit-save", class: "primary", text: "Save (Enter)" }),
    el("button", { type: "button", text: "Cancel (Esc)", on: { click: closeEdit } })));
  panel.replaceChildren(form);
  panel.hidden = false;
  if (row.type === "span") previewEdit();
  panel.scrollIntoView({ block: "nearest" });
}

// ------------------------------------------------------------------ keyboard

function onKey(e) {
  if (document.querySelector("dialog[open]")) return;
  const target = e.target;
  const inField = target.closest && target.closest("input, select, textarea");
  const k = e.key;
  if (k === "Escape") {
    if (R.mode) { R.mode = null; banner(""); }
    else if (R.editing) closeEdit();
    else if (R.pending) { setPending(null); banner(""); }
    if (inField) target.blur();
    return;
  }
  if (inField) return;
  if ((e.ctrlKey || e.metaKey) && k === "Enter") {
    e.preventDefault();
    return acceptDocument();
  }
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (target.tagName === "BUTTON" && (k === "Enter" || k === " ")) return;
  if (k === "?") {
    e.preventDefault();
    return $("help").showModal();
  }
  const row = R.byKey.get(R.current);
  if (R.mode && R.mode.kind === "polarity") {
    const polarity = R.labels.stanceKey(k);
    if (polarity) {
      e.preventDefault();
      addStance(polarity);
    }
    return;
  }
  if (k.length === 1 && R.pending) {
    // Text is selected: a label key adds it.
    const label = R.labels.entityKey(k);
    if (label) {
      e.preventDefault();
      return addSpan(label);
    }
  }
  if (R.editing) {
    if (k === "Enter") {
      e.preventDefault();
      return $("edit-save").click();
    }
    const label = R.labels.forKey(R.editing.type === "span" ? "entity" : "stance", k);
    if (label) {
      e.preventDefault();
      $("edit-label").value = label;
    }
    return;
  }
  if (k === "j" || k === "ArrowDown") {
    e.preventDefault();
    return move(1);
  }
  if (k === "k" || k === "ArrowUp") {
    e.preventDefault();
    return move(-1);
  }
  if (k === "." || k === ",") {
    e.preventDefault();
    return moveStance(k === "." ? 1 : -1);
  }
  if (k === "A") {
    e.preventDefault();
    return autoMerge();
  }
  if (k === "Enter") {
    e.preventDefault();
    if (R.mode) return pickForMode(row);
    return linkActor(row);
  }
  if (k === "/") {
    e.preventDefault();
    return startStance(row);
  }
  if (k === "c" && !R.mode) return startCue(row);
  if (R.mode) return; // choosing a target: only moving, Enter and Esc act
  if (k === "a") return accept(row);
  if (k === "r") return reject(row);
  if (k === "e") {
    e.preventDefault();
    return openEdit(row);
  }
  if (k.length !== 1 || COMMANDS.has(k) || !row || R.frozen) return;
  if (row.type === "category") return;
  if (row.type === "span") {
    const label = R.labels.entityKey(k);
    if (label && label !== row.label) saveEdit(row, { label });
  } else {
    const polarity = R.labels.stanceKey(k);
    if (polarity && polarity !== row.polarity) saveEdit(row, { polarity });
  }
}

// ------------------------------------------------------------------ start

async function start() {
  let labels;
  try {
    [labels] = await Promise.all([api.labels.list(), reload()]);
  } catch (error) {
    setState("error", "Not loaded");
    banner(errorText(error), "error");
    return;
  }
  R.labels.load(labels.results);
  fillHelp($("help-keys"), R.labels.entity, R.labels.stance, KEYS, COMMANDS);
  R.labels.drawPalette($("palette"), {
    title: (l) => `Add the selected text as ${l.name}`,
    onPick: (name) => (R.pending ? addSpan(name) : banner("Select text first, then a label adds it as a span.")),
  });
  const n = R.voters.length;
  const majority = Math.floor(n / 2) + 1;
  $("min-agreement").replaceChildren(...Array.from({ length: Math.max(n, 1) }, (_, i) =>
    // "2 of 2" is both the majority and all: say the stronger once.
    el("option", { value: String(i + 1), text: `${i + 1} of ${n}${i + 1 === n ? " (all)" : i + 1 === majority ? " (majority)" : ""}` })));
  $("min-agreement").value = String(Math.min(majority, Math.max(n, 1)));
  const d = R.review.document;
  $("doc-meta").textContent = `${d.external_id} · ${d.submitted} of ${d.annotators_wanted} annotators submitted` +
    (R.review.disagreement == null ? "" : ` · disagreement ${R.review.disagreement.toFixed(2)}`) +
    (R.review.anonymous_review ? " · anonymous review" : "");
  // The labels are known now: draw again with their colours.
  drawAll();
  document.body.dataset.ready = "true";
  $("text").focus();
}

function init(review) {
  R.text = review.document.text;
  R.offsets = new OffsetMap(R.text);
  R.tokens = new Tokens(R.text, review.document.tokens, R.offsets);
  R.view = new TextView($("text"), R.text, (item) => colorOf(item.label));
  R.arcs = new ArcLayer(R.view, { onPick: (key) => { $("text").focus(); select(key, true); } });
  R.selection = new TextSelection(R.view, R.tokens, R.offsets);
  R.selection.listen($("text"), {
    onSelect,
    onClick: (key, e) => {
      select(key, false);
      if (!R.mode || R.mode.kind === "polarity") return;
      // Where spans nest a click makes the innermost the candidate, each
      // further click the one around it, and Enter takes it (as in the workspace).
      const nested = (e?.target.closest(".seg")?.dataset.keys || "").split(" ").filter(Boolean);
      if (nested.length < 2) return pickForMode(R.byKey.get(key));
      const what = R.mode.kind === "cue" ? "Cue" : "Target";
      banner(`${what}: ${spanLabel(R.byKey.get(key))}. Click again for the span around it, Enter to take it, Esc cancels.`);
    },
    current: () => R.current,
  });
  R.picker = new ActorPicker(api, R.actors);
}

document.addEventListener("keydown", onKey);
$("help-button").addEventListener("click", () => $("help").showModal());
$("auto-merge").addEventListener("click", autoMerge);
$("accept-doc").addEventListener("click", acceptDocument);
$("reopen-button").addEventListener("click", () => {
  $("reopen-form").hidden = false;
  $("reopen-reason").focus();
});
$("reopen-cancel").addEventListener("click", () => { $("reopen-form").hidden = true; });
$("reopen-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const reason = $("reopen-reason").value.trim();
  if (reason) reopen(reason);
});
$("retry").addEventListener("click", () => {
  const last = R.lastAction;
  $("conflict").hidden = true;
  if (last) run(last.label, last.action);
});
$("dismiss-conflict").addEventListener("click", () => {
  $("conflict").hidden = true;
  R.lastAction = null;
});
window.accordReview = R; // read by the browser tests
start();
