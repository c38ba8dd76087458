// Stances drawn in the text, on both text screens: an arc from the holder to
// the target with an arrow onto the target, labelled with its polarity in
// the polarity's colour, on an SVG overlay above the text (render.js).
//
// How it stays legible with dozens of stances and overlapping spans:
// - An arc lives in the gap above its line (the text's line height grows by
//   LEVELS levels when there are stances): it rises from the top of the
//   holder's first box, runs level, and comes down onto the target's.
// - A stance across lines is cut in two halves, as brat does: from the
//   holder to the end of its line, and from the start of the target's line
//   onto the target. Nothing runs through the margin or across other lines,
//   so the text between them stays clear; hovering or selecting lights both.
// - Within a line, pieces are stacked in levels, narrower ones lower, so
//   nested arcs never cross and no two labels of a level overlap. Past
//   LEVELS levels a piece is drawn on the top level, faded until it is
//   hovered or selected (the side list still shows it in full).
// - Positions are the boxes the browser laid out (Range.getClientRects), so
//   right-to-left text is followed as it is seen, not in logical order.
// - Windowed: only stances with an end within a screen of what is visible
//   are measured and drawn; scrolling draws the rest, an edit or a resize
//   redraws the window (a few dozen arcs, not the document's hundreds).
// Nothing is written as a style attribute (CSP): SVG geometry is attributes,
// sizes go through element.style.

import { svg } from "./dom.js";
import { isRtl } from "./render.js";

export const LEVELS = 3;
const STEP = 11; // px between levels: more than a label's height
const RISE = 7; // px from the top of a word's box to the lowest level (clears the tags)
const LABEL_PX = 6.2; // average width of a label character, to keep labels apart

// The stance in words, for tooltips and rows: “holder” POLARITY “target”, cue “…”.
export function stanceTitle(holder, polarity, target, cue) {
  return `“${holder}” ${polarity} “${target}”${cue ? `, cue “${cue}”` : ""}`;
}

// Levels per line: narrower pieces first, each on the lowest level where
// neither its run nor its label meets a piece already placed. Pure: each
// piece {line, from, to, arc: {label}} gets lo, hi, level, crowded and y.
export function stackPieces(pieces) {
  const lines = [];
  pieces.sort((a, b) => a.line - b.line);
  for (const p of pieces) {
    const last = lines[lines.length - 1];
    if (last && p.line - last.line < 6) last.pieces.push(p);
    else lines.push({ line: p.line, pieces: [p] });
  }
  for (const { line, pieces: mine } of lines) {
    const levels = [];
    for (const p of mine) {
      const half = (p.arc.label.length * LABEL_PX) / 2 + 3;
      const mid = (p.from + p.to) / 2;
      p.lo = Math.min(p.from, p.to, mid - half);
      p.hi = Math.max(p.from, p.to, mid + half);
    }
    mine.sort((a, b) => a.hi - a.lo - (b.hi - b.lo));
    for (const p of mine) {
      let level = 0;
      while (level < levels.length && levels[level].some((q) => q.lo < p.hi && p.lo < q.hi)) level++;
      (levels[level] ||= []).push(p);
      p.level = level;
      p.crowded = level >= LEVELS;
      p.y = line - RISE - Math.min(level, LEVELS - 1) * STEP;
    }
  }
}

export class ArcLayer {
  // view: a TextView (render.js); onPick(key): an arc was clicked.
  constructor(view, { onPick }) {
    this.view = view;
    this.text = view.el;
    this.pane = this.text.parentElement; // the scrolling pane around the text
    this.pane.classList.add("arc-host");
    this.svg = svg("svg", { class: "arcs", "aria-hidden": "true" });
    this.pane.appendChild(this.svg);
    this.arcs = [];
    this.selected = null;
    this.queued = false;
    this.drawnAt = null; // the pane's scrollTop at the last draw
    this.svg.addEventListener("click", (e) => {
      const g = e.target.closest("g.arc");
      if (g) onPick(g.dataset.key);
    });
    this.pane.addEventListener("scroll", () => {
      const h = this.pane.clientHeight;
      if (this.drawnAt == null || Math.abs(this.pane.scrollTop - this.drawnAt) > h / 2) this.schedule();
    }, { passive: true });
    new ResizeObserver(() => this.schedule()).observe(this.text);
  }

  // arcs: [{key, hs, he, ts, te, label, color, dashed}], UTF-16 offsets of the
  // holder [hs, he) and the target [ts, te). Drawn at the next frame.
  set(arcs) {
    this.arcs = arcs;
    this.text.classList.toggle("has-arcs", arcs.length > 0);
    this.schedule();
  }

  select(key) {
    this.selected = key;
    for (const g of this.svg.querySelectorAll("g.arc.sel")) g.classList.remove("sel");
    for (const g of this.groups(key)) {
      g.classList.add("sel");
      this.svg.appendChild(g); // on top of the others
    }
  }

