// The project dashboard's agreement section: figures, a bar chart per label
// and an annotator × annotator heatmap, drawn as inline SVG with DOM APIs
// from GET agreement/. Every figure shows the number of items it rests on,
// or "not computable" with the reason the API gives. Text via textContent.

import { Api, NetworkError, errorText } from "./api.js";
import { el, svg } from "./dom.js";
import { plural } from "./plural.js";

const config = JSON.parse(document.getElementById("accord-config").textContent);
const api = new Api(config.api);
const $ = (id) => document.getElementById(id);

// Scales down to the card's width, never up.
function fit(width, height) {
  return { viewBox: `0 0 ${width} ${height}`, width: "100%", style: { "max-width": `${width}px` } };
}

export const fmt = (value, digits = 3) => value.toFixed(digits);

function figure(name, result, item = "item", items = undefined) {
  const box = el("div", { class: "figure" });
  box.dataset.figure = name;
  box.append(el("div", { class: "name", text: name }));
  if (result.value == null) {
    box.append(el("div", { class: "value na", text: `not computable: ${result.reason}` }));
  } else {
    box.append(el("div", { class: "value", text: fmt(result.value) }));
  }
  box.append(el("div", { class: "items", text: plural(result.items, item, items) }));
  return box;
}

function drawFigures(report) {
  const { spans, tokens, stances, actors } = report;
  $("figures").replaceChildren(
    figure("Span F1, exact", spans.f1_exact, "span"),
    figure("Span F1, partial", spans.f1_partial, "span"),
    figure("Krippendorff's α (tokens)", tokens.krippendorff_alpha, "pairable value"),
    figure("Fleiss' κ (tokens)", tokens.fleiss_kappa, "token"),
    figure("Mean Cohen's κ (tokens)", tokens.cohen_kappa, "token pair"),
    figure("Stance F1", stances.f1, "stance"),
    figure("Stance polarity κ", stances.polarity_kappa, "matched stance pair"),
    figure("Actor links agree", actors.link_agreement, "linked span pair"),
    figure(
      "Stance on concept F1", report.concept_stances.f1, "stance on a concept", "stances on concepts",
    ),
    figure(
      "Concept stance polarity κ", report.concept_stances.polarity_kappa,
      "pair matched on holder and concept", "pairs matched on holder and concept",
    ),
  );
}

// One row per category group: α (nominal for a group that takes one
// category, MASI-weighted for one that takes several) and κ (Cohen's for
// two annotators, Fleiss' for more), each with what it rests on or why it
// cannot be computed.
function measureCell(result, item, items) {
  const cell = el("td", { class: "num" });
  if (result.value == null) {
    cell.append(el("span", { class: "na", text: `not computable: ${result.reason}` }));
  } else {
    cell.append(el("strong", { text: fmt(result.value) }));
  }
  cell.append(el("div", { class: "muted small", text: plural(result.items, item, items) }));
  return cell;
}

function drawCategories(categories) {
  const host = $("category-agreement");
  const groups = Object.entries(categories);
  if (!groups.length) {
    host.replaceChildren(el("p", { class: "muted", text: "This project has no category groups." }));
    return;
  }
  const KAPPA = { cohen: "Cohen's κ", fleiss: "Fleiss' κ" };
  const rows = groups.map(([name, g]) => {
    const row = el(
      "tr", {},
      el("th", { scope: "row", text: name }),
      el("td", { text: g.multiple ? "several" : "one" }),
      measureCell(g.alpha, "document"),
      el("td", { class: "muted small", text: g.alpha.distance === "masi" ? "MASI" : "nominal" }),
      measureCell(g.kappa, "document"),
      el("td", { class: "muted small", text: KAPPA[g.kappa.measure] || "—" }),
    );
    row.dataset.group = name;
    return row;
  });
  host.replaceChildren(
    el(
      "table", { class: "compact categories", id: "category-table" },
      el(
        "thead", {},
        el(
          "tr", {},
          ...["Group", "Takes", "α", "α distance", "κ", "κ measure"].map((h) =>
            el("th", { scope: "col", text: h })),
        ),
      ),
      el("tbody", {}, ...rows),
    ),
  );
}

// Horizontal bars: for each label, exact and partial F1 on a 0–1 scale, the
// value at the end of each bar, the support in a column of its own at the
// right (wide enough that a value at 1.000 never reaches it), the legend
// under the bars, clear of the axis.
function drawLabelChart(perLabel) {
  const labels = Object.keys(perLabel);
  const host = $("label-chart");
  if (!labels.length) {
    host.replaceChildren(el("p", { class: "muted", text: "No spans to compare yet." }));
    return;
  }
  const left = 90;
  const width = 300;
  const right = 150;
  const rowH = 38;
  const top = 22;
  const bottom = top + labels.length * rowH;
  const height = bottom + 26;
  const root = svg("svg", {
    ...fit(left + width + right, height), role: "img", id: "label-chart-svg",
    "aria-label": "Span F1 per label, exact and partial",
  });
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    const x = left + t * width;
    root.append(svg("line", { x1: x, x2: x, y1: top - 4, y2: bottom, stroke: "#e3e6ea" }));
    root.append(svg("text", { x, y: 12, "text-anchor": "middle", class: "muted" }, String(t)));
  }
  labels.forEach((label, i) => {
    const row = perLabel[label];
    const y = top + i * rowH;
    const g = svg("g", { "data-label": label });
    g.append(svg("text", { x: left - 8, y: y + 19, "text-anchor": "end", "font-weight": 600 }, label));
    [["exact", row.f1_exact, "#2563eb", 0], ["partial", row.f1_partial, "#93c5fd", 15]].forEach(
      ([kind, result, color, dy]) => {
        const by = y + 4 + dy;
        if (result.value == null) {
          g.append(svg("text", { x: left + 4, y: by + 10, class: "na", "data-kind": kind },
            `${kind}: not computable: ${result.reason}`));
          return;
        }
        const w = Math.max(1, result.value * width);
        const bar = svg("rect", { x: left, y: by, width: w, height: 12, fill: color, rx: 2, "data-kind": kind });
        bar.append(svg("title", {}, `${label} ${kind} F1 ${fmt(result.value)} over ${plural(result.items, "span")}`));
        g.append(bar);
        g.append(svg("text", { x: left + w + 4, y: by + 10, "data-kind": kind, class: "value" },
          `${kind[0]} ${fmt(result.value)}`));
      },
    );
    g.append(svg("text", { x: left + width + right - 4, y: y + 19, "text-anchor": "end", class: "muted support" },
      `support ${row.support}`));
    root.append(g);
  });
  const legend = svg("g", { class: "legend" });
  const ly = bottom + 10;
  legend.append(svg("rect", { x: left, y: ly, width: 10, height: 10, fill: "#2563eb" }));
  legend.append(svg("text", { x: left + 14, y: ly + 9, class: "muted" }, "exact"));
  legend.append(svg("rect", { x: left + 64, y: ly, width: 10, height: 10, fill: "#93c5fd" }));
  legend.append(svg("text", { x: left + 78, y: ly + 9, class: "muted" }, "partial"));
  root.append(legend);
  host.replaceChildren(root);
}

