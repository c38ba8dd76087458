// The network page: the discourse network of the gold statements, drawn as
// plain SVG with force.js's layout, and the statements behind a node or an edge.
//
// The form (kind, time window, concepts) reads the network API on every
// change; nodes are sized by their statements, edges sized by weight and
// coloured by sign. Every node is a focusable button: Tab walks them from the
// largest down, Enter or a click lists its statements with their text, Escape
// clears the choice. An edge is clicked on the drawing, or chosen by keyboard
// from the edge list below it: it lists both actors' statements on the
// concepts that tie them (an affiliation edge: the actor's on the concept).
// The chosen node's and its neighbours' labels are placed so that none
// covers another (force.js's placeLabels); one that fits nowhere shows on
// hover and focus. Text via textContent only.

import { Api, errorText } from "./api.js";
import { el, svg } from "./dom.js";
import { labelled, layout, placeLabels, radius, sign, strokeWidth } from "./force.js";
import { plural } from "./plural.js";

const config = JSON.parse(document.getElementById("accord-config").textContent);
const api = new Api(config.api);
const $ = (id) => document.getElementById(id);
const form = $("network-form");
const canvas = $("network");
const state = $("network-state");
const panel = $("statements");
// The drawing's frame, in SVG units (the template's viewBox): labels and
// nodes keep their size whatever the network's.
const WIDTH = 1000;
const HEIGHT = 640;
const DENSE_EDGES = 300;
let asked = 0; // the latest request, so a slow answer never overwrites a newer one
let drawn = { at: new Map(), kind: "congruence" }; // the placed nodes by id, and the network's kind

const KIND_WORDS = {
  congruence: "ties two actors by the concepts they take the same position on",
  conflict: "ties two actors by the concepts they take opposite positions on",
  affiliation: "ties actors to the concepts they take a position on",
};

function params() {
  const chosen = [...$("n-concepts").selectedOptions].map((o) => o.value);
  const out = {};
  if ($("n-start").value) out.start = $("n-start").value;
  if ($("n-end").value) out.end = $("n-end").value;
  if (chosen.length) out.concepts = chosen.join(",");
  return out;
}

// ------------------------------------------------------------------ drawing

function draw(network) {
  const placed = layout(network.nodes, network.edges, { width: WIDTH, height: HEIGHT, margin: 60 });
  const at = new Map(placed.map((p) => [p.id, p]));
  const most = Math.max(1, ...placed.map((p) => p.statements));
  const heaviest = Math.max(1, ...network.edges.map((e) => Math.abs(e.weight)));
  for (const p of placed) p.r = radius(p.statements, most, placed.length);
  const named = labelled(placed);
  drawn = { at, kind: network.kind };
  const edges = [];
  const hits = [];
  network.edges.forEach((e, index) => {
    const a = at.get(e.source);
    const b = at.get(e.target);
    const ends = { x1: a.x.toFixed(1), y1: a.y.toFixed(1), x2: b.x.toFixed(1), y2: b.y.toFixed(1) };
    edges.push(svg(
      "line",
      {
        class: `edge ${sign(e)}`,
        ...ends,
        "stroke-width": strokeWidth(e.weight, heaviest).toFixed(2),
        "data-source": e.source,
        "data-target": e.target,
        "data-edge": index,
      },
    ));
    // A wider, invisible twin takes the pointer: a thin edge is easy to miss.
    const hit = svg("line", { class: "edge-hit", ...ends, "data-edge": index }, svg("title", {}, edgeTitle(e, a, b)));
    hit.addEventListener("click", () => chooseEdge(e));
    hits.push(hit);
  });
  edgeList(network.edges, at);
  // Largest first: the tab order, and small nodes paint over large ones.
  const order = [...placed].sort((a, b) => b.statements - a.statements || a.label.localeCompare(b.label));
  const nodes = order.map((p) => {
    const r = p.r;
    const shape =
      p.kind === "concept"
        ? svg("rect", { class: "shape", x: (p.x - r).toFixed(1), y: (p.y - r).toFixed(1), width: (2 * r).toFixed(1), height: (2 * r).toFixed(1), rx: 4 })
        : svg("circle", { class: "shape", cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: r.toFixed(1) });
    const node = svg(
      "g",
      {
        class: `node ${p.kind}${named.has(p.id) ? " named" : ""}`,
        tabindex: "0",
        role: "button",
        "aria-label": `${p.label}, ${p.kind}, ${plural(p.statements, "statement")}`,
        "data-id": p.id,
      },
      shape,
      svg("text", { class: "label", x: p.x.toFixed(1), y: (p.y - r - 5).toFixed(1), "text-anchor": "middle",
        "data-x": p.x.toFixed(1), "data-y": (p.y - r - 5).toFixed(1) }, p.label),
    );
    node.addEventListener("click", () => choose(p));
    node.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        choose(p);
      }
    });
    return node;
  });
  canvas.replaceChildren(svg("g", { class: "edges" }, ...edges), svg("g", { class: "edge-hits" }, ...hits),
    svg("g", { class: "nodes" }, ...nodes));
  // Hundreds of edges: fainter, so the nodes and the groups still read.
  canvas.classList.toggle("dense", edges.length > DENSE_EDGES);
}

