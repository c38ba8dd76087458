// Selecting text on the two text pages (the workspace and the adjudication
// screen): the browser's selection read as whole words (Alt held: exact
// characters), in UTF-16 for the DOM (render.js) and in code points for the
// API (offsets.js), and put back when the keyboard or a label moves it.

export class TextSelection {
  // view: a TextView; tokens: its text's Tokens (words.js); offsets: its OffsetMap.
  constructor(view, tokens, offsets) {
    this.view = view;
    this.tokens = tokens;
    this.offsets = offsets;
  }

  // The browser's selection in the text, snapped. undefined when there is
  // nothing to read (collapsed, or not in the text); null when it holds no
  // word (only whitespace); else {start, end} in UTF-16, cp: [start, end] in
  // code points, and for a snap to words the tokens it covers (first, last).
  read(exact) {
    const sel = window.getSelection();
    if (sel.isCollapsed || !sel.rangeCount) return undefined;
    const a = this.view.offsetOf(sel.anchorNode, sel.anchorOffset);
    const b = this.view.offsetOf(sel.focusNode, sel.focusOffset);
    if (a == null || b == null || a === b) return undefined;
    const snapped = exact ? this.tokens.snapExact(a, b) : this.tokens.snap(a, b);
    if (!snapped) return null;
    return { ...snapped, cp: this.offsets.spanCp(snapped.start, snapped.end) };
  }

  // Select [start, end) (UTF-16) in the browser, as if dragged.
  show(start, end) {
    const r = this.view.range(start, end);
    window.getSelection().setBaseAndExtent(r.startContainer, r.startOffset, r.endContainer, r.endOffset);
  }

  clear() {
    window.getSelection().removeAllRanges();
  }

  // The mouse on the text, as both pages take it: a drag ends in
  // onSelect(snapped, event) (snapped as read() gives it, null for no word);
  // the click that ends a drag is swallowed; a plain click on a span gives
  // onClick(key, event), and clicking again on nested spans walks outwards
  // through them (current() is the key selected now).
  listen(node, { onSelect, onClick, current }) {
    let justSelected = false;
    node.addEventListener("mouseup", (e) => {
      const snapped = this.read(e.altKey);
      if (snapped === undefined) return;
      onSelect(snapped, e);
      if (snapped) justSelected = true;
    });
    node.addEventListener("click", (e) => {
      if (justSelected) {
        justSelected = false;
        return;
      }
      const seg = e.target.closest(".seg");
      if (!seg || !window.getSelection().isCollapsed || !seg.dataset.keys) return;
      const keys = seg.dataset.keys.split(" ");
      const at = keys.indexOf(current());
      onClick(at > 0 ? keys[at - 1] : keys[keys.length - 1], e);
    });
  }
}