// White (0) to green (1).
function heat(value) {
  const mix = (a, b) => Math.round(a + (b - a) * value);
  return `rgb(${mix(255, 21)},${mix(255, 128)},${mix(255, 61)})`;
}

// The annotator table's last figure: each annotator's mean exact span F1 with
// the others, from the same pairs as the matrix (names match the table's).
function fillAgreementColumn(pairs) {
  for (const row of document.querySelectorAll("#annotator-table tbody tr")) {
    const name = row.dataset.name;
    const values = pairs
      .filter((p) => (p.a === name || p.b === name) && p.f1_exact.value != null)
      .map((p) => p.f1_exact.value);
    const cell = row.querySelector(".agreement-cell");
    if (!values.length) continue;
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    cell.textContent = fmt(mean, 2);
    cell.title = `Mean exact span F1 over ${plural(values.length, "pair")}`;
  }
}

function drawMatrix(annotators, pairs) {
  const host = $("pair-matrix");
  if (annotators.length < 2) {
    host.replaceChildren(el("p", { class: "muted", text: "Fewer than two annotators: no pair to compare." }));
    return;
  }
  const byPair = new Map();
  for (const p of pairs) {
    byPair.set(`${p.a}\u0000${p.b}`, p);
    byPair.set(`${p.b}\u0000${p.a}`, p);
  }
  const cell = 58;
  const left = 110;
  const top = 26;
  const n = annotators.length;
  const root = svg("svg", {
    ...fit(left + n * cell + 4, top + n * cell + 4), role: "img", id: "pair-matrix-svg",
    "aria-label": "Pairwise exact span F1 between annotators",
  });
  annotators.forEach((name, i) => {
    root.append(svg("text", { x: left + i * cell + cell / 2, y: 16, "text-anchor": "middle", "font-weight": 600 }, name));
    root.append(svg("text", { x: left - 8, y: top + i * cell + cell / 2 + 4, "text-anchor": "end", "font-weight": 600 }, name));
  });
  annotators.forEach((a, i) => {
    annotators.forEach((b, j) => {
      const x = left + j * cell;
      const y = top + i * cell;
      const g = svg("g", { class: "cell", "data-a": a, "data-b": b });
      const pair = i === j ? null : byPair.get(`${a}\u0000${b}`);
      const result = pair && pair.f1_exact;
      let fill = "#f3f4f6";
      let label = "—";
      let title = `${a}`;
      if (pair && result.value != null) {
        fill = heat(result.value);
        label = fmt(result.value, 2);
        title = `${a} × ${b}: exact F1 ${fmt(result.value)} over ${plural(pair.documents, "document")} (${plural(result.items, "span")})`;
      } else if (pair) {
        label = "n/a";
        title = `${a} × ${b}: not computable: ${result.reason}`;
      } else if (i !== j) {
        title = `${a} × ${b}: no shared document`;
      }
      const rect = svg("rect", { x: x + 1, y: y + 1, width: cell - 2, height: cell - 2, fill, rx: 3 });
      g.append(rect, svg("title", {}, title));
      const dark = pair && result.value != null && result.value > 0.6;
      g.append(svg("text", {
        x: x + cell / 2, y: y + cell / 2 + 4, "text-anchor": "middle",
        class: dark ? "value on-dark" : "value",
      }, label));
      root.append(g);
    });
  });
  host.replaceChildren(root);
}

async function start() {
  let report;
  try {
    report = await api.agreement.get();
  } catch (error) {
    $("agreement-state").textContent = error instanceof NetworkError
      ? errorText(error) : `Agreement could not be computed: ${errorText(error)}`;
    return;
  }
  $("agreement-scope").textContent =
    `${plural(report.documents, "document")} with two or more submitted sets · ` +
    plural(report.annotators.length, "annotator");
  $("agreement-state").textContent = report.documents
    ? "" : "No document has two submitted sets yet: the figures below say what is missing.";
  $("agreement-state").hidden = report.documents > 0;
  drawFigures(report);
  drawCategories(report.categories);
  drawLabelChart(report.spans.per_label);
  drawMatrix(report.annotators, report.spans.pairs);
  fillAgreementColumn(report.spans.pairs);
  document.body.dataset.ready = "true";
}

start();
