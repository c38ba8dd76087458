// The new-project and project-settings pages: one form of the project's
// settings, created with POST projects/ (with the starting schema) or saved
// with PATCH; the guidelines previewed as the server renders them; and, on
// the settings page, deleting the project behind its typed name. The API
// validates every field; its errors are shown next to the field they name.

import { Api, errorText, fieldErrors } from "./api.js";
import { el } from "./dom.js";

const config = JSON.parse(document.getElementById("accord-config").textContent);
const api = new Api(config.api, config.root);
const $ = (id) => document.getElementById(id);
const form = $("project-form");
const creating = config.project === null;

const TEXT = ["name", "description", "guidelines", "assignment_order"];
const NUMBERS = [
  "annotators_per_document", "assignment_seed", "max_unfinished_per_annotator",
  "routing_threshold", "routing_max_annotators",
];
const CHECKS = ["blind", "anonymous_review", "routing_enabled", "annotators_create_concepts"];
const control = (name) => form.elements.namedItem(name);

// ------------------------------------------------------------------ the fields

function fill(project) {
  for (const name of [...TEXT, ...NUMBERS]) control(name).value = project[name] ?? "";
  for (const name of CHECKS) control(name).checked = Boolean(project[name]);
  const kinds = project.actor_kind_labels || {};
  for (const select of form.querySelectorAll("select.kind-label")) {
    const label = kinds[select.dataset.kind] || "";
    if (label && ![...select.options].some((o) => o.value === label)) {
      select.append(new Option(`${label} (no such label)`, label));
    }
    select.value = label;
  }
  showRouting();
}

function read() {
  const fields = {};
  for (const name of TEXT) fields[name] = control(name).value;
  fields.name = fields.name.trim();
  // An empty or malformed number goes as it is typed, so the API names it.
  for (const name of NUMBERS) {
    const text = control(name).value.trim();
    fields[name] = text === "" || Number.isNaN(Number(text)) ? text : Number(text);
  }
  for (const name of CHECKS) fields[name] = control(name).checked;
  const selects = form.querySelectorAll("select.kind-label");
  if (selects.length) {
    fields.actor_kind_labels = {};
    for (const select of selects) if (select.value) fields.actor_kind_labels[select.dataset.kind] = select.value;
  }
  if (creating) {
    const start = form.querySelector("input[name=start]:checked").value;
    fields.schema = start === "copy" ? { copy_from: Number($("f-copy-from").value) } : { template: start };
  }
  return fields;
}

function showRouting() {
  const on = control("routing_enabled").checked;
  for (const name of ["routing_threshold", "routing_max_annotators"]) control(name).disabled = !on;
}

// ------------------------------------------------------------------ errors

function clearErrors() {
  for (const node of form.querySelectorAll(".field-error")) {
    node.hidden = true;
    node.textContent = "";
  }
  for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  $("form-error").hidden = true;
}

function showErrors(error) {
  const fields = fieldErrors(error);
  let first = null;
  const unplaced = [];
  for (const [field, message] of Object.entries(fields)) {
    const slot = form.querySelector(`.field-error[data-field="${CSS.escape(field)}"]`);
    if (!slot) {
      unplaced.push(field ? `${field}: ${message}` : message);
      continue;
    }
    slot.textContent = message;
    slot.hidden = false;
    const input = control(field);
    if (input instanceof Element) {
      input.setAttribute("aria-invalid", "true");
      first = first || input;
    } else {
      first = first || slot;
    }
  }
  if (unplaced.length || !Object.keys(fields).length) {
    $("form-error").textContent = unplaced.length ? unplaced.join(" ") : errorText(error);
    $("form-error").hidden = false;
  }
  if (first && typeof first.focus === "function") first.focus();
}

// ------------------------------------------------------------------ saving

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors();
  const fields = read();
  const save = $("save");
  save.disabled = true;
  $("save-status").textContent = creating ? "Creating…" : "Saving…";
  try {
    if (creating) {
      const project = await api.projects.create(fields);
      window.location.assign(`${config.projectPages}${project.id}/`);
      return;
    }
    const project = await api.project.update(fields);
    fill(project);
    config.projectName = project.name;
    for (const node of document.querySelectorAll(".project-name")) node.textContent = project.name;
    armDelete();
    $("save-status").textContent = "Saved.";
  } catch (error) {
    $("save-status").textContent = "";
    showErrors(error);
  } finally {
    save.disabled = false;
  }
});

control("routing_enabled").addEventListener("change", showRouting);

for (const radio of form.querySelectorAll("input[name=start]")) {
  radio.addEventListener("change", () => {
    if ($("f-copy-from")) $("f-copy-from").disabled = form.querySelector("input[name=start]:checked").value !== "copy";
  });
}

// ------------------------------------------------------------------ preview

const preview = { timer: null, seq: 0 };

async function renderPreview() {
  const seq = ++preview.seq;
  const text = control("guidelines").value;
  const box = $("guidelines-preview");
  if (!text.trim()) {
    box.replaceChildren(el("p", { class: "muted", text: "Nothing to preview yet." }));
    return;
  }
  try {
    const { html } = await api.guidelines.preview(text);
    if (seq !== preview.seq) return; // a newer edit is on its way
    // The server escapes every character of the input before adding the
    // subset's tags (apps/projects/guidelines.py), as on the project page.
    box.innerHTML = html;
  } catch (error) {
    if (seq !== preview.seq) return;
    box.textContent = `The preview is not available: ${errorText(error)}`;
  }
}

control("guidelines").addEventListener("input", () => {
  clearTimeout(preview.timer);
  preview.timer = setTimeout(renderPreview, 250);
});

// ------------------------------------------------------------------ deleting

function armDelete() {
  if (!$("delete")) return;
  $("delete").disabled = $("f-confirm").value !== config.projectName;
}

if ($("delete-form")) {
  $("f-confirm").addEventListener("input", armDelete);
  $("delete-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    armDelete();
    if ($("delete").disabled) return;
    $("delete").disabled = true;
    $("delete-error").hidden = true;
    try {
      await api.project.delete();
      window.location.assign(config.listPage);
    } catch (error) {
      $("delete-error").textContent = errorText(error);
      $("delete-error").hidden = false;
      armDelete();
    }
  });
}

// ------------------------------------------------------------------ start

async function start() {
  try {
    if (!creating) {
      fill(await api.project.get());
      await renderPreview();
    } else {
      showRouting();
    }
  } catch (error) {
    $("form-error").textContent = errorText(error);
    $("form-error").hidden = false;
  } finally {
    document.body.dataset.ready = "true";
  }
}

start();