  // Light the arc of a hovered row (key), or none (null).
  hover(key) {
    for (const g of this.svg.querySelectorAll("g.arc.hot")) g.classList.remove("hot");
    for (const g of this.groups(key)) g.classList.add("hot");
  }

  groups(key) {
    return key == null ? [] : this.svg.querySelectorAll(`g.arc[data-key="${CSS.escape(key)}"]`);
  }

  schedule() {
    if (this.queued) return;
    this.queued = true;
    requestAnimationFrame(() => {
      this.queued = false;
      this.draw();
    });
  }

  draw() {
    const pane = this.pane;
    const origin = pane.getBoundingClientRect();
    const dx = pane.scrollLeft - origin.left;
    const dy = pane.scrollTop - origin.top;
    const height = pane.clientHeight;
    // The window, in viewport coordinates: a screen above and below the visible part.
    const top = origin.top - height;
    const bottom = origin.bottom + height;
    this.svg.style.width = `${pane.scrollWidth}px`;
    this.svg.style.height = `${this.text.offsetTop + this.text.offsetHeight}px`;
    this.drawnAt = pane.scrollTop;
    const pieces = [];
    for (const arc of this.arcs) {
      const near = (u) => {
        const seg = this.view.segmentAt(u);
        if (!seg) return false;
        const r = seg.el.getBoundingClientRect();
        return r.bottom >= top && r.top <= bottom;
      };
      if (!near(arc.hs) && !near(arc.ts)) continue;
      const h = this.box(arc.hs, arc.he);
      const t = this.box(arc.ts, arc.te);
      if (!h || !t) continue;
      const hx = (h.left + h.right) / 2 + dx;
      const tx = (t.left + t.right) / 2 + dx;
      const hy = h.top + dy;
      const ty = t.top + dy;
      if (Math.abs(h.top - t.top) < h.height / 2) {
        pieces.push({ arc, line: Math.min(hy, ty), from: hx, to: tx, fromY: hy, toY: ty, arrow: true, tail: true });
        continue;
      }
      // Across lines: each half runs to its line's edge; the earlier line's
      // half to the line's end, the later one's from the line's start.
      const holderFirst = arc.hs < arc.ts;
      const edge = (u, atEnd) => {
        const block = this.view.chunks[this.view.chunkAt(u)].block;
        const r = block.el.getBoundingClientRect();
        const rtl = isRtl(this.view.text.slice(block.start, Math.min(block.end, block.start + 200)));
        return (atEnd !== rtl ? r.right : r.left) + dx;
      };
      pieces.push({ arc, line: hy, from: hx, to: edge(arc.hs, holderFirst), fromY: hy, arrow: false, tail: true });
      pieces.push({ arc, line: ty, from: edge(arc.ts, !holderFirst), to: tx, toY: ty, arrow: true, tail: false });
    }
    stackPieces(pieces);
    const frag = document.createDocumentFragment();
    let selected = [];
    for (const p of pieces) {
      const g = this.piece(p);
      if (p.arc.key === this.selected) selected.push(g);
      else frag.appendChild(g);
    }
    for (const g of selected) frag.appendChild(g);
    this.svg.replaceChildren(frag);
  }

  // The first box of [s, e): where an arc leaves or lands.
  box(s, e) {
    if (e <= s) return null;
    const rects = this.view.range(s, e).getClientRects();
    for (const r of rects) if (r.width > 0) return r;
    return rects[0] || null;
  }

  piece(p) {
    const { arc } = p;
    const classes = ["arc"];
    if (arc.dashed) classes.push("dashed");
    if (p.crowded) classes.push("crowded");
    if (arc.key === this.selected) classes.push("sel");
    const g = svg("g", { class: classes.join(" ") });
    g.dataset.key = arc.key;
    const r = 3; // corner radius
    const dir = p.to >= p.from ? 1 : -1;
    let d = p.tail
      ? `M${p.from} ${p.fromY} V${p.y + r} Q${p.from} ${p.y} ${p.from + dir * r} ${p.y}`
      : `M${p.from} ${p.y}`;
    d += p.arrow ? ` H${p.to - dir * r} Q${p.to} ${p.y} ${p.to} ${p.y + r} V${p.toY - 1}` : ` H${p.to}`;
    g.append(svg("path", { class: "hit", d }), svg("path", { class: "line", d, stroke: arc.color }));
    if (p.arrow) {
      const y = p.toY - 1;
      g.append(svg("path", { class: "head", d: `M${p.to - 3.5} ${y - 5}L${p.to + 3.5} ${y - 5}L${p.to} ${y}Z`, fill: arc.color }));
    }
    g.append(
      svg("text", { class: "arc-label", x: (p.from + p.to) / 2, y: p.y, fill: arc.color, text: arc.label }),
      svg("title", { text: arc.title || arc.label }),
    );
    return g;
  }
}
