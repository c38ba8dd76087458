// Pieces shared by the pages that manage a project's records (the actor
// registry, the codebook): a form's field errors, a two-step delete button,
// a file import with its refusal listed row by row, and whether a key press
// is typing. Every piece of data reaches the page as text (textContent).

import { ApiError, errorText, fieldErrors } from "./api.js";
import { el } from "./dom.js";

// Hide every error paragraph of `form`.
export function clearFormErrors(form) {
  for (const p of form.querySelectorAll(".error")) {
    p.hidden = true;
    p.textContent = "";
  }
}

// Each field's error beside it (`.field-error[data-field=…]`); what has no
// place of its own goes to `fallback`.
export function showFormErrors(form, error, fallback) {
  let placed = false;
  for (const [field, message] of Object.entries(fieldErrors(error))) {
    const target = form.querySelector(`.field-error[data-field="${CSS.escape(field)}"]`);
    if (!target) continue;
    target.textContent = message;
    target.hidden = false;
    placed = true;
  }
  if (!placed) {
    fallback.textContent = errorText(error);
    fallback.hidden = false;
  }
}

// Two steps instead of a native confirm(): the first click arms the button,
// a second within a few seconds runs `run`.
export function armedClick(button, run, label = "Delete") {
  if (button.dataset.armed !== "true") {
    button.dataset.armed = "true";
    button.textContent = "Really delete?";
    setTimeout(() => {
      button.dataset.armed = "false";
      button.textContent = label;
    }, 4000);
    return;
  }
  run();
}

// Send the file chosen in `form`'s file input through `send(FormData)` and
// report in `box`: `summary(answer)` on success (then `done()`), else the
// refusal's detail and its rows.
export async function importFile(form, box, send, summary, done) {
  const input = form.querySelector("input[type=file]");
  if (!input.files.length) return;
  box.hidden = false;
  box.className = "import-result";
  box.replaceChildren(el("p", { text: `Importing ${input.files[0].name}…` }));
  // The form carries Django's CSRF token (csrfmiddlewaretoken) beside the file.
  const body = new FormData(form);
  input.value = "";
  let data;
  try {
    data = await send(body);
  } catch (error) {
    if (!(error instanceof ApiError)) {
      box.replaceChildren(el("p", { class: "error", text: errorText(error) }));
      return;
    }
    box.classList.add("failed");
    showImportErrors(box, error);
    return;
  }
  box.classList.add("ok");
  box.replaceChildren(el("p", { text: summary(data) }));
  done();
}

// The refusal's detail, and its errors in a table: the import report's rows
// ({where, field, message}) as they are, a DRF field error as the file's.
export function showImportErrors(box, error) {
  const parts = [el("p", { class: "error", id: "import-detail", text: error.message })];
  const rows = Array.isArray(error.body.errors)
    ? error.body.errors
    : Object.entries(fieldErrors(error)).map(([field, message]) => ({ where: "file", field, message }));
  if (rows.length) {
    parts.push(
      el(
        "table",
        { class: "import-errors", id: "import-errors" },
        el("thead", {}, el("tr", {}, el("th", { text: "Where" }), el("th", { text: "Field" }), el("th", { text: "Problem" }))),
        el(
          "tbody",
          {},
          ...rows.map((r) =>
            el("tr", {}, el("td", { text: r.where || "" }), el("td", { text: r.field || "" }), el("td", { text: r.message || "" })),
          ),
        ),
      ),
    );
  }
  box.replaceChildren(...parts);
}

// Whether a key press goes to a field (so a page shortcut must not take it).
export function typing(target) {
  return target.closest("input, textarea, select, [contenteditable=true]") !== null;
}

// The keyboard of a search box over a list of records: "/" (outside a field,
// no dialog open) focuses the search; in the box ↓ enters the list
// (`enterList`) and Enter opens the current record (`open`); in the list
// ↑/↓ move (`move(step)`; ↑ on the first row, `atTop()`, goes back to the
// box) and Enter opens. `more(e)` may take other keys of the list (it
// returns whether it did).
export function listKeys({ search, list, enterList, open, move, atTop, more = () => false }) {
  document.addEventListener("keydown", (e) => {
    if (document.querySelector("dialog[open]")) return;
    if (e.key === "/" && !typing(e.target)) {
      e.preventDefault();
      search.focus();
      search.select();
    }
  });
  search.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      list.focus();
      enterList();
    } else if (e.key === "Enter") {
      e.preventDefault();
      open();
    }
  });
  list.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (e.key === "ArrowUp" && atTop()) search.focus();
      else move(e.key === "ArrowDown" ? 1 : -1);
    } else if (e.key === "Enter") {
      e.preventDefault();
      open();
    } else if (more(e)) {
      e.preventDefault();
    }
  });
}
