// What the two text pages say about their work: the save-status badge
// (saved / saving / offline / server error / conflict …, coloured by
// accord.css from data-state) and the banner under the toolbar.

const SAID = {
  saved: "All changes saved",
  saving: "Saving…",
  pending: "Unsaved changes",
  offline: "Offline — kept in this browser, will retry",
  server: "Server error — kept in this browser, retrying",
  conflict: "Conflict",
  submitted: "Submitted",
  error: "Not saved",
};

export class SaveStatus {
  constructor(node) {
    this.node = node;
  }

  // A state, in its own words unless `message` says more.
  show(state, message) {
    this.node.dataset.state = state;
    this.node.textContent = message || SAID[state] || "";
  }
}

export class Banner {
  constructor(node) {
    this.node = node;
  }

  // A message, or none (null, ""): the banner hides. `kind` (info, warn,
  // error) colours it where the page's CSS says how.
  show(message, kind) {
    this.node.hidden = !message;
    if (kind) this.node.dataset.kind = kind;
    this.node.textContent = message || "";
  }
}
