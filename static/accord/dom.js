// Building DOM nodes, the one way every page does it. Text reaches the page
// only as textContent or text nodes, never parsed as HTML.
//
//   el(tag, {class, text, dataset, style, on: {click: fn}, ...attrs}, ...children)
//   svg(tag, {class, text, ...attrs}, ...children)
//   syncList(list, items, key, sig, make): a keyed list updated in place
//
// - class: the class attribute; text: the textContent;
// - dataset: {key: value} into data-* (camelCase keys, as node.dataset);
// - style: an object of properties (custom properties too: {"--c": color}),
//   set through the CSSOM: the Content-Security-Policy refuses a style
//   attribute written as a string;
// - on: {event: listener};
// - any other key is an attribute, named as in HTML ("aria-label", "for"):
//   true gives the bare attribute, false, null and undefined leave it out.
// Children are nodes or strings (text nodes); null, undefined and false are
// skipped, so `cond && el(...)` can be passed as is.

const SVG_NS = "http://www.w3.org/2000/svg";

function build(node, props, children) {
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "on") for (const [event, fn] of Object.entries(value)) node.addEventListener(event, fn);
    else if (key === "style") {
      for (const [property, v] of Object.entries(value)) node.style.setProperty(property, v);
    } else node.setAttribute(key, value === true ? "" : String(value));
  }
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

export function el(tag, props = {}, ...children) {
  return build(document.createElement(tag), props, children);
}

export function svg(tag, props = {}, ...children) {
  return build(document.createElementNS(SVG_NS, tag), props, children);
}

// A long list brought up to date in place: `items` in order, each drawn by
// make(item) and kept while its key and signature (sig(item), a string of
// all make() reads) stay the same, so one new span in a list of thousands
// adds one element instead of rebuilding, and laying out, them all.
export function syncList(list, items, key, sig, make) {
  const before = keyedLists.get(list) || new Map(); // key -> {node, sig}
  const after = new Map();
  for (const item of items) {
    const k = key(item);
    const s = sig(item);
    const had = before.get(k);
    after.set(k, had && had.sig === s ? had : { node: make(item), sig: s });
  }
  for (const [k, had] of before) if (after.get(k) !== had) had.node.remove();
  let cursor = list.firstChild;
  for (const { node } of after.values()) {
    if (node === cursor) cursor = cursor.nextSibling;
    else list.insertBefore(node, cursor);
  }
  while (cursor) {
    const next = cursor.nextSibling;
    cursor.remove();
    cursor = next;
  }
  keyedLists.set(list, after);
}

const keyedLists = new WeakMap();
