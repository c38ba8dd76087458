// Draws the text with its spans. The text is cut into blocks at line breaks
// (each its own layout unit, so a change re-lays out one paragraph, not the
// document), and a paragraph longer than CHUNK characters into chunks that
// end at a sentence end (or a space) after CHUNK characters. A chunk is its
// own block, so a change lays out one chunk: a document without line breaks
// is neither rebuilt nor laid out whole (the browser lays out a paragraph
// whole). The price: such a paragraph shows a line end at each chunk's last
// sentence. The chunks of one paragraph keep its direction (its first strong
// letter, as unicode-bidi: plaintext decides for a paragraph). Inside a
// chunk, the boundaries of every span are swept once to cut the text into
// segments. Each span gets a nesting layer, drawn as its
// own underline band, so nested and overlapping spans stay legible.
// Offsets here are UTF-16; all text goes in through textContent.

const BAND = 4; // px per layer
const CHUNK = 1500; // UTF-16 units: a chunk ends at the first sentence end after this many
const SENTENCE_END = /[.!?؟。]["'”’)\]]*\s/g;
const SPACE = /\s/g;

const RTL = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;
const STRONG = /\p{L}/u;

// A paragraph's direction as unicode-bidi: plaintext resolves it: its first strong letter.
export function isRtl(text) {
  const m = STRONG.exec(text);
  return Boolean(m && RTL.test(m[0]));
}

// Where the chunk starting at `a` of a paragraph ending at `end` ends: after
// the first sentence end (else space) past CHUNK characters.
function chunkEnd(text, a, end) {
  if (end - a <= CHUNK * 1.25) return end;
  for (const re of [SENTENCE_END, SPACE]) {
    re.lastIndex = a + CHUNK;
    const m = re.exec(text);
    if (m && m.index + m[0].length < end && m.index < a + 3 * CHUNK) return m.index + m[0].length;
  }
  return end;
}

function bands(items, colorOf) {
  // One background image per covering item, outermost layer lowest.
  const images = [];
  const positions = [];
  for (const item of items) {
    const c = colorOf(item);
    // A suggestion's band is as strong as its model is sure (weight 0 to 1).
    const w = item.it?.weight;
    const p = w == null ? c : `${c}${Math.round(64 + 191 * w).toString(16).padStart(2, "0")}`;
    images.push(
      item.pred
        ? `repeating-linear-gradient(90deg, ${p} 0 5px, transparent 5px 8px)`
        : `linear-gradient(${c}, ${c})`,
    );
    positions.push(`0 calc(100% - ${item.layer * BAND}px)`);
  }
  return { images, positions };
}

export class TextView {
  constructor(container, text, colorOf) {
    this.el = container;
    this.text = text;
    this.colorOf = colorOf; // item -> "#rrggbb"
    this.blocks = []; // {start, end, el}: a paragraph
    this.chunks = []; // {start, end, el, block, starts, segs, layers}: what one change redraws
    let start = 0;
    for (let i = 0; i <= text.length; i++) {
      if (i === text.length || text[i] === "\n") {
        const end = i === text.length ? i : i + 1;
        if (end > start || this.blocks.length === 0) this.addBlock(start, end);
        start = end;
      }
    }
    this.chunkStarts = Int32Array.from(this.chunks.map((c) => c.start));
    container.replaceChildren(...this.blocks.map((b) => b.el));
  }

  addBlock(start, end) {
    const el = document.createElement("div");
    el.className = "blk";
    const block = { start, end, el };
    this.blocks.push(block);
    let a = start;
    let dir = null; // a paragraph in one chunk decides its own direction
    do {
      const b = chunkEnd(this.text, a, end);
      if (b < end && dir === null) dir = isRtl(this.text.slice(start, end)) ? "rtl" : "ltr";
      const chunk = { start: a, end: b, el: document.createElement("div"), block, starts: null, segs: null, layers: 1 };
      chunk.el.className = "chunk";
      chunk.el.dataset.s = a;
      if (dir) chunk.el.dir = dir;
      el.appendChild(chunk.el);
      this.chunks.push(chunk);
      a = b;
    } while (a < end);
  }

  chunkAt(u) {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.chunkStarts[mid] <= u) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  // items: [{key, s, e, label, tag, pred, selected, badge?, badgeTitle?, weight?, hint?}]
  // sorted or not; weight (0 to 1) sets a suggestion's band strength, hint its tooltip.
  renderAll(items) {
    const perChunk = this.chunks.map(() => []);
    for (const item of items) {
      if (item.e <= item.s) continue;
      const last = this.chunkAt(item.e - 1);
      for (let c = this.chunkAt(item.s); c <= last; c++) perChunk[c].push(item);
    }
    this.chunks.forEach((chunk, i) => this.renderChunk(chunk, perChunk[i]));
    this.updateLayers();
  }

  // Re-draw only the chunks touching the given UTF-16 ranges.
  renderRanges(ranges, items) {
    const touched = new Set();
    for (const [a, b] of ranges) {
      const last = this.chunkAt(Math.max(a, b - 1));
      for (let i = this.chunkAt(a); i <= last; i++) touched.add(i);
    }
    for (const i of touched) {
      const chunk = this.chunks[i];
      const mine = items.filter((it) => it.s < chunk.end && it.e > chunk.start && it.e > it.s);
      this.renderChunk(chunk, mine);
    }
    this.updateLayers();
  }

  updateLayers() {
    let max = 1;
    for (const c of this.chunks) if (c.layers > max) max = c.layers;
    if (max !== this.layers) {
      this.layers = max;
      this.el.style.setProperty("--layers", String(max));
    }
  }

  renderChunk(chunk, items) {
    const { text } = this;
    // Clip to the chunk and sort outer-first: by start, then longer first.
    const clipped = items
      .map((it) => ({ it, s: Math.max(it.s, chunk.start), e: Math.min(it.e, chunk.end), layer: 0 }))
      .sort((a, b) => a.s - b.s || b.e - a.e);
    // Layers: the lowest band not used by a span still open at this start.
    const layerEnds = [];
    for (const c of clipped) {
      let layer = 0;
      while (layer < layerEnds.length && layerEnds[layer] > c.s) layer++;
      layerEnds[layer] = c.e;
      c.layer = layer;
    }
    chunk.layers = Math.max(1, layerEnds.length);
    const points = new Set([chunk.start, chunk.end]);
    for (const c of clipped) {
      points.add(c.s);
      points.add(c.e);
    }
    const cuts = Int32Array.from(points).sort();
    const frag = document.createDocumentFragment();
    const starts = [];
    const segs = [];
    let next = 0; // next clipped item to open
    let open = [];
    for (let i = 0; i + 1 < cuts.length; i++) {
      const p = cuts[i];
      const q = cuts[i + 1];
      if (open.length) open = open.filter((c) => c.e > p);
      const opened = [];
      while (next < clipped.length && clipped[next].s === p) opened.push(clipped[next++]);
      if (opened.length) open = open.concat(opened);
      const seg = document.createElement("span");
      seg.textContent = text.slice(p, q);
      seg.dataset.s = p;
      if (open.length) {
        const byLayer = open.slice().sort((a, b) => a.layer - b.layer);
        const own = byLayer.filter((c) => !c.it.pred);
        const inner = (own.length ? own : byLayer)[(own.length ? own : byLayer).length - 1];
        const { images, positions } = bands(
          byLayer.map((c) => ({ pred: c.it.pred, layer: c.layer, it: c.it })),
          (x) => this.colorOf(x.it),
        );
        const tint = own.length ? `${this.colorOf(inner.it)}2e` : "transparent";
        seg.className = own.length ? "seg" : "seg pred-only";
        seg.style.cssText =
          `--d:${byLayer[byLayer.length - 1].layer + 1};background-color:${tint};` +
          `background-image:${images.join(",")};background-position:${positions.join(",")};` +
          `background-size:${images.map(() => "100% 3px").join(",")}`;
        seg.dataset.keys = byLayer.map((c) => c.it.key).join(" ");
        if (byLayer.some((c) => c.it.selected)) seg.classList.add("sel");
        // The label (and actor) of every span starting here, outermost first.
        const tags = opened.filter((c) => c.s === c.it.s);
        if (tags.length) {
          seg.dataset.tag = tags.map((c) => c.it.tag).join(" · ");
          seg.style.setProperty("--tc", this.colorOf(tags[0].it));
          if (tags.every((c) => c.it.pred)) seg.classList.add("tag-pred");
        }
        // A span's badge (its stances on concepts) after its last segment, in
        // words on hover.
        const badged = open.filter((c) => c.it.badge && c.it.e === q);
        if (badged.length) {
          seg.dataset.badge = badged.map((c) => c.it.badge).join(" · ");
          seg.title = badged.map((c) => c.it.badgeTitle || c.it.badge).join("\n");
          seg.classList.add("badged");
        }
        // What an item says of itself on hover (a suggestion: its confidence).
        const hints = byLayer.filter((c) => c.it.hint).map((c) => c.it.hint);
        if (hints.length) seg.title = [seg.title, ...hints].filter(Boolean).join("\n");
      }
      starts.push(p);
      segs.push(seg);
      frag.appendChild(seg);
    }
    chunk.starts = Int32Array.from(starts);
    chunk.segs = segs;
    chunk.el.replaceChildren(frag);
  }

  segmentAt(u) {
    const chunk = this.chunks[this.chunkAt(u)];
    if (!chunk.segs || !chunk.segs.length) return null;
    let lo = 0;
    let hi = chunk.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (chunk.starts[mid] <= u) lo = mid;
      else hi = mid - 1;
    }
    return { el: chunk.segs[lo], start: chunk.starts[lo] };
  }

  // A DOM point (from a Selection or a Range) -> UTF-16 offset, or null when
  // it is outside the text.
  offsetOf(node, offset) {
    if (!this.el.contains(node)) return null;
    if (node.nodeType === Node.TEXT_NODE) {
      return Number(node.parentElement.dataset.s) + offset;
    }
    if (node === this.el) {
      return offset >= this.blocks.length ? this.text.length : this.blocks[offset].start;
    }
    if (node.classList.contains("blk") || node.classList.contains("chunk")) {
      // Between children: the start of the one after, or the end of this one.
      if (offset < node.childNodes.length) return Number(node.childNodes[offset].dataset.s);
      const s = node.classList.contains("blk") ? Number(node.firstChild.dataset.s) : Number(node.dataset.s);
      return s + node.textContent.length;
    }
    const s = Number(node.dataset.s);
    return offset === 0 ? s : s + node.textContent.length;
  }

  // UTF-16 [a, b) -> a DOM Range over the text.
  range(a, b) {
    const range = document.createRange();
    const at = (u, end) => {
      let seg = this.segmentAt(u);
      // An end at a segment start is better placed at the previous segment's end.
      if (end && u > 0 && seg.start === u) seg = this.segmentAt(u - 1);
      const node = seg.el.firstChild || seg.el;
      return [node, Math.min(u - seg.start, node.length ?? 0)];
    };
    range.setStart(...at(a, false));
    range.setEnd(...at(b, true));
    return range;
  }

  scrollTo(u) {
    const seg = this.segmentAt(u);
    if (seg) seg.el.scrollIntoView({ block: "nearest", behavior: "instant" });
  }
}
