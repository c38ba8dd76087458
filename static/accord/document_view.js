// A document, read-only: its text with one of the sets the user may see at a
// time (gold, each annotator's, each prediction), switched with the picker or
// [ and ]. It reads documents/{d}/, documents/{d}/annotations/ and labels/;
// the API decides which sets come back (blind projects, anonymous review).
// Each set's document categories show above its spans.
// Drawing is render.js, stances as arcs arcs.js, stances on concepts as a badge
// on their holder and a line in the list concepts.js (as in the workspace); offsets go through offsets.js (the API counts code
// points, the page UTF-16). Nothing here writes. All text goes in through
// textContent.

import { Api, errorText } from "./api.js";
import { ArcLayer, stanceTitle } from "./arcs.js";
import { conceptBadge, conceptNames, conceptStanceTitle, conceptStancesByHolder, conceptText } from "./concepts.js";
import { el } from "./dom.js";
import { LabelSet } from "./labels.js";
import { OffsetMap } from "./offsets.js";
import { TextView } from "./render.js";

const config = JSON.parse(document.getElementById("accord-config").textContent);
const api = new Api(config.api);
const $ = (id) => document.getElementById(id);
const actors = new Map(Object.entries(config.actors).map(([k, v]) => [Number(k), v]));
const concepts = conceptNames(config.concepts);

const V = { labels: new LabelSet(), sets: [], current: 0, offsets: null, view: null, arcs: null, text: "" };

// Gold first (what the project agreed), then the annotators, then predictions.
const RANK = { gold: 0, annotator: 1, prediction: 2 };
const STATUS = { in_progress: "in progress", submitted: "submitted" };

function setName(s) {
  if (s.kind === "gold") return "Gold";
  if (s.kind === "prediction") return `Prediction: ${s.source || "model"}`;
  return `${s.author} (${STATUS[s.status] || s.status})`;
}

function quote(start, end) {
  return V.text.slice(V.offsets.toUtf16(start), V.offsets.toUtf16(end));
}

function show(index) {
  V.current = index;
  const s = V.sets[index];
  $("set-choice").value = String(index);
  const spans = s ? s.spans : [];
  const stances = s ? s.stances : [];
  const onConcepts = conceptStancesByHolder(stances);
  V.view.renderAll(
    spans.map((sp) => ({
      key: sp.id,
      s: V.offsets.toUtf16(sp.start),
      e: V.offsets.toUtf16(sp.end),
      label: sp.label,
      tag: sp.label,
      pred: s.kind === "prediction",
      selected: false,
      ...conceptBadge(concepts, onConcepts.get(sp.id) || [], quote(sp.start, sp.end)),
    })),
  );
  const byId = new Map(spans.map((sp) => [sp.id, sp]));
  $("span-count").textContent = `(${spans.length})`;
  $("stance-count").textContent = `(${stances.length})`;
  $("span-list").replaceChildren(
    ...spans.map((sp) =>
      el(
        "li",
        { dataset: { id: sp.id } },
        V.labels.chip(sp.label),
        el("span", { class: "txt", text: quote(sp.start, sp.end) }),
        sp.actor != null && el("span", { class: "actor", text: actors.get(sp.actor) || `actor #${sp.actor}` }),
      ),
    ),
  );
  const side = (id) => {
    const sp = byId.get(id);
    return sp ? quote(sp.start, sp.end) : id;
  };
  const u = (cp) => V.offsets.toUtf16(cp);
  const title = (t) =>
    t.concept != null
      ? conceptStanceTitle(side(t.holder), t.polarity, conceptText(concepts, t.concept), t.cue && side(t.cue))
      : stanceTitle(side(t.holder), t.polarity, side(t.target), t.cue && side(t.cue));
  V.arcs.set(
    stances
      .filter((t) => byId.has(t.holder) && byId.has(t.target))
      .map((t) => {
        const h = byId.get(t.holder);
        const g = byId.get(t.target);
        return { key: t.id, hs: u(h.start), he: u(h.end), ts: u(g.start), te: u(g.end),
          label: t.polarity, color: V.labels.color(t.polarity), title: title(t),
          dashed: s.kind === "prediction" };
      }),
  );
  $("stance-list").replaceChildren(
    ...stances.map((t) =>
      el(
        "li",
        { dataset: { id: t.id }, title: title(t),
          on: { mouseenter: () => V.arcs.hover(t.id), mouseleave: () => V.arcs.hover(null) } },
        el("span", { class: "txt", text: side(t.holder) }),
        V.labels.chip(t.polarity),
        el("span", { class: "txt", text: t.concept != null ? `◇ ${conceptText(concepts, t.concept)}` : side(t.target) }),
        t.cue && el("span", { class: "actor", text: `cue: ${side(t.cue)}` }),
      ),
    ),
  );
  drawCategories(s ? s.categories || [] : []);
  $("set-summary").textContent = s
    ? `${setName(s)}, version ${s.version}`
    : "No set of this document is yours to see yet.";
}

// The set's document categories, each after its group's name.
function drawCategories(names) {
  const group = (name) => V.labels.category.get(name)?.group;
  $("set-categories").replaceChildren(
    el("span", { class: "muted", text: "Categories:" }),
    ...(names.length
      ? names.map((name) => el("span", { class: "set-category" }, group(name) ? `${group(name)}: ` : "", V.labels.chip(name)))
      : [el("span", { class: "muted", text: "none" })]),
  );
}

// A click on an arc marks its stance, in the text and in the list.
function pickStance(key) {
  V.arcs.select(key);
  for (const li of $("stance-list").children) li.classList.toggle("current", li.dataset.id === key);
}

function step(by) {
  if (!V.sets.length) return;
  show((V.current + by + V.sets.length) % V.sets.length);
}

async function load() {
  try {
    const [doc, sets, labels] = await Promise.all([
      api.documents.get(config.document),
      api.sets.list(config.document),
      api.labels.list(),
    ]);
    V.labels.load(labels.results);
    V.text = doc.text;
    V.offsets = new OffsetMap(V.text);
    V.view = new TextView($("text"), V.text, (item) => V.labels.color(item.label));
    V.arcs = new ArcLayer(V.view, { onPick: pickStance });
    V.sets = [...sets].sort((a, b) => RANK[a.kind] - RANK[b.kind] || a.id - b.id);
    $("set-choice").replaceChildren(
      ...V.sets.map((s, i) => el("option", { value: String(i), text: setName(s) })),
    );
    $("set-choice").disabled = V.sets.length === 0;
    const meta = [doc.external_id, doc.outlet, doc.published].filter(Boolean).join(" · ");
    $("doc-meta").textContent = `${meta} · ${doc.submitted} of ${doc.assigned} annotators submitted`;
    show(0);
    document.body.dataset.ready = "true";
    $("text").focus();
  } catch (error) {
    $("view-error").textContent = errorText(error);
    $("view-error").hidden = false;
  }
}

$("set-choice").addEventListener("change", (e) => show(Number(e.target.value)));
document.addEventListener("keydown", (e) => {
  if (e.target.closest("input, select, textarea") || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === "]") step(1);
  else if (e.key === "[") step(-1);
  else return;
  e.preventDefault();
});

load();
