// The keyboard help overlay (`?`). Every key the workspace handles is listed here.

import { el } from "./dom.js";

export const HELP = [
  ["→ / ←", "Move the caret to the next / previous word"],
  ["Shift + → / ←", "Extend the selection by a word"],
  ["Alt + mouse drag", "Select exact characters instead of whole words"],
  ["label key", "Label the selection (creates a span), or relabel the selected span"],
  ["Tab / Shift + Tab, ] / [", "Select the next / previous span (Tab from the text; elsewhere Tab moves the focus)"],
  ["click a span", "Select it (click again for the span around it)"],
  ["Delete / Backspace", "Remove the selected span (or reject a suggestion)"],
  ["Enter", "Link the selected span to an actor; accept a suggestion; confirm a choice"],
  ["/", "Start a stance from the selected span: then choose the target, Enter, then the polarity key"],
  ["/ (choosing the target)", "Take the stance on a concept of the codebook instead: search, ↑/↓, Enter (Ctrl + Enter creates it, when allowed)"],
  ["polarity key", "While drawing a stance: set its polarity"],
  ["category key", "Choose or clear a document category (in a group that takes one, it replaces the other)"],
  [". / ,", "Select the next / previous stance (or click its arc in the text, or its row in the side list)"],
  ["Enter (stance selected)", "Edit the selected stance: its polarity, in the side list"],
  ["polarity key (stance selected)", "Change the selected stance's polarity"],
  ["Delete / Backspace (stance selected)", "Remove the selected stance"],
  ["Shift + A", "Accept all suggestions"],
  ["Esc", "Cancel the current step, clear the selection"],
  ["Ctrl + Enter", "Submit the document"],
  ["N", "After submitting: next document"],
  ["Shift + G", "Show or hide the project's guidelines beside the text"],
  ["?", "This help"],
];

// `keys` lets another screen (review.js) list its own keys in the same table;
// `commands`, the one-character keys that screen acts on first: a label that
// took one before it was reserved is listed once, saying when its key works.
// `categoryLabels`, the document categories (each with its `group`), where the screen has them.
export function fillHelp(table, entityLabels, stanceLabels, keys = HELP, commands = new Set(), categoryLabels = new Map()) {
  // A label's row carries its description: as the tooltip, and in words.
  const row = (key, what, description = "") => el("tr", { title: description || null },
    el("td", {}, el("kbd", { text: key })),
    el("td", { text: what }, description && el("span", { class: "muted small", text: ` — ${description}` })));
  const rows = keys.map(([key, what]) => row(key, what));
  const labelRow = (l, what) => {
    const when = commands.has(l.shortcut) ? " (only with text selected or in the edit panel: the key is also a command here)" : "";
    return row(l.shortcut, `${what} ${l.name}${when}`, l.description);
  };
  for (const l of entityLabels.values()) if (l.shortcut) rows.push(labelRow(l, "Entity label"));
  for (const l of stanceLabels.values()) if (l.shortcut) rows.push(labelRow(l, "Stance polarity"));
  for (const l of categoryLabels.values()) if (l.shortcut) rows.push(labelRow(l, `Category of ${l.group}:`));
  table.replaceChildren(...rows);
}
