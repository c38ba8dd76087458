// The codebook page: the concepts as an indented tree, search as you type
// (names and keywords, through the API's search keys), and for owners
// create, edit (name, parent, description, keywords), merge, delete, import
// and export. Everything goes through the REST API; every piece of data
// reaches the page as text (textContent).

import { Api, errorText } from "./api.js";
import { el } from "./dom.js";
import { plural } from "./plural.js";
import { armedClick, clearFormErrors, importFile, listKeys, showFormErrors } from "./record_forms.js";

const config = JSON.parse(document.getElementById("accord-config").textContent);
const api = new Api(config.api);
const $ = (id) => document.getElementById(id);
const PAGE_SIZE = 1000;

function formatDate(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

const byName = (a, b) => a.name.localeCompare(b.name) || a.id - b.id;

// --------------------------------------------------------------------- the tree

const tree = {
  all: new Map(), // id -> concept: every current concept, for paths and parents
  rows: [], // [{concept, depth}] as drawn
  active: -1,
  selected: null,
  seq: 0,
  timer: null,
};

// Every page of a listing (a codebook is hundreds of concepts, not millions).
async function listAll(params) {
  const found = [];
  for (let page = 1; ; page += 1) {
    const answer = await api.concepts.list({ ...params, page: String(page), page_size: String(PAGE_SIZE) });
    found.push(...answer.results);
    if (!answer.next) return found;
  }
}

// Parents before their sub-concepts, each level by name; depth for indenting.
function treeRows(concepts) {
  const ids = new Set(concepts.map((c) => c.id));
  const children = new Map();
  for (const c of concepts) {
    const parent = c.parent !== null && ids.has(c.parent) ? c.parent : null;
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(c);
  }
  const rows = [];
  const walk = (parent, depth) => {
    for (const c of (children.get(parent) || []).sort(byName)) {
      rows.push({ concept: c, depth });
      walk(c.id, depth + 1);
    }
  };
  walk(null, 0);
  return rows;
}

function reload(delay = 0) {
  clearTimeout(tree.timer);
  tree.timer = setTimeout(loadTree, delay);
}

async function loadTree() {
  const seq = ++tree.seq;
  const q = $("q").value.trim();
  const merged = $("show-merged").checked;
  try {
    const [all, shown] = await Promise.all([
      listAll({}),
      q || merged ? listAll({ ...(q ? { q } : {}), ...(merged ? { include_merged: "true" } : {}) }) : null,
    ]);
    if (seq !== tree.seq) return; // a newer search is under way
    tree.all = new Map(all.map((c) => [c.id, c]));
    // A search shows its matches flat, each with its path; else the tree.
    tree.rows = q ? shown.map((concept) => ({ concept, depth: 0 })) : treeRows(shown || all);
    tree.active = Math.min(Math.max(tree.active, 0), tree.rows.length - 1);
    drawTree(q);
  } catch (error) {
    $("tree-info").textContent = errorText(error);
  } finally {
    if (seq === tree.seq) document.body.dataset.ready = "true";
  }
}

function drawTree(searching) {
  const items = tree.rows.map(({ concept, depth }, i) => {
    const name = el("span", { class: "cb-name", text: concept.name });
    const item = el(
      "li",
      {
        role: "treeitem",
        "aria-level": String(depth + 1),
        "aria-selected": String(i === tree.active),
        dataset: { id: String(concept.id) },
        class: [
          i === tree.active ? "current" : "",
          tree.selected && tree.selected.id === concept.id ? "open" : "",
          concept.merged_into ? "is-merged" : "",
        ].join(" "),
        style: { "--depth": String(depth) },
        on: {
          click: () => {
            tree.active = i;
            openConcept(concept);
          },
        },
      },
      name,
    );
    if (concept.merged_into) item.append(" ", el("span", { class: "badge merged", text: "merged" }));
    if (concept.uses.stances) {
      item.append(" ", el("span", { class: "badge uses", text: plural(concept.uses.stances, "stance") }));
    }
    if (searching && concept.path !== concept.name) {
      item.append(el("span", { class: "cb-path muted small", text: concept.path }));
    }
    if (concept.keywords.length) {
      item.append(el("span", { class: "cb-keywords muted small", text: concept.keywords.join(", ") }));
    }
    return item;
  });
  if (!items.length) {
    const why = searching ? "No concept matches." : "The codebook is empty.";
    items.push(el("li", { class: "muted empty", text: why }));
  }
  $("concept-tree").replaceChildren(...items);
  $("tree-info").textContent = searching
    ? `${plural(tree.rows.length, "match", "matches")} of ${plural(tree.all.size, "concept")}`
    : plural(tree.all.size, "concept");
  const current = $("concept-tree").querySelector("li.current");
  if (current) current.scrollIntoView({ block: "nearest" });
}

function moveActive(step) {
  if (!tree.rows.length) return;
  tree.active = Math.min(tree.rows.length - 1, Math.max(0, tree.active + step));
  drawTree($("q").value.trim());
}

// --------------------------------------------------------------------- the side panel

function openConcept(concept) {
  tree.selected = concept;
  const row = tree.rows.findIndex((r) => r.concept.id === concept.id);
  if (row >= 0) tree.active = row;
  drawTree($("q").value.trim());
  drawDetail(concept);
}

async function openConceptById(id) {
  try {
    openConcept(await api.concepts.get(id));
  } catch (error) {
    showDetailError(errorText(error));
  }
}

function showDetailError(message) {
  const box = $("detail-error");
  if (!box) return;
  box.textContent = message;
  box.hidden = !message;
}

function conceptLink(id, fallback) {
  const known = tree.all.get(id);
  return el("a", {
    href: "#",
    text: known ? known.name : fallback,
    on: {
      click: (e) => {
        e.preventDefault();
        openConceptById(id);
      },
    },
  });
}

function drawDetail(concept) {
  $("no-selection").hidden = true;
  const detail = $("detail");
  detail.hidden = false;
  const parts = [el("h2", { id: "detail-name", text: concept.name })];
  const place = concept.path === concept.name ? "At the top level of the codebook." : concept.path;
  parts.push(el("p", { class: "muted", id: "detail-path", text: place }));
  if (concept.merged_into) {
    const record = el(
      "p",
      { class: "merge-record", id: "merge-record" },
      "Merged into ",
      conceptLink(concept.merged_into, `concept ${concept.merged_into}`),
    );
    if (concept.merged_by) record.append(` by ${concept.merged_by}`);
    if (concept.merged_at) record.append(` on ${formatDate(concept.merged_at)}`);
    record.append(". Its stances now take a position on the survivor.");
    parts.push(record);
  }
  if (concept.description) parts.push(el("p", { class: "description", text: concept.description }));
  parts.push(el("p", { id: "detail-uses", text: `Used by ${plural(concept.uses.stances, "stance")}.` }));
  const children = [...tree.all.values()].filter((c) => c.parent === concept.id).sort(byName);
  if (children.length) {
    parts.push(
      el("h3", { text: "Sub-concepts" }),
      el("ul", { class: "alias-list", id: "detail-children" }, ...children.map((c) => el("li", {}, conceptLink(c.id, c.name)))),
    );
  }
  parts.push(
    el("h3", { text: "Keywords" }),
    concept.keywords.length
      ? el("ul", { class: "alias-list", id: "detail-keywords" }, ...concept.keywords.map((k) => el("li", { text: k })))
      : el("p", { class: "muted small", text: "No keywords." }),
  );
  const actions = el("div", { class: "actions" });
  if (config.canEdit && !concept.merged_into) {
    actions.append(
      el("button", { type: "button", id: "edit-concept", text: "Edit", on: { click: () => openEditor(concept) } }),
      el("button", { type: "button", id: "add-child", text: "Add sub-concept", on: { click: () => openEditor(null, concept.id) } }),
      el("button", { type: "button", id: "merge-concept", text: "Merge into…", on: { click: () => startMerge(concept) } }),
    );
    const del = el("button", { type: "button", id: "delete-concept", class: "danger", text: "Delete" });
    del.addEventListener("click", () => armedClick(del, () => deleteConcept(concept)));
    actions.append(del);
  }
  if (actions.childElementCount) parts.push(actions);
  parts.push(el("p", { id: "detail-error", class: "error", role: "alert", hidden: "" }));
  detail.replaceChildren(...parts);
}

async function deleteConcept(concept) {
  try {
    await api.concepts.delete(concept.id);
    tree.selected = null;
    $("detail").hidden = true;
    $("no-selection").hidden = false;
    reload();
  } catch (error) {
    showDetailError(errorText(error));
  }
}

// --------------------------------------------------------------------- create and edit

const editor = { concept: null };

// The concepts `concept` may sit under: every current one but itself and
// those below it (the API refuses a loop too, and says which).
function parentOptions(concept, chosen) {
  const below = new Set();
  if (concept) {
    below.add(concept.id);
    let grew = true;
    while (grew) {
      grew = false;
      for (const c of tree.all.values()) {
        if (c.parent !== null && below.has(c.parent) && !below.has(c.id)) {
          below.add(c.id);
          grew = true;
        }
      }
    }
  }
  const options = [new Option("— top level —", "")];
  for (const { concept: c, depth } of treeRows([...tree.all.values()])) {
    if (below.has(c.id)) continue;
    options.push(new Option(`${"\u00a0\u00a0".repeat(depth)}${c.name}`, String(c.id)));
  }
  $("f-parent").replaceChildren(...options);
  $("f-parent").value = chosen === null || chosen === undefined ? "" : String(chosen);
}

function openEditor(concept, parent = null) {
  editor.concept = concept;
  clearFormErrors($("edit-form"));
  $("edit-title").textContent = concept ? `Edit ${concept.name}` : "New concept";
  $("f-name").value = concept ? concept.name : "";
  $("f-description").value = concept ? concept.description : "";
  $("f-keywords").value = concept ? concept.keywords.join("\n") : "";
  parentOptions(concept, concept ? concept.parent : parent);
  $("edit-dialog").showModal();
  $("f-name").focus();
}

function editorPayload() {
  const parent = $("f-parent").value;
  return {
    name: $("f-name").value.trim(),
    parent: parent ? Number(parent) : null,
    description: $("f-description").value,
    keywords: $("f-keywords")
      .value.split("\n")
      .map((k) => k.trim())
      .filter(Boolean),
  };
}

async function saveEditor(event) {
  event.preventDefault();
  clearFormErrors($("edit-form"));
  const button = $("edit-save");
  button.disabled = true;
  try {
    const payload = editorPayload();
    const saved = editor.concept
      ? await api.concepts.update(editor.concept.id, payload)
      : await api.concepts.create(payload);
    $("edit-dialog").close();
    tree.selected = saved;
    await loadTree();
    openConcept(saved);
  } catch (error) {
    showFormErrors($("edit-form"), error, $("edit-error"));
  } finally {
    button.disabled = false;
  }
}

// --------------------------------------------------------------------- merge

const merge = { source: null };

function startMerge(source) {
  showDetailError("");
  merge.source = source;
  $("merge-source").textContent = source.name;
  const options = treeRows([...tree.all.values()])
    .filter(({ concept }) => concept.id !== source.id)
    .map(({ concept, depth }) => new Option(`${"\u00a0\u00a0".repeat(depth)}${concept.name}`, String(concept.id)));
  if (!options.length) {
    showDetailError("There is no other concept to merge into.");
    return;
  }
  $("merge-into").replaceChildren(...options);
  $("merge-error").hidden = true;
  describeMerge();
  $("merge-dialog").showModal();
  $("merge-into").focus();
}

function describeMerge() {
  const { source } = merge;
  const survivor = tree.all.get(Number($("merge-into").value));
  if (!survivor) return;
  const children = [...tree.all.values()].filter((c) => c.parent === source.id && c.id !== survivor.id).length;
  $("merge-summary").replaceChildren(
    `${plural(source.uses.stances, "stance")} will take a position on `,
    el("strong", { text: survivor.name }),
    ` (which has ${plural(survivor.uses.stances, "stance")})`,
    children ? `, and ${plural(children, "sub-concept")} will move under it.` : ".",
  );
}

async function runMerge(event) {
  event.preventDefault();
  const { source } = merge;
  const into = Number($("merge-into").value);
  const button = $("merge-confirm");
  button.disabled = true;
  try {
    const result = await api.concepts.merge(source.id, into);
    $("merge-dialog").close();
    await loadTree();
    openConcept(result.survivor);
    const dropped = result.stances_dropped ? ` (${plural(result.stances_dropped, "doubled stance")} dropped)` : "";
    $("detail").prepend(
      el("p", {
        class: "notice",
        id: "merge-notice",
        text: `Merged ${source.name} into ${result.survivor.name}: ${plural(result.stances_moved, "stance")} moved${dropped}, ${plural(result.children_moved, "sub-concept")} moved.`,
      }),
    );
  } catch (error) {
    $("merge-error").textContent = errorText(error);
    $("merge-error").hidden = false;
  } finally {
    button.disabled = false;
  }
}

// --------------------------------------------------------------------- wiring

listKeys({
  search: $("q"),
  list: $("concept-tree"),
  enterList: () => {
    tree.active = Math.max(tree.active, 0);
    drawTree($("q").value.trim());
  },
  open: () => {
    const row = tree.rows[Math.max(tree.active, 0)];
    if (row) openConcept(row.concept);
  },
  move: moveActive,
  atTop: () => tree.active <= 0,
});
$("q").addEventListener("input", () => reload(150));
$("show-merged").addEventListener("change", () => reload());
if ($("new-concept")) $("new-concept").addEventListener("click", () => openEditor(null));
$("edit-form").addEventListener("submit", saveEditor);
$("edit-cancel").addEventListener("click", () => $("edit-dialog").close());
$("merge-into").addEventListener("change", describeMerge);
$("merge-form").addEventListener("submit", runMerge);
$("merge-cancel").addEventListener("click", () => $("merge-dialog").close());
if ($("import-file")) {
  $("import-file").addEventListener("change", () =>
    importFile(
      $("import-form"),
      $("import-result"),
      (body) => api.concepts.import(body),
      (data) => `Imported: ${data.created} created, ${data.updated} updated, ${data.unchanged} unchanged.`,
      () => reload(),
    ),
  );
}

loadTree();
