// Offsets: the browser counts UTF-16 code units (string indices, DOM Ranges);
// the API counts Unicode code points (Python str indices). This module is the
// only place that converts between the two. Nothing else is ever normalised:
// CRLF, combining marks and bidi controls are code points like any other.

const ASTRAL = /[\uD800-\uDFFF]/;

export class OffsetMap {
  constructor(text) {
    this.text = text;
    this.length16 = text.length;
    // Fast path: without surrogates both counts are the same.
    this.identity = !ASTRAL.test(text);
    if (this.identity) {
      this.lengthCp = text.length;
      return;
    }
    // cpAt16[u] = code points before UTF-16 index u (for u inside a pair, the
    // pair's own index); u16AtCp[c] = UTF-16 index of code point c.
    const cpAt16 = new Uint32Array(text.length + 1);
    const u16AtCp = new Uint32Array(text.length + 1);
    let cp = 0;
    for (let u = 0; u < text.length; u++) {
      cpAt16[u] = cp;
      u16AtCp[cp] = u;
      const unit = text.charCodeAt(u);
      if (unit >= 0xd800 && unit <= 0xdbff && u + 1 < text.length) {
        const next = text.charCodeAt(u + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          cpAt16[u + 1] = cp; // the low half belongs to the same code point
          u++;
        }
      }
      cp++;
    }
    cpAt16[text.length] = cp;
    u16AtCp[cp] = text.length;
    this.cpAt16 = cpAt16;
    this.u16AtCp = u16AtCp.subarray(0, cp + 1);
    this.lengthCp = cp;
  }

  // Code point offset -> UTF-16 offset. Out-of-range values are an error:
  // they mean the data and the text disagree.
  toUtf16(cp) {
    if (!Number.isInteger(cp) || cp < 0 || cp > this.lengthCp) {
      throw new RangeError(`code point offset ${cp} is outside the text (0..${this.lengthCp})`);
    }
    return this.identity ? cp : this.u16AtCp[cp];
  }

  // UTF-16 offset -> code point offset. An offset inside a surrogate pair
  // rounds down for a start and up for an end (`end` = true), so a selection
  // never splits a character.
  toCodePoint(u16, end = false) {
    if (!Number.isInteger(u16) || u16 < 0 || u16 > this.length16) {
      throw new RangeError(`UTF-16 offset ${u16} is outside the text (0..${this.length16})`);
    }
    if (this.identity) return u16;
    const cp = this.cpAt16[u16];
    if (end && u16 > 0 && u16 < this.length16 && this.cpAt16[u16 - 1] === cp) return cp + 1;
    return cp;
  }

  // A UTF-16 offset moved off the middle of a surrogate pair.
  snap16(u16, end = false) {
    return this.toUtf16(this.toCodePoint(u16, end));
  }

  span16(start, end) {
    return [this.toUtf16(start), this.toUtf16(end)];
  }

  spanCp(start16, end16) {
    return [this.toCodePoint(start16, false), this.toCodePoint(end16, true)];
  }
}
