// The network page: the discourse network of the gold statements, drawn as
// plain SVG with force.js's layout, and the statements behind a node.
//
// The form (kind, time window, concepts) reads the network API on every
// change; nodes are sized by their statements, edges sized by weight and
// coloured by sign. Every node is a focusable button: Tab walks them from the
// largest down, Enter or a click lists its statements with their text, Escape
// clears the choice. Text via textContent only.

import { Api, errorText } from "./api.js";
import { el, svg } from "./dom.js";
import { labelled, layout, radius, sign, strokeWidth } from "./force.js";
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
  const edges = network.edges.map((e) => {
    const a = at.get(e.source);
    const b = at.get(e.target);
    const detail = e.kind === "affiliation" ? ` (${e.support} support, ${e.oppose} oppose)` : "";
    return svg(
      "line",
      {
        class: `edge ${sign(e)}`,
        x1: a.x.toFixed(1),
        y1: a.y.toFixed(1),
        x2: b.x.toFixed(1),
        y2: b.y.toFixed(1),
        "stroke-width": strokeWidth(e.weight, heaviest).toFixed(2),
        "data-source": e.source,
        "data-target": e.target,
      },
      svg("title", {}, `${a.label} – ${b.label}: ${e.kind} ${e.weight}${detail}`),
    );
  });
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
      svg("text", { class: "label", x: p.x.toFixed(1), y: (p.y - r - 5).toFixed(1), "text-anchor": "middle" }, p.label),
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
  canvas.replaceChildren(svg("g", { class: "edges" }, ...edges), svg("g", { class: "nodes" }, ...nodes));
  // Hundreds of edges: fainter, so the nodes and the groups still read.
  canvas.classList.toggle("dense", edges.length > DENSE_EDGES);
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
  for (const node of canvas.querySelectorAll(".chosen, .near")) node.classList.remove("chosen", "near");
  canvas.classList.remove("focused");
  panel.hidden = true;
}

function mark(p) {
  clearChoice();
  canvas.classList.add("focused");
  canvas.querySelector(`.node[data-id="${CSS.escape(p.id)}"]`).classList.add("chosen");
  for (const line of canvas.querySelectorAll(".edge")) {
    const other = line.dataset.source === p.id ? line.dataset.target : line.dataset.target === p.id ? line.dataset.source : null;
    if (other === null) continue;
    line.classList.add("near");
    canvas.querySelector(`.node[data-id="${CSS.escape(other)}"]`).classList.add("near");
  }
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

// ------------------------------------------------------------------ wiring

form.addEventListener("change", refresh);
form.addEventListener("submit", (event) => {
  event.preventDefault();
  refresh();
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !panel.hidden) {
    const chosen = canvas.querySelector(".node.chosen");
    clearChoice();
    if (chosen) chosen.focus();
  }
});
$("statements-close").addEventListener("click", () => {
  const chosen = canvas.querySelector(".node.chosen");
  clearChoice();
  if (chosen) chosen.focus();
});
refresh();
