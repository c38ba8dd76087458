// The label schema editor: every label of the project, entity and stance, in
// the schema's order, and the document categories in their groups. Owners
// add, rename, recolour, re-key, describe, reorder and delete labels and
// groups; everyone else sees the same lists read-only. Shortcut
// conflicts (with another label's key, or a key the workspace keeps for
// itself) show while the key is typed. Everything goes through the labels
// and category-groups APIs; every piece of data reaches the page as text.

import { Api, ApiError, errorText, fieldErrors } from "./api.js";
import { el } from "./dom.js";

const config = JSON.parse(document.getElementById("accord-config").textContent);
const api = new Api(config.api);
const $ = (id) => document.getElementById(id);
const FIELDS = ["kind", "name", "color", "shortcut", "description", "group"];
const GROUP_FIELDS = ["name", "multiple", "description"];
const CATEGORY = "category";

// The APIs' lists: labels in the schema's order, groups in theirs.
const state = { labels: [], groups: [] };

// ------------------------------------------------------------------ helpers

function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

function usesText(uses) {
  const parts = [];
  if (uses.spans) parts.push(plural(uses.spans, "span", "spans"));
  if (uses.stances) parts.push(plural(uses.stances, "stance", "stances"));
  if (uses.categories) parts.push(plural(uses.categories, "set", "sets"));
  return parts.length ? `Used by ${parts.join(" and ")}` : "Not used yet";
}

// Why `key` cannot be the shortcut of the label `selfId` (null for a new
// one), or null when it can.
function shortcutConflict(key, selfId) {
  if (!key) return null;
  if (key.trim() === "") return "A shortcut is one visible character, not a space.";
  const reserved = config.reservedKeys[key]; // the server's list, which the API enforces
  if (reserved) return `The key "${key}" is reserved: it ${reserved}.`;
  const other = state.labels.find((l) => l.id !== selfId && l.shortcut === key);
  if (other) return `The key "${key}" is already the shortcut of ${other.name}.`;
  return null;
}

function clearErrors(form) {
  for (const node of form.querySelectorAll(".field-error, .form-error")) {
    node.textContent = "";
    node.hidden = true;
  }
  for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
}

function showFieldError(form, field, message) {
  const target = form.querySelector(`.field-error[data-field="${field}"]`);
  if (!target) return false;
  target.textContent = message;
  target.hidden = false;
  form.querySelector(`[name="${field}"]`)?.setAttribute("aria-invalid", "true");
  return true;
}

// An API refusal next to the field it names, or under the form.
function showError(form, error) {
  let placed = false;
  for (const [field, message] of Object.entries(fieldErrors(error))) {
    placed = showFieldError(form, field, message) || placed;
  }
  if (error instanceof ApiError && error.status === 409 && error.body.field) {
    placed = showFieldError(form, error.body.field, errorText(error)) || placed;
  }
  if (!placed) {
    const node = form.querySelector(".form-error");
    node.textContent = errorText(error);
    node.hidden = false;
  }
}

// The shortcut field checks itself as it is typed; the form's submit button
// is off while the key conflicts.
function watchShortcut(form, selfId) {
  const input = form.querySelector('[name="shortcut"]');
  const message = form.querySelector('.field-error[data-field="shortcut"]');
  const submit = form.querySelector('button[type="submit"]');
  const check = () => {
    const conflict = shortcutConflict(input.value, selfId);
    message.textContent = conflict || "";
    message.hidden = !conflict;
    if (conflict) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    form.dataset.conflict = conflict ? "true" : "";
    submit.disabled = Boolean(conflict) || form.dataset.dirty === "false";
  };
  input.addEventListener("input", check);
  return check;
}

// The form's fields; a label that is not a category has no group.
function values(form) {
  const out = {};
  for (const field of FIELDS) {
    const input = form.querySelector(`[name="${field}"]`);
    if (input) out[field] = field === "name" ? input.value.trim() : input.value;
  }
  if ("kind" in out && out.kind !== CATEGORY) delete out.group;
  return out;
}

// The fields of `now` that differ from `label`'s.
function changes(now, label) {
  return Object.fromEntries(Object.entries(now).filter(([f, v]) => v !== (label[f] ?? "")));
}

