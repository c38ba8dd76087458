// Building DOM nodes, the one way every page does it. Text reaches the page
// only as textContent or text nodes, never parsed as HTML.
//
//   el(tag, {class, text, dataset, style, on: {click: fn}, ...attrs}, ...children)
//   svg(tag, {class, text, ...attrs}, ...children)
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
