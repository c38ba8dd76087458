// The documents page: the project's documents, filtered, sorted and paged by
// cursor through the documents API. Each row opens the document read-only;
// owners delete an untouched document or reassign an unfinished set (the
// sets API says whose sets are unfinished). Every value reaches the page as text.

import { Api, errorText, fieldErrors } from "./api.js";
import { FILTERS, readFilters } from "./document_filters.js";
import { el } from "./dom.js";

const config = JSON.parse(document.getElementById("accord-config").textContent);
const api = new Api(config.api);
const $ = (id) => document.getElementById(id);
const STATUS_NAMES = Object.fromEntries(
  [...$("status").options].filter((o) => o.value).map((o) => [o.value, o.textContent]),
);

// The cursors of the pages before this one, so "Previous" needs no count.
const state = { cursor: null, back: [], next: null, page: 1, seq: 0 };

// The API's `next`/`previous` are URLs; the page keeps only their cursor.
const cursorOf = (url) => (url ? new URL(url, window.location.href).searchParams.get("cursor") : null);

async function load() {
  const seq = ++state.seq;
  const filters = readFilters();
  const params = { ...filters, ordering: $("ordering").value, page_size: 100 };
  if (state.cursor) params.cursor = state.cursor;
  $("doc-error").hidden = true;
  // Owners pre-annotate what the list shows: the link carries its filters.
  if ($("preannotate-link")) {
    const query = String(new URLSearchParams(filters));
    $("preannotate-link").href = config.preannotatePage + (query ? `?${query}` : "");
  }
  for (const name of FILTERS) $(name).removeAttribute("aria-invalid");
  try {
    const page = await api.documents.list(params);
    if (seq !== state.seq) return; // a newer request is on its way
    state.next = cursorOf(page.next);
    render(page.results);
    document.body.dataset.ready = "true";
  } catch (error) {
    if (seq !== state.seq) return;
    $("doc-error").textContent = errorText(error);
    $("doc-error").hidden = false;
    // A refused filter is marked, and the cursor goes back to it.
    const refused = FILTERS.filter((name) => name in fieldErrors(error));
    for (const name of refused) $(name).setAttribute("aria-invalid", "true");
    if (refused.length) $(refused[0]).focus();
  }
}

function row(doc) {
  const title = doc.title || doc.external_id;
  const cells = [
    el("td", { text: doc.external_id }),
    el(
      "td",
      {},
      el("a", { class: "doc-link", href: `${config.documentsPage}${doc.id}/view/`, text: title }),
      " ",
      // Reviewers and owners also adjudicate from here.
      el("a", { class: "small", href: `${config.reviewPage}${doc.id}/`, text: "adjudicate", "aria-label": `Adjudicate ${title}` }),
    ),
    el("td", {}, el("span", { class: `status status-${doc.status}`, text: STATUS_NAMES[doc.status] || doc.status })),
    el("td", { text: doc.assigned ? `${doc.submitted} of ${doc.assigned} submitted` : "none yet" }),
    el("td", { text: doc.outlet }),
    el("td", { text: doc.published || "" }),
    el("td", { text: doc.last_activity ? new Date(doc.last_activity).toLocaleString() : "" }),
  ];
  if (config.canDelete) {
    // Only a document nobody has taken: deleting one would delete their work.
    const untouched = doc.assigned === 0 && doc.status === "new";
    // Only a document with a set that may still be unfinished.
    const started = doc.assigned > doc.submitted && doc.status !== "adjudicated";
    cells.push(
      el(
        "td",
        {},
        untouched &&
          el("button", {
            type: "button",
            class: "small danger",
            text: "Delete",
            "aria-label": `Delete ${title}`,
            on: { click: () => remove(doc, title) },
          }),
        started &&
          el("button", {
            type: "button",
            class: "small",
            text: "Reassign…",
            "aria-label": `Reassign ${title}`,
            on: { click: () => openReassign(doc, title) },
          }),
      ),
    );
  }
  return el("tr", { dataset: { id: String(doc.id) } }, ...cells);
}

function render(docs) {
  $("doc-rows").replaceChildren(
    ...(docs.length
      ? docs.map(row)
      : [el("tr", {}, el("td", { colspan: "8", class: "muted", text: "No document matches." }))]),
  );
  $("prev").disabled = state.back.length === 0;
  $("next").disabled = !state.next;
  const first = (state.page - 1) * 100 + 1;
  $("page-info").textContent = docs.length
    ? `Documents ${first}–${first + docs.length - 1} (page ${state.page})`
    : "";
}

async function remove(doc, title) {
  if (!window.confirm(`Delete “${title}”? It has no annotations; this cannot be undone.`)) return;
  try {
    await api.documents.delete(doc.id);
    await load();
  } catch (error) {
    $("doc-error").textContent = errorText(error);
    $("doc-error").hidden = false;
  }
}

// The reassign dialog: "from" lists the annotators whose set on the document
// is unfinished, read from the sets API when it opens.
let reassigning = null;

async function openReassign(doc, title) {
  $("reassign-error").hidden = true;
  try {
    const sets = await api.sets.list(doc.id);
    const open = sets.filter((s) => s.kind === "annotator" && s.status === "in_progress");
    if (!open.length) throw new Error("Every set of this document is submitted: nothing to reassign.");
    reassigning = doc;
    $("reassign-doc").textContent = title;
    $("reassign-from").replaceChildren(...open.map((s) => el("option", { value: s.author, text: s.author })));
    const holders = new Set(sets.filter((s) => s.kind === "annotator").map((s) => s.author));
    // Preselect someone who has no set here yet.
    const free = [...$("reassign-to").options].find((o) => !holders.has(o.value));
    if (free) $("reassign-to").value = free.value;
    $("reassign-dialog").showModal();
    $("reassign-from").focus();
  } catch (error) {
    $("doc-error").textContent = errorText(error);
    $("doc-error").hidden = false;
  }
}

async function reassign() {
  try {
    await api.documents.reassign(reassigning.id, $("reassign-from").value, $("reassign-to").value);
    $("reassign-dialog").close();
    await load();
  } catch (error) {
    $("reassign-error").textContent = errorText(error);
    $("reassign-error").hidden = false;
  }
}

function restart() {
  Object.assign(state, { cursor: null, back: [], next: null, page: 1 });
  load();
}

$("filters").addEventListener("submit", (e) => {
  e.preventDefault();
  restart();
});
$("filters").addEventListener("reset", () => setTimeout(restart));
$("ordering").addEventListener("change", restart);
if ($("reassign-form")) {
  $("reassign-form").addEventListener("submit", (e) => {
    e.preventDefault();
    reassign();
  });
  $("reassign-cancel").addEventListener("click", () => $("reassign-dialog").close());
}
$("next").addEventListener("click", () => {
  if (!state.next) return;
  state.back.push(state.cursor);
  state.cursor = state.next;
  state.page += 1;
  load();
});
$("prev").addEventListener("click", () => {
  if (!state.back.length) return;
  state.cursor = state.back.pop();
  state.page -= 1;
  load();
});
document.addEventListener("keydown", (e) => {
  if (e.key === "/" && !e.target.closest("input, select, textarea")) {
    e.preventDefault();
    $("q").focus();
  }
});

load();