// The group field shows for a category label only.
function followKind(form) {
  const kind = form.querySelector('[name="kind"]');
  const group = form.querySelector(".field-group");
  const sync = () => { group.hidden = kind.value !== CATEGORY; };
  kind.addEventListener("change", sync);
  sync();
}

function groupOptions(selected) {
  return state.groups.map((g) => el("option", { value: g.name, text: g.name, selected: g.name === selected }));
}

// ------------------------------------------------------------------ drawing

function field(id, labelText, input, name) {
  return el("div", { class: `field field-${name}` },
    el("label", { for: id, text: labelText }), input,
    el("p", { class: "error field-error", dataset: { field: name }, hidden: true, "aria-live": name === "shortcut" ? "polite" : null }));
}

function readOnlyRow(label) {
  return el("li", { class: "label-row", dataset: { id: String(label.id), name: label.name } },
    el("span", { class: "chip", text: label.name, style: { "--c": label.color }, title: label.description || null }),
    label.shortcut ? el("kbd", { text: label.shortcut, title: `Shortcut of ${label.name}` }) : el("span", { class: "muted small", text: "no key" }),
    el("span", { class: "desc", text: label.description || "" }),
    el("span", { class: "uses muted small", text: usesText(label.uses) }));
}

function editRow(label, index, siblings) {
  const id = label.id;
  const kindSelect = el("select", { id: `kind-${id}`, name: "kind" },
    ...config.kinds.map((k) => el("option", { value: k.value, text: k.label, selected: k.value === label.kind })));
  const form = el("form", { class: "label-form", novalidate: true, dataset: { dirty: "false" } },
    el("div", { class: "order", role: "group", "aria-label": `Order of ${label.name}` },
      el("button", { type: "button", class: "small move-up", "aria-label": `Move ${label.name} up`, title: "Move up",
        text: "↑", disabled: index === 0, on: { click: () => move(label, siblings[index - 1]) } }),
      el("button", { type: "button", class: "small move-down", "aria-label": `Move ${label.name} down`, title: "Move down",
        text: "↓", disabled: index === siblings.length - 1, on: { click: () => move(label, siblings[index + 1]) } })),
    field(`name-${id}`, "Name", el("input", { type: "text", id: `name-${id}`, name: "name", value: label.name, autocomplete: "off", required: true }), "name"),
    field(`color-${id}`, "Colour", el("input", { type: "color", id: `color-${id}`, name: "color", value: label.color }), "color"),
    field(`shortcut-${id}`, "Shortcut", el("input", { type: "text", id: `shortcut-${id}`, name: "shortcut", value: label.shortcut, maxlength: "1", autocomplete: "off", class: "key-input" }), "shortcut"),
    field(`kind-${id}`, "Kind", kindSelect, "kind"),
    field(`group-${id}`, "Group", el("select", { id: `group-${id}`, name: "group" }, ...groupOptions(label.group)), "group"),
    field(`description-${id}`, "Description", el("textarea", { id: `description-${id}`, name: "description", rows: "2", text: label.description }), "description"),
    el("div", { class: "field actions" },
      el("span", { class: "uses muted small", text: usesText(label.uses) }),
      el("span", { class: "buttons" },
        el("button", { type: "submit", class: "primary save", id: `save-${id}`, text: "Save", disabled: true }),
        el("button", { type: "button", class: "delete", id: `delete-${id}`, text: "Delete",
          "aria-label": `Delete ${label.name}`, on: { click: () => remove(label, form) } }))),
    el("p", { class: "error form-error", role: "alert", hidden: true }));
  const check = watchShortcut(form, id);
  followKind(form);
  form.addEventListener("input", () => {
    form.dataset.dirty = String(Object.keys(changes(values(form), label)).length > 0);
    check();
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    save(label, form);
  });
  return el("li", { class: "label-row editable", dataset: { id: String(id), name: label.name }, style: { "--c": label.color } }, form);
}

function labelRows(labels) {
  return labels.map((l, i) => (config.canEdit ? editRow(l, i, labels) : readOnlyRow(l)));
}

function draw() {
  for (const kind of config.kinds) {
    if (kind.value === CATEGORY) continue; // listed in their groups
    const list = $(`list-${kind.value}`);
    const rows = labelRows(state.labels.filter((l) => l.kind === kind.value));
    list.replaceChildren(...(rows.length ? rows : [el("li", { class: "muted empty", text: `No ${kind.label.toLowerCase()} labels yet.` })]));
  }
  drawGroups();
  const addGroup = $("add-group");
  if (addGroup) addGroup.replaceChildren(...groupOptions(addGroup.value));
}

