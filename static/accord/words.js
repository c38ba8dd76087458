// Tokens for selecting by word: mouse selections snap to them, the keyboard
// caret moves over them. They are the server's tokens (the API sends each
// token's [start, end) in code points with the document), so a selected word
// is exactly a token of the CoNLL export and of token agreement: "Moscow’s"
// is two tokens in both, "U.S." one. Offsets here are UTF-16.

const SPACE = /^[\s\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]*$/u;

export class Tokens {
  // bounds: [[start, end], …] in code points, as the API sends them;
  // offsets: the text's OffsetMap (offsets.js).
  constructor(text, bounds, offsets) {
    this.text = text;
    this.starts = Int32Array.from(bounds, ([start]) => offsets.toUtf16(start));
    this.ends = Int32Array.from(bounds, ([, end]) => offsets.toUtf16(end));
    this.count = bounds.length;
    this.graphemes = null;
  }

  // Index of the last token starting at or before u (-1 when none).
  indexAtOrBefore(u) {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] <= u) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  // The first token ending after u.
  indexAfter(u) {
    const i = this.indexAtOrBefore(u);
    if (i >= 0 && this.ends[i] > u) return i;
    return i + 1 < this.count ? i + 1 : -1;
  }

  // Widen [a, b) to whole tokens and drop whitespace at either edge.
  // Returns null when the selection covers no token.
  snap(a, b) {
    if (b < a) [a, b] = [b, a];
    const first = this.indexAfter(a);
    if (first < 0) return null;
    let last = this.indexAtOrBefore(Math.max(a, b - 1));
    if (last < first) {
      if (b > a) return null; // only whitespace was selected
      last = first;
    }
    return { start: this.starts[first], end: this.ends[last], first, last };
  }

  // Exact selection (Alt held): only move off the middle of a grapheme
  // (a surrogate pair, a letter and its combining marks, a ZWJ sequence).
  snapExact(a, b) {
    if (b < a) [a, b] = [b, a];
    if (!this.graphemes) {
      const bounds = [];
      const seg = new Intl.Segmenter(undefined, { granularity: "grapheme" });
      for (const { index } of seg.segment(this.text)) bounds.push(index);
      bounds.push(this.text.length);
      this.graphemes = Int32Array.from(bounds);
    }
    const g = this.graphemes;
    const floor = (u) => {
      let lo = 0;
      let hi = g.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (g[mid] <= u) lo = mid;
        else hi = mid - 1;
      }
      return g[lo];
    };
    const start = floor(a);
    let end = floor(b);
    if (end < b) end = g[Math.min(g.length - 1, g.indexOf(end) + 1)];
    let s = start;
    let e = end;
    while (s < e && SPACE.test(this.text[s])) s++;
    while (e > s && SPACE.test(this.text[e - 1])) e--;
    return e > s ? { start: s, end: e } : null;
  }
}