function edgeTitle(e, a, b) {
  const detail = e.kind === "affiliation" ? ` (${e.support} support, ${e.oppose} oppose)` : "";
  return `${a.label} – ${b.label}: ${e.kind} ${e.weight}${detail}`;
}

// The edges as buttons, heaviest first: the keyboard's way to an edge.
function edgeList(edges, at) {
  const list = $("edge-list");
  const order = [...edges].sort((x, y) => Math.abs(y.weight) - Math.abs(x.weight)
    || at.get(x.source).label.localeCompare(at.get(y.source).label)
    || at.get(x.target).label.localeCompare(at.get(y.target).label));
  list.replaceChildren(...order.map((e) => {
    const a = at.get(e.source);
    const b = at.get(e.target);
    return el("li", {}, el("button", {
      type: "button",
      class: `link edge-choice ${sign(e)}`,
      "data-source": e.source,
      "data-target": e.target,
      text: edgeTitle(e, a, b),
      on: { click: () => chooseEdge(e) },
    }));
  }));
  $("edges-summary").textContent = `Edges (${edges.length}): choose one to list its statements`;
  $("edges-box").hidden = !edges.length;
}

async function refresh() {
  const kind = $("n-kind").value;
  $("n-kind-help").textContent = `The ${kind} network ${KIND_WORDS[kind]}.`;
  const mine = ++asked;
  state.textContent = "Loading…";
  form.dataset.state = "loading";
  let network;
  try {
    network = await api.networks.get({ kind, ...params() });
  } catch (error) {
    if (mine !== asked) return;
    state.textContent = errorText(error);
    form.dataset.state = "error";
    document.body.dataset.ready = "true";
    return;
  }
  if (mine !== asked) return;
  draw(network);
  clearChoice();
  const counts = [plural(network.statements, "statement")];
  if (network.statements_without_actor) {
    counts.push(`${plural(network.statements_without_actor, "claim")} whose holder is linked to no actor, left out`);
  }
  const shape = `${plural(network.nodes.length, "node")}, ${plural(network.edges.length, "edge")}`;
  state.textContent = network.edges.length
    ? `${shape} from ${counts.join("; ")}.`
    : `Nothing to draw: ${counts.join("; ")} in this window${network.statements ? ", and no two of them meet" : ""}.`;
  $("legend-affiliation").hidden = kind !== "affiliation";
  $("legend-actors").hidden = kind === "affiliation";
  form.dataset.state = "ready";
  document.body.dataset.ready = "true";
}

// ------------------------------------------------------------------ statements

function clearChoice() {
  for (const node of canvas.querySelectorAll(".chosen, .near, .unplaced")) node.classList.remove("chosen", "near", "unplaced");
  // Labels back above their nodes.
  for (const label of canvas.querySelectorAll(".node .label")) {
    label.setAttribute("x", label.dataset.x);
    label.setAttribute("y", label.dataset.y);
    label.setAttribute("text-anchor", "middle");
  }
  for (const button of document.querySelectorAll(".edge-choice[aria-pressed]")) button.removeAttribute("aria-pressed");
  canvas.classList.remove("focused");
  panel.hidden = true;
}

const nodeOf = (id) => canvas.querySelector(`.node[data-id="${CSS.escape(id)}"]`);

// Labels of the nodes standing out (chosen first, then the largest), placed
// apart; those that fit nowhere are shown on hover and focus only.
function placeMarked(ids) {
  const nodes = ids.map((id) => drawn.at.get(id)).filter(Boolean);
  const [first, ...rest] = nodes;
  const ordered = first ? [first, ...rest.sort((a, b) => b.statements - a.statements || a.label.localeCompare(b.label))] : [];
  const places = placeLabels(ordered);
  for (const p of ordered) {
    const node = nodeOf(p.id);
    const label = node.querySelector(".label");
    const place = places.get(p.id);
    node.classList.toggle("unplaced", !place);
    if (!place) continue;
    label.setAttribute("x", place.x.toFixed(1));
    label.setAttribute("y", place.y.toFixed(1));
    label.setAttribute("text-anchor", place.anchor);
  }
}