// ------------------------------------------------------------------ category groups

const takes = (multiple) => (multiple ? "several categories" : "one category");

function groupHeader(group, index) {
  if (!config.canEdit) {
    return el("div", { class: "group-head" },
      el("h3", { text: group.name }), el("span", { class: "muted small", text: `A document takes ${takes(group.multiple)}.` }),
      group.description && el("p", { class: "desc", text: group.description }));
  }
  const id = group.id;
  const form = el("form", { class: "label-form group-form", novalidate: true, dataset: { dirty: "false" } },
    el("div", { class: "order", role: "group", "aria-label": `Order of the group ${group.name}` },
      el("button", { type: "button", class: "small move-up", "aria-label": `Move the group ${group.name} up`, title: "Move up",
        text: "↑", disabled: index === 0, on: { click: () => moveGroup(group, index - 1) } }),
      el("button", { type: "button", class: "small move-down", "aria-label": `Move the group ${group.name} down`, title: "Move down",
        text: "↓", disabled: index === state.groups.length - 1, on: { click: () => moveGroup(group, index + 1) } })),
    field(`group-name-${id}`, "Group", el("input", { type: "text", id: `group-name-${id}`, name: "name", value: group.name, autocomplete: "off", required: true }), "name"),
    field(`group-multiple-${id}`, "A document takes", el("select", { id: `group-multiple-${id}`, name: "multiple" },
      el("option", { value: "false", text: "one category", selected: !group.multiple }),
      el("option", { value: "true", text: "several", selected: group.multiple })), "multiple"),
    field(`group-description-${id}`, "Description", el("input", { type: "text", id: `group-description-${id}`, name: "description", value: group.description, autocomplete: "off" }), "description"),
    el("div", { class: "field actions" },
      el("span", { class: "muted small", text: group.labels.length ? `${plural(group.labels.length, "category", "categories")}` : "No category yet" }),
      el("span", { class: "buttons" },
        el("button", { type: "button", id: `group-add-${id}`, text: "Add a category", on: { click: () => addToGroup(group) } }),
        el("button", { type: "submit", class: "primary save", id: `group-save-${id}`, text: "Save", disabled: true }),
        el("button", { type: "button", class: "delete", id: `group-delete-${id}`, text: "Delete",
          "aria-label": `Delete the group ${group.name}`, on: { click: () => removeGroup(group, form) } }))),
    el("p", { class: "error form-error", role: "alert", hidden: true }));
  form.addEventListener("input", () => {
    const changed = Object.keys(groupChanges(form, group)).length > 0;
    form.dataset.dirty = String(changed);
    form.querySelector(".save").disabled = !changed;
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    saveGroup(group, form);
  });
  return form;
}

function groupValues(form) {
  const get = (name) => form.querySelector(`[name="${name}"]`).value;
  return { name: get("name").trim(), multiple: get("multiple") === "true", description: get("description") };
}

function groupChanges(form, group) {
  const now = groupValues(form);
  return Object.fromEntries(GROUP_FIELDS.filter((f) => now[f] !== group[f]).map((f) => [f, now[f]]));
}

function drawGroups() {
  const node = $("groups");
  const blocks = state.groups.map((g, i) => {
    const labels = state.labels.filter((l) => l.kind === CATEGORY && l.group === g.name);
    const rows = labelRows(labels);
    return el("section", { class: "group-block", dataset: { group: g.name, id: String(g.id) }, "aria-label": `Category group ${g.name}` },
      groupHeader(g, i),
      el("ol", { class: "schema-list", "aria-label": `Categories of ${g.name}` },
        ...(rows.length ? rows : [el("li", { class: "muted empty", text: "No category in this group yet." })])));
  });
  node.replaceChildren(...(blocks.length ? blocks : [el("p", { class: "muted empty", text: "No category group yet." })]));
}

// The add form, set to a category of `group`.
function addToGroup(group) {
  $("add-kind").value = CATEGORY;
  $("add-kind").dispatchEvent(new Event("change"));
  $("add-group").value = group.name;
  $("add-name").focus();
  $("add-name").scrollIntoView({ block: "center" });
}

