// Tokens for selecting by word: mouse selections snap to them, the keyboard
// caret moves over them. Intl.Segmenter knows every script, keeps combining
// marks with their letter and emoji sequences (flags, ZWJ) whole. A token is
// any segment that is not whitespace; offsets here are UTF-16.

const SPACE = /^[\s\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]*$/u;
const DOTTED = /^(?:\p{L}\.)+\p{L}$/u; // "U.S" before its final period

const LETTER = /^\p{L}$/u;

// "U.S." may come out of the segmenter as U . S . : make it one token, as the
// API's tokenizer does (two or more single letters, each with its period).
function mergeDotted(text, starts, ends) {
  for (let i = 0; i < starts.length; i++) {
    let j = i;
    while (
      j + 1 < starts.length &&
      ends[j] - starts[j] === 1 && LETTER.test(text[starts[j]]) &&
      text[ends[j]] === "." && starts[j + 1] === ends[j] && ends[j + 1] === ends[j] + 1
    ) {
      j += 2;
    }
    if (j - i >= 4) {
      ends[i] = ends[j - 1];
      starts.splice(i + 1, j - i - 1);
      ends.splice(i + 1, j - i - 1);
    }
  }
}

export class Tokens {
  constructor(text) {
    this.text = text;
    const starts = [];
    const ends = [];
    const words = new Intl.Segmenter(undefined, { granularity: "word" }).segment(text);
    for (const { segment, index } of words) {
      if (SPACE.test(segment)) continue;
      let end = index + segment.length;
      // Keep the period of a dotted abbreviation ("U.S.") as the API's tokenizer does.
      if (text[end] === "." && DOTTED.test(segment)) end++;
      if (starts.length && ends[ends.length - 1] > index) continue; // swallowed period
      starts.push(index);
      ends.push(end);
    }
    mergeDotted(text, starts, ends);
    this.starts = Int32Array.from(starts);
    this.ends = Int32Array.from(ends);
    this.count = starts.length;
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