function mark(p) {
  clearChoice();
  canvas.classList.add("focused");
  nodeOf(p.id).classList.add("chosen");
  const near = [];
  for (const line of canvas.querySelectorAll(".edge")) {
    const other = line.dataset.source === p.id ? line.dataset.target : line.dataset.target === p.id ? line.dataset.source : null;
    if (other === null) continue;
    line.classList.add("near");
    nodeOf(other).classList.add("near");
    near.push(other);
  }
  placeMarked([p.id, ...new Set(near)]);
}

function markEdge(e) {
  clearChoice();
  canvas.classList.add("focused");
  for (const id of [e.source, e.target]) nodeOf(id).classList.add("chosen");
  for (const line of canvas.querySelectorAll(".edge")) {
    if (line.dataset.source === e.source && line.dataset.target === e.target) line.classList.add("near", "chosen");
  }
  for (const button of document.querySelectorAll(".edge-choice")) {
    if (button.dataset.source === e.source && button.dataset.target === e.target) button.setAttribute("aria-pressed", "true");
  }
  placeMarked([e.source, e.target]);
}

function statementItem(row) {
  const doc = row.document;
  return el(
    "li",
    { class: "statement" },
    el(
      "p",
      { class: "small meta" },
      el("a", { href: doc.url }, doc.title || doc.external_id),
      doc.published ? ` · ${doc.published}` : "",
    ),
    el(
      "p",
      { class: "claim" },
      el("strong", {}, row.actor.name),
      " ",
      el("span", { class: `position pos-${row.position.toLowerCase()}` }, row.position),
      " ",
      el("em", {}, row.concept.name),
    ),
    el(
      "blockquote",
      { class: "snippet" },
      row.clipped_before ? "…" : "",
      row.before,
      el("mark", {}, row.text),
      row.after,
      row.clipped_after ? "…" : "",
    ),
  );
}

async function listStatements(query, list, page = 1) {
  const body = await api.networks.statements({ ...params(), ...query, page });
  list.append(...body.results.map(statementItem));
  $("statements-more").hidden = !body.next;
  $("statements-more").onclick = () => listStatements(query, list, page + 1).catch(showPanelError);
  return body;
}

function showPanelError(error) {
  $("statements-state").textContent = errorText(error);
}

async function choose(p) {
  mark(p);
  panel.hidden = false;
  $("statements-title").textContent = `Statements ${p.kind === "concept" ? "on" : "of"} ${p.label}`;
  const list = $("statement-list");
  list.replaceChildren();
  $("statements-state").textContent = "Loading…";
  $("statements-more").hidden = true;
  const query = p.kind === "concept" ? { concept: p.ref } : { actor: p.ref };
  try {
    const body = await listStatements(query, list);
    $("statements-state").textContent = plural(body.count, "statement");
  } catch (error) {
    showPanelError(error);
  }
}

// An edge: both actors' statements on the concepts that tie them in this
// network, or an affiliation's actor on its concept.
async function chooseEdge(e) {
  markEdge(e);
  const a = drawn.at.get(e.source);
  const b = drawn.at.get(e.target);
  panel.hidden = false;
  $("statements-title").textContent = `Statements behind ${a.label} – ${b.label}`;
  const list = $("statement-list");
  list.replaceChildren();
  $("statements-state").textContent = "Loading…";
  $("statements-more").hidden = true;
  let query;
  if (e.kind === "affiliation") {
    const [actor, concept] = a.kind === "concept" ? [b, a] : [a, b];
    query = { actor: actor.ref, concept: concept.ref };
  } else {
    query = { actors: `${a.ref},${b.ref}`, kind: e.kind };
  }
  try {
    const body = await listStatements(query, list);
    const words = { congruence: "the same position", conflict: "opposite positions", affiliation: "" }[e.kind];
    $("statements-state").textContent = e.kind === "affiliation" ? plural(body.count, "statement")
      : `${plural(body.count, "statement")} on the ${plural(e.weight, "concept")} on which they take ${words}`;
  } catch (error) {
    showPanelError(error);
  }
}

// ------------------------------------------------------------------ wiring

form.addEventListener("change", refresh);
form.addEventListener("submit", (event) => {
  event.preventDefault();
  refresh();
});
// Closing gives the focus back to what was chosen: the edge's button, or the node.
function closePanel() {
  const chosen = document.querySelector(".edge-choice[aria-pressed]") || canvas.querySelector(".node.chosen");
  clearChoice();
  if (chosen) chosen.focus();
}
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !panel.hidden) closePanel();
});
$("statements-close").addEventListener("click", closePanel);
refresh();
