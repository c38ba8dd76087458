// A small force-directed layout for the network page, and the scales it
// draws with. Pure: plain data in, plain data out, no DOM.
//
// Fruchterman–Reingold: nodes near each other repel (within a few ideal edge
// lengths, so unlinked parts of the network do not push each other into the
// corners), every edge pulls its ends together (heavier edges harder), a pull
// to the centre keeps the parts together, and the steps shrink as the layout
// cools; the result is fitted into the frame. The start is a
// golden-angle spiral, not random, so the same network is always drawn the
// same way. O(n²) a step: a few hundred nodes lay out in well under a second,
// which is the scale of a discourse network (actors and concepts, not mentions).

const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));

export function layout(nodes, edges, { width = 1000, height = 700, iterations = 300, margin = 50 } = {}) {
  const n = nodes.length;
  const index = new Map(nodes.map((node, i) => [node.id, i]));
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const cx = width / 2;
  const cy = height / 2;
  for (let i = 0; i < n; i++) {
    const r = Math.sqrt((i + 0.5) / Math.max(n, 1));
    x[i] = cx + (r * width * Math.cos(i * GOLDEN_ANGLE)) / 2;
    y[i] = cy + (r * height * Math.sin(i * GOLDEN_ANGLE)) / 2;
  }
  const k = 0.9 * Math.sqrt((width * height) / Math.max(n, 1));
  const heaviest = Math.max(1, ...edges.map((e) => Math.abs(e.weight) || 1));
  const kept = edges.filter((e) => index.has(e.source) && index.has(e.target) && e.source !== e.target);
  const degree = new Float64Array(n);
  for (const e of kept) {
    degree[index.get(e.source)] += 1;
    degree[index.get(e.target)] += 1;
  }
  // A heavier edge pulls harder; a node with many edges feels each one less,
  // or a group who all agree would collapse into one blot.
  const links = kept.map((e) => {
    const [a, b] = [index.get(e.source), index.get(e.target)];
    const strength = (0.5 + (Math.abs(e.weight) || 1) / heaviest) / Math.sqrt(degree[a] * degree[b]);
    return [a, b, 2 * strength];
  });
  const reach = 9 * k * k; // repel within three ideal edge lengths
  const dx = new Float64Array(n);
  const dy = new Float64Array(n);
  let temperature = width / 8;
  for (let step = 0; step < iterations; step++) {
    dx.fill(0);
    dy.fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let ddx = x[i] - x[j];
        let ddy = y[i] - y[j];
        let d2 = ddx * ddx + ddy * ddy;
        if (d2 < 0.01) {
          // Two nodes on the same spot: part them along a fixed direction.
          ddx = 0.1 * (1 + (i % 3));
          ddy = 0.1 * (1 + (j % 3));
          d2 = ddx * ddx + ddy * ddy;
        }
        if (d2 > reach) continue;
        const f = (k * k) / d2;
        dx[i] += ddx * f;
        dy[i] += ddy * f;
        dx[j] -= ddx * f;
        dy[j] -= ddy * f;
      }
    }
    for (const [a, b, strength] of links) {
      const ddx = x[a] - x[b];
      const ddy = y[a] - y[b];
      const f = (Math.sqrt(ddx * ddx + ddy * ddy) / k) * strength;
      dx[a] -= ddx * f;
      dy[a] -= ddy * f;
      dx[b] += ddx * f;
      dy[b] += ddy * f;
    }
    for (let i = 0; i < n; i++) {
      dx[i] += (cx - x[i]) * 0.05;
      dy[i] += (cy - y[i]) * 0.05;
      const length = Math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]);
      if (length > 0) {
        const move = Math.min(length, temperature);
        x[i] += (dx[i] / length) * move;
        y[i] += (dy[i] / length) * move;
      }
    }
    temperature = Math.max(0.5, temperature * 0.97);
  }
  return fit(
    nodes.map((node, i) => ({ ...node, x: x[i], y: y[i] })),
    { width, height, margin },
  );
}

