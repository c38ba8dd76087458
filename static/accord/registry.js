// The actor registry page: list, search and filters, create and edit with
// aliases, delete, merge (the survivor chosen with the workspace's actor
// picker), each actor's mentions, import and export. Everything goes through
// the REST API; every piece of data reaches the page as text (textContent).

import { Api, ApiError, errorText } from "./api.js";
import { el } from "./dom.js";
import { ActorPicker } from "./picker.js";
import { plural } from "./plural.js";
import { armedClick, clearFormErrors, importFile, listKeys, showFormErrors } from "./record_forms.js";

const config = JSON.parse(document.getElementById("accord-config").textContent);
const api = new Api(config.api);
const $ = (id) => document.getElementById(id);
const KIND_NAMES = Object.fromEntries(config.kinds.map((k) => [k.value, k.label]));
const PAGE_SIZE = 25;
const MENTIONS_PAGE_SIZE = 20;

function formatDate(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

// --------------------------------------------------------------------- the list

const list = {
  page: 1,
  count: 0,
  actors: [],
  active: -1,
  seq: 0,
  timer: null,
  selected: null, // the actor shown in the side panel
};

function listQuery() {
  const params = new URLSearchParams({ page: String(list.page), page_size: String(PAGE_SIZE) });
  const q = $("q").value.trim();
  const kind = $("kind").value;
  const country = $("country").value.trim().toUpperCase();
  if (q) params.set("q", q);
  if (kind) params.set("kind", kind);
  if (country) params.set("country", country);
  if ($("show-merged").checked) params.set("include_merged", "true");
  return params;
}

// A new actor would often fall outside the search that was on the screen:
// search for it instead, so the list shows what was just made.
function showInList(actor) {
  $("q").value = actor.name;
  $("kind").value = "";
  $("country").value = "";
  list.page = 1;
}

function reload({ resetPage = false, delay = 0 } = {}) {
  if (resetPage) list.page = 1;
  clearTimeout(list.timer);
  list.timer = setTimeout(loadList, delay);
}

async function loadList() {
  const seq = ++list.seq;
  try {
    const page = await api.actors.list(listQuery());
    if (seq !== list.seq) return; // a newer search is under way
    list.actors = page.results;
    list.count = page.count;
    list.active = Math.min(Math.max(list.active, 0), list.actors.length - 1);
    drawList();
  } catch (error) {
    if (error instanceof ApiError && error.status === 404 && list.page > 1) {
      list.page = 1; // the filter left fewer pages than we were on
      return loadList();
    }
    $("page-info").textContent = errorText(error);
  } finally {
    if (seq === list.seq) document.body.dataset.ready = "true";
  }
}

function drawList() {
  const rows = list.actors.map((actor, i) => {
    const name = el("td", { class: "name" }, el("strong", { text: actor.name }));
    if (actor.merged_into) name.append(" ", el("span", { class: "badge merged", text: "merged" }));
    const row = el(
      "tr",
      {
        dataset: { id: String(actor.id) },
        "aria-selected": String(i === list.active),
        class: [
          i === list.active ? "current" : "",
          list.selected && list.selected.id === actor.id ? "open" : "",
          actor.merged_into ? "is-merged" : "",
        ].join(" "),
        on: {
          click: () => {
            list.active = i;
            drawList();
            openActor(actor);
          },
        },
      },
      name,
      el("td", { text: KIND_NAMES[actor.kind] || actor.kind }),
      el("td", { text: actor.country || "" }),
      el("td", { class: "aliases", text: actor.aliases.map((a) => a.text).join(", ") }),
    );
    return row;
  });
  if (!rows.length) {
    rows.push(el("tr", {}, el("td", { colspan: "4", class: "muted", text: "No actor matches." })));
  }
  $("actor-rows").replaceChildren(...rows);
  const pages = Math.max(1, Math.ceil(list.count / PAGE_SIZE));
  $("page-info").textContent =
    `${plural(list.count, "actor")} · page ${list.page} of ${pages}`;
  $("prev").disabled = list.page <= 1;
  $("next").disabled = list.page >= pages;
  const current = $("actor-rows").querySelector("tr.current");
  if (current) current.scrollIntoView({ block: "nearest" });
}

function moveActive(step) {
  if (!list.actors.length) return;
  list.active = Math.min(list.actors.length - 1, Math.max(0, list.active + step));
  drawList();
}

// --------------------------------------------------------------------- the side panel

const mentions = { page: 1, count: 0, seq: 0 };

async function openActor(actor) {
  list.selected = actor;
  drawList();
  drawDetail(actor);
  mentions.page = 1;
  await loadMentions();
}

async function openActorById(id) {
  try {
    const actor = await api.actors.get(id);
    await openActor(actor);
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

function drawDetail(actor) {
  $("no-selection").hidden = true;
  const detail = $("detail");
  detail.hidden = false;
  const meta = [KIND_NAMES[actor.kind] || actor.kind];
  if (actor.country) meta.push(actor.country);
  const metaLine = el("p", { class: "muted", text: meta.join(" · ") });
  if (actor.wikidata_id) {
    metaLine.append(
      " · ",
      el("a", {
        href: `https://www.wikidata.org/wiki/${encodeURIComponent(actor.wikidata_id)}`,
        target: "_blank",
        rel: "noopener noreferrer",
        text: actor.wikidata_id,
      }),
    );
  }
  const parts = [el("h2", { id: "detail-name", text: actor.name }), metaLine];
  if (actor.merged_into) {
    const survivor = el("a", {
      href: "#",
      id: "merged-into-link",
      text: actor.merged_into_name || `actor ${actor.merged_into}`,
      on: {
        click: (e) => {
          e.preventDefault();
          openActorById(actor.merged_into);
        },
      },
    });
    const record = el("p", { class: "merge-record", id: "merge-record" }, "Merged into ", survivor);
    if (actor.merged_by) record.append(` by ${actor.merged_by}`);
    if (actor.merged_at) record.append(` on ${formatDate(actor.merged_at)}`);
    record.append(". Its mentions now point to the survivor.");
    parts.push(record);
  }
  if (actor.description) parts.push(el("p", { class: "description", text: actor.description }));
  const aliases = actor.aliases.map((a) =>
    el(
      "li",
      {},
      el("span", { text: a.text }),
      el("span", {
        class: "case",
        title: a.case_sensitive ? "matches exactly this case" : "matches in any case",
        text: a.case_sensitive ? "Aa" : "aa",
      }),
    ),
  );
  parts.push(
    el("h3", { text: "Aliases" }),
    aliases.length
      ? el("ul", { class: "alias-list", id: "detail-aliases" }, ...aliases)
      : el("p", { class: "muted small", text: "No aliases." }),
  );
  const actions = el("div", { class: "actions" });
  if (config.canEdit && !actor.merged_into) {
    actions.append(
      el("button", { type: "button", id: "edit-actor", text: "Edit", on: { click: () => openEditor(actor) } }),
      el("button", { type: "button", id: "merge-actor", text: "Merge into…", on: { click: () => startMerge(actor) } }),
    );
  }
  if (config.canEdit) {
    const del = el("button", { type: "button", id: "delete-actor", class: "danger", text: "Delete" });
    del.addEventListener("click", () => deleteActor(actor, del));
    actions.append(del);
  }
  if (actions.childElementCount) parts.push(actions);
  parts.push(el("p", { id: "detail-error", class: "error", role: "alert", hidden: "" }));
  detail.replaceChildren(...parts);
}

function deleteActor(actor, button) {
  armedClick(button, () => removeActor(actor));
}

async function removeActor(actor) {
  try {
    await api.actors.delete(actor.id);
    list.selected = null;
    $("detail").hidden = true;
    $("mentions-section").hidden = true;
    $("no-selection").hidden = false;
    reload();
  } catch (error) {
    showDetailError(errorText(error));
  }
}

function whoAnnotated(set) {
  if (set.kind === "annotator") return `${set.author}${set.status === "submitted" ? " (submitted)" : ""}`;
  if (set.kind === "gold") return "gold";
  return `prediction${set.source ? ` · ${set.source}` : ""}`;
}

// Opening the workspace creates an annotator set for the caller on its first
// load, so a mention links there only from the caller's own set; reviewers and
// owners open anyone else's mention on the adjudication page, which creates
// nothing; anyone else sees the document's title without a link.
function mentionLink(m, title) {
  if (m.set.kind === "annotator" && m.set.author === config.user) {
    return el("a", { href: `${config.documentsPage}${m.document.id}/`, text: title });
  }
  if (config.canReview) return el("a", { href: `${config.reviewPage}${m.document.id}/`, text: title });
  return el("span", { class: "doc-title", text: title });
}

async function loadMentions() {
  const actor = list.selected;
  if (!actor) return;
  const seq = ++mentions.seq;
  const params = new URLSearchParams({ page: String(mentions.page), page_size: String(MENTIONS_PAGE_SIZE) });
  $("mentions-section").hidden = false;
  try {
    const page = await api.actors.mentions(actor.id, params);
    if (seq !== mentions.seq) return;
    mentions.count = page.count;
    drawMentions(page.results, actor);
  } catch (error) {
    if (seq !== mentions.seq) return;
    $("mentions").replaceChildren(el("li", { class: "error", text: errorText(error) }));
  }
}

function drawMentions(rows, actor) {
  const items = rows.map((m) => {
    const title = m.document.title || m.document.external_id;
    const chip = el("span", { class: "chip", text: m.label });
    if (m.color) chip.style.setProperty("--c", m.color);
    const snippet = el(
      "p",
      { class: "snippet" },
      m.clipped_before ? "…" : "",
      m.before,
      el("mark", { text: m.text }),
      m.after,
      m.clipped_after ? "…" : "",
    );
    return el(
      "li",
      {},
      el(
        "div",
        { class: "mention-head" },
        mentionLink(m, title),
        chip,
        el("span", { class: "muted small who", text: whoAnnotated(m.set) }),
      ),
      snippet,
    );
  });
  if (!items.length) {
    const why = actor.merged_into
      ? "None: its mentions moved to the actor it was merged into."
      : "No mention that you may see links this actor yet.";
    items.push(el("li", { class: "muted", text: why }));
  }
  $("mentions").replaceChildren(...items);
  const pages = Math.max(1, Math.ceil(mentions.count / MENTIONS_PAGE_SIZE));
  $("mention-count").textContent = `(${mentions.count})`;
  $("mentions-page").textContent = `${mentions.page} / ${pages}`;
  $("mentions-prev").disabled = mentions.page <= 1;
  $("mentions-next").disabled = mentions.page >= pages;
}

// --------------------------------------------------------------------- create and edit

const editor = { actor: null };

function aliasRow(alias = { text: "", case_sensitive: true }) {
  const text = el("input", { type: "text", class: "alias-text", "aria-label": "Alias", autocomplete: "off" });
  text.value = alias.text;
  const sensitive = el("input", { type: "checkbox", class: "alias-case" });
  sensitive.checked = alias.case_sensitive;
  const li = el(
    "li",
    {},
    text,
    el("label", { class: "check" }, sensitive, " case-sensitive"),
    el("button", {
      type: "button",
      class: "small remove-alias",
      "aria-label": "Remove alias",
      text: "×",
      on: { click: () => li.remove() },
    }),
    el("p", { class: "error alias-error", hidden: "" }),
  );
  return li;
}

function clearEditorErrors() {
  clearFormErrors($("edit-form"));
}

function openEditor(actor) {
  editor.actor = actor;
  clearEditorErrors();
  $("edit-title").textContent = actor ? `Edit ${actor.name}` : "New actor";
  $("f-name").value = actor ? actor.name : $("q").value.trim();
  $("f-kind").value = actor ? actor.kind : "other";
  $("f-country").value = actor ? actor.country : "";
  $("f-wikidata").value = actor ? actor.wikidata_id : "";
  $("f-description").value = actor ? actor.description : "";
  $("alias-rows").replaceChildren(...(actor ? actor.aliases.map((a) => aliasRow(a)) : []));
  $("edit-dialog").showModal();
  $("f-name").focus();
}

function editorPayload() {
  const aliases = [...$("alias-rows").children]
    .map((li) => ({
      text: li.querySelector(".alias-text").value.trim(),
      case_sensitive: li.querySelector(".alias-case").checked,
    }))
    .filter((a) => a.text);
  return {
    name: $("f-name").value.trim(),
    kind: $("f-kind").value,
    country: $("f-country").value.trim().toUpperCase(),
    wikidata_id: $("f-wikidata").value.trim(),
    description: $("f-description").value,
    aliases,
  };
}

function showEditorErrors(error) {
  showFormErrors($("edit-form"), error, $("edit-error"));
}

async function saveEditor(event) {
  event.preventDefault();
  clearEditorErrors();
  const payload = editorPayload();
  const button = $("edit-save");
  button.disabled = true;
  try {
    const saved = editor.actor
      ? await api.actors.update(editor.actor.id, payload)
      : await api.actors.create(payload);
    $("edit-dialog").close();
    if (!editor.actor) showInList(saved);
    reload();
    await openActor(saved);
  } catch (error) {
    showEditorErrors(error);
  } finally {
    button.disabled = false;
  }
}

// --------------------------------------------------------------------- merge

const picker = new ActorPicker(api, new Map());
const merge = { source: null, survivor: null };

// The picker creates an actor on Enter when nothing matches (right while
// linking, wrong while merging): stop that Enter before it reaches the picker.
$("actor-dialog").addEventListener(
  "keydown",
  (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey || !picker.results.length)) {
      e.preventDefault();
      e.stopPropagation();
    }
  },
  true,
);

function startMerge(source) {
  showDetailError("");
  picker.open("", (survivor) => confirmMerge(source, survivor), null, { exclude: source.id });
}

async function mentionCount(actor) {
  const page = await api.actors.mentions(actor.id, { page_size: 1 });
  return page.count;
}

async function confirmMerge(source, survivor) {
  if (!survivor) return;
  if (survivor.id === source.id) {
    showDetailError("An actor cannot be merged into itself; choose another one.");
    return;
  }
  merge.source = source;
  merge.survivor = survivor;
  $("merge-error").hidden = true;
  try {
    const [moving, staying] = await Promise.all([mentionCount(source), mentionCount(survivor)]);
    const carried = source.aliases.length + 1;
    $("merge-summary").replaceChildren(
      "Merge ",
      el("strong", { text: source.name }),
      ` (${plural(moving, "mention")}, ${plural(source.aliases.length, "alias", "aliases")}) into `,
      el("strong", { text: survivor.name }),
      ` (${plural(staying, "mention")})? `,
      moving === 1 ? "Its mention will point to " : `All ${plural(moving, "mention")} will point to `,
      el("strong", { text: survivor.name }),
      `, which will have ${moving + staying}; up to ${carried === 1 ? "1 name becomes its alias" : `${plural(carried, "name")} become its aliases`}.`,
    );
    $("merge-summary").dataset.moving = String(moving);
    $("merge-dialog").showModal();
    $("merge-confirm").focus();
  } catch (error) {
    showDetailError(errorText(error));
  }
}

async function runMerge(event) {
  event.preventDefault();
  const { source, survivor } = merge;
  const button = $("merge-confirm");
  button.disabled = true;
  try {
    const result = await api.actors.merge(source.id, survivor.id);
    $("merge-dialog").close();
    reload();
    await openActor(result.survivor);
    const note = el("p", {
      class: "notice",
      id: "merge-notice",
      text: `Merged ${source.name} into ${result.survivor.name}: ${plural(result.mentions_moved, "mention")} moved.`,
    });
    $("detail").prepend(note);
  } catch (error) {
    $("merge-error").textContent = errorText(error);
    $("merge-error").hidden = false;
  } finally {
    button.disabled = false;
  }
}

// --------------------------------------------------------------------- import

function importActors() {
  importFile(
    $("import-form"),
    $("import-result"),
    (body) => api.actors.import(body),
    (data) =>
      `Imported: ${data.created} created, ${data.updated} updated, ${data.unchanged} unchanged, ${plural(data.aliases_added, "alias", "aliases")} added.`,
    () => reload({ resetPage: true }),
  );
}

// --------------------------------------------------------------------- wiring

listKeys({
  search: $("q"),
  list: $("actor-rows"),
  enterList: () => {
    list.active = Math.max(list.active, 0);
    drawList();
  },
  open: () => {
    const actor = list.actors[Math.max(list.active, 0)];
    if (actor) openActor(actor);
  },
  move: moveActive,
  atTop: () => list.active <= 0,
  more: (e) => {
    const button = { PageDown: $("next"), PageUp: $("prev") }[e.key];
    if (!button || button.disabled) return false;
    button.click();
    return true;
  },
});
$("q").addEventListener("input", () => reload({ resetPage: true, delay: 150 }));
$("kind").addEventListener("change", () => reload({ resetPage: true }));
$("country").addEventListener("input", () => reload({ resetPage: true, delay: 150 }));
$("show-merged").addEventListener("change", () => reload({ resetPage: true }));
$("prev").addEventListener("click", () => {
  list.page -= 1;
  list.active = 0;
  reload();
});
$("next").addEventListener("click", () => {
  list.page += 1;
  list.active = 0;
  reload();
});
$("mentions-prev").addEventListener("click", () => {
  mentions.page -= 1;
  loadMentions();
});
$("mentions-next").addEventListener("click", () => {
  mentions.page += 1;
  loadMentions();
});

$("new-actor").addEventListener("click", () => openEditor(null));
$("add-alias").addEventListener("click", () => {
  const row = aliasRow();
  $("alias-rows").append(row);
  row.querySelector(".alias-text").focus();
});
$("edit-form").addEventListener("submit", saveEditor);
$("edit-cancel").addEventListener("click", () => $("edit-dialog").close());
$("merge-form").addEventListener("submit", runMerge);
$("merge-cancel").addEventListener("click", () => $("merge-dialog").close());
if ($("import-file")) $("import-file").addEventListener("change", importActors);

loadList();
