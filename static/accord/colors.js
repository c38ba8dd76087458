// Label colours of server-rendered chips: templates write `data-color`, and
// the colour is set here through the CSSOM, because the Content-Security-Policy
// refuses inline style attributes.
for (const node of document.querySelectorAll("[data-color]")) {
  node.style.setProperty("--c", node.dataset.color);
}