// Placed nodes moved and scaled (the same in both directions, at most
// doubled) to fill the frame but `margin` each side, centred.
export function fit(placed, { width = 1000, height = 700, margin = 50 } = {}) {
  if (!placed.length) return placed;
  const xs = placed.map((p) => p.x);
  const ys = placed.map((p) => p.y);
  const [left, top] = [Math.min(...xs), Math.min(...ys)];
  const spanX = Math.max(...xs) - left;
  const spanY = Math.max(...ys) - top;
  const scale = Math.min(2, (width - 2 * margin) / (spanX || 1), (height - 2 * margin) / (spanY || 1));
  const offsetX = (width - spanX * scale) / 2;
  const offsetY = (height - spanY * scale) / 2;
  return placed.map((p) => ({ ...p, x: offsetX + (p.x - left) * scale, y: offsetY + (p.y - top) * scale }));
}

// A node's radius: its area grows with its statements; the more nodes, the
// smaller the largest (22 units up to 30 nodes, down to 9).
export function radius(statements, most, count = 1) {
  const largest = Math.max(9, Math.min(22, 22 * Math.sqrt(30 / Math.max(1, count))));
  return 3 + (largest - 3) * Math.sqrt(statements / Math.max(1, most));
}

// An edge's stroke width: 1 to 7 by its weight against the heaviest.
export const strokeWidth = (weight, heaviest) => 1 + (6 * Math.abs(weight)) / Math.max(1, heaviest);

// The ids of the nodes labelled always: up to `limit`, those with the most
// statements first (ties by label), each only where its label would not
// cover one already placed; the others show theirs on hover and focus.
// Placed nodes carry x, y and r; a label sits above its node, about
// `charWidth` units a character wide and `lineHeight` tall.
export function labelled(placed, limit = 25, { charWidth = 7, lineHeight = 15 } = {}) {
  const ranked = [...placed].sort((a, b) => b.statements - a.statements || a.label.localeCompare(b.label));
  const boxes = [];
  const chosen = new Set();
  for (const p of ranked) {
    if (chosen.size >= limit) break;
    const width = p.label.length * charWidth;
    const box = { left: p.x - width / 2, right: p.x + width / 2, bottom: p.y - (p.r || 0) - 2 };
    box.top = box.bottom - lineHeight;
    const clash = boxes.some((b) => box.left < b.right && b.left < box.right && box.top < b.bottom && b.top < box.bottom);
    if (clash) continue;
    boxes.push(box);
    chosen.add(p.id);
  }
  return chosen;
}

// How an edge is coloured: congruence agrees, conflict disputes; an
// affiliation by its sign (more support than opposition, or less).
export function sign(edge) {
  if (edge.kind === "congruence") return "agree";
  if (edge.kind === "conflict") return "dispute";
  if (edge.weight > 0) return "agree";
  if (edge.weight < 0) return "dispute";
  return "mixed";
}

// Where the labels of a chosen node and its neighbours go, so that none
// covers another or a node of theirs: each, in the order given (the chosen
// node first), tries above its node, then below, right and left; a label
// that fits nowhere is left out (it shows on hover and focus). Placed nodes
// carry x, y and r. Returns Map id → {x, y, anchor} (anchor: the SVG
// text-anchor; y: the baseline).
export function placeLabels(nodes, { charWidth = 7, lineHeight = 15, gap = 5 } = {}) {
  const overlaps = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const obstacles = nodes.map((p) => ({ left: p.x - p.r, right: p.x + p.r, top: p.y - p.r, bottom: p.y + p.r }));
  const out = new Map();
  for (const p of nodes) {
    const width = p.label.length * charWidth;
    const ascent = lineHeight * 0.8;
    const middle = p.y + lineHeight * 0.3; // a baseline that centres the text on the node
    const candidates = [
      { x: p.x, y: p.y - p.r - gap, anchor: "middle", left: p.x - width / 2 },
      { x: p.x, y: p.y + p.r + gap + ascent, anchor: "middle", left: p.x - width / 2 },
      { x: p.x + p.r + gap, y: middle, anchor: "start", left: p.x + p.r + gap },
      { x: p.x - p.r - gap, y: middle, anchor: "end", left: p.x - p.r - gap - width },
    ];
    for (const c of candidates) {
      const box = { left: c.left, right: c.left + width, top: c.y - ascent, bottom: c.y + lineHeight * 0.2 };
      const own = { left: p.x - p.r, right: p.x + p.r, top: p.y - p.r, bottom: p.y + p.r };
      if (obstacles.some((o) => overlaps(box, o) && !(o.left === own.left && o.top === own.top && o.right === own.right))) continue;
      obstacles.push(box);
      out.set(p.id, { x: c.x, y: c.y, anchor: c.anchor });
      break;
    }
  }
  return out;
}