async function saveGroup(group, form) {
  clearErrors(form);
  const changed = groupChanges(form, group);
  if (!Object.keys(changed).length) return;
  try {
    const saved = await api.categoryGroups.update(group.id, changed);
    await reload(`Saved the group ${saved.name}.`);
  } catch (error) {
    showError(form, error);
  }
}

function moveGroup(group, position) {
  return moved(() => api.categoryGroups.update(group.id, { position }), `Moved the group ${group.name}.`,
    `.group-block[data-id="${group.id}"] .group-form`);
}

function removeGroup(group, form) {
  return removed(form, `the category group ${group.name}`, () => api.categoryGroups.delete(group.id),
    `Deleted the group ${group.name}.`);
}

function setUpAddGroupForm() {
  const form = $("add-group-form");
  if (!form) return;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(form);
    const fields = groupValues(form);
    if (!fields.name) {
      showFieldError(form, "name", "A group needs a name.");
      return;
    }
    try {
      const created = await api.categoryGroups.create(fields);
      form.reset();
      await reload(`Added the group ${created.name}.`);
      $(`group-add-${created.id}`)?.focus();
    } catch (error) {
      showError(form, error);
    }
  });
}

// ------------------------------------------------------------------ loading

// Draw again from the API, keeping the focus where it was (by element id).
async function reload(status = "") {
  const focused = document.activeElement?.id;
  try {
    const [labels, groups] = await Promise.all([api.labels.list(), api.categoryGroups.list()]);
    state.labels = labels.results;
    state.groups = groups.results;
    draw();
    $("schema-status").textContent = status;
  } catch (error) {
    $("schema-status").textContent = errorText(error);
  }
  if (focused && $(focused)) $(focused).focus();
  document.body.dataset.ready = "true";
}

// ------------------------------------------------------------------ writing

async function save(label, form) {
  clearErrors(form);
  if (form.dataset.conflict === "true") return;
  const changed = changes(values(form), label);
  if (!Object.keys(changed).length) return;
  try {
    const saved = await api.labels.update(label.id, changed);
    await reload(`Saved ${saved.name}.`);
  } catch (error) {
    showError(form, error);
  }
}

// Put `label` where `neighbour` is: the API's position is the index in the
// whole schema, which is the index in the API's list.
async function move(label, neighbour) {
  const position = state.labels.findIndex((l) => l.id === neighbour.id);
  return moved(() => api.labels.update(label.id, { position }), `Moved ${label.name}.`,
    `.label-row[data-id="${label.id}"]`);
}

// A move written (write()), the page redrawn, and the focus back on the
// moved row's arrow (the one pressed while it can still move that way).
async function moved(write, status, rowSelector) {
  const before = document.activeElement?.classList.contains("move-up") ? "move-up" : "move-down";
  try {
    await write();
    await reload(status);
    const row = document.querySelector(rowSelector);
    const button = row?.querySelector(`.${before}:not(:disabled)`) || row?.querySelector(".order button:not(:disabled)");
    button?.focus();
  } catch (error) {
    $("schema-status").textContent = errorText(error);
  }
}

function remove(label, form) {
  return removed(form, `the label ${label.name}`, () => api.labels.delete(label.id), `Deleted ${label.name}.`);
}

// Delete after asking; a refusal shows on the row's form.
async function removed(form, what, del, status) {
  clearErrors(form);
  if (!window.confirm(`Delete ${what}?`)) return;
  try {
    await del();
    await reload(status);
  } catch (error) {
    showError(form, error);
  }
}

function setUpAddForm() {
  const form = $("add-form");
  if (!form) return;
  const check = watchShortcut(form, null);
  followKind(form);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(form);
    check();
    if (form.dataset.conflict === "true") return;
    const fields = values(form);
    if (!fields.name) {
      showFieldError(form, "name", "A label needs a name.");
      return;
    }
    try {
      const created = await api.labels.create(fields);
      form.reset();
      // The next label is most often of the same kind (and group).
      $("add-kind").value = created.kind;
      $("add-kind").dispatchEvent(new Event("change"));
      await reload(`Added ${created.name}.`);
      if (created.group) $("add-group").value = created.group;
      $("add-name").focus();
    } catch (error) {
      showError(form, error);
    }
  });
}

setUpAddForm();
setUpAddGroupForm();
reload();
