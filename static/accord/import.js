// The import page: choose or drop a file, choose where its annotations land
// (prediction sets, gold, or the sets of the annotators it names, each mapped
// to a member in a table), read the server's preview of what the import would
// store, then import it. Every value reaches the page as text.

import { Api, ApiError, errorText } from "./api.js";
import { el } from "./dom.js";

const config = JSON.parse(document.getElementById("accord-config").textContent);
const api = new Api(config.api);
const $ = (id) => document.getElementById(id);
let chosen = null; // the File being previewed
// The owner's choices in the mapping table: peer author -> member username.
let userMap = {};
// The project's members, for the mapping table's selects.
let members = [];
const membersLoaded = api.members
  .list()
  .then((page) => {
    members = page.results.map((m) => m.username).sort();
  })
  .catch(() => {}); // the table then offers no one; the preview still names every problem

const destination = () => document.querySelector("input[name=annotations]:checked").value;

function formData() {
  const form = new FormData();
  form.append("file", chosen);
  if ($("format").value) form.append("format", $("format").value);
  form.append("annotations", destination());
  if (destination() === "annotators" && Object.keys(userMap).length) {
    form.append("user_map", JSON.stringify(userMap));
  }
  return form;
}

function busy(message) {
  $("import-busy").hidden = !message;
  $("import-busy").textContent = message || "";
}

// The last preview, so a failed import can be tried again without re-choosing the file.
let lastPreview = null;

function fail(error) {
  busy(null);
  $("import-error").textContent = errorText(error);
  $("import-error").hidden = false;
  if (lastPreview) $("import-button").disabled = lastPreview.errors.length > 0 || lastPreview.new === 0;
}

const plural = (n, one, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

// Ask the server what importing the chosen file would do. `refocus`: the
// selector of the control that asked (a mapping select), which keeps the
// focus and the preview in view instead of moving on to the import button.
async function check(refocus = null) {
  if (!chosen) return;
  $("import-error").hidden = true;
  $("result").hidden = true;
  if (!refocus) $("preview-section").hidden = true;
  $("import-button").disabled = true;
  lastPreview = null;
  $("file-name").textContent = `${chosen.name} · ${plural(chosen.size, "byte")}`;
  busy("Reading the file…");
  try {
    await membersLoaded;
    show(await api.imports.preview(formData()), refocus);
    busy(null);
  } catch (error) {
    fail(error);
  }
}

function show(preview, refocus = null) {
  lastPreview = preview;
  const parts = [
    `Format ${preview.format ?? "(records)"}`,
    plural(preview.documents, "document"),
    `${plural(preview.new, "new one")} to store`,
  ];
  if (preview.duplicates) parts.push(`${plural(preview.duplicates, "already in the project")}, skipped`);
  const sets = setsText(preview.sets);
  if (sets) parts.push(`with ${sets}`);
  $("summary").textContent = parts.join(" · ");
  showAuthors(preview);
  const problems = preview.errors;
  $("problems-block").hidden = problems.length === 0;
  $("problem-count").textContent = problems.length ? `(${problems.length})` : "";
  $("problem-rows").replaceChildren(
    ...problems.map((p) =>
      el("tr", {}, el("td", { text: p.where }), el("td", { text: p.field ?? "" }), el("td", { text: p.message })),
    ),
  );
  $("preview-rows").replaceChildren(
    ...preview.preview.map((r) =>
      el(
        "tr",
        { class: r.duplicate ? "duplicate" : null },
        el("td", { text: r.id }),
        el("td", { text: r.title }),
        el("td", { class: "text", text: r.length > r.text.length ? `${r.text}…` : r.text }),
        el("td", { text: r.outlet }),
        el("td", { text: r.published ?? "" }),
        el("td", { text: String(r.spans) }),
        el("td", { class: "small", text: r.annotators.join(", ") }),
        el("td", { class: "muted small", text: r.duplicate ? "already there: skipped" : "" }),
      ),
    ),
  );
  const button = $("import-button");
  button.disabled = problems.length > 0 || preview.new === 0;
  button.textContent = preview.new ? `Import ${plural(preview.new, "new document")}` : "Nothing new to import";
  $("preview-section").hidden = false;
  const again = refocus && document.querySelector(refocus);
  if (again) again.focus();
  else if (!button.disabled) button.focus();
}

// {annotator, gold, prediction} counts in words, "" when all are 0.
function setsText(sets) {
  return [
    sets.annotator && plural(sets.annotator, "annotator's set", "annotators' sets"),
    sets.gold && `${plural(sets.gold, "gold set")} (adjudicated)`,
    sets.prediction && plural(sets.prediction, "prediction set"),
  ]
    .filter(Boolean)
    .join(", ");
}

// The peer authors the file names, each with a select of the members: what
// the server matched (by username or e-mail) is preselected, and a choice
// here goes to the server as user_map.
function showAuthors(preview) {
  const annotators = destination() === "annotators";
  $("authors-block").hidden = !preview.authors.length && !annotators;
  $("authorship").textContent = preview.authors.length
    ? annotators
      ? "Each becomes the submitted sets of the member chosen here."
      : "Choose “annotators' sets” above to keep who annotated what."
    : `Nobody is named: ${preview.authorship}.`;
  $("author-rows").replaceChildren(
    ...preview.authors.map((author) => {
      const id = `map-${author.peer}`;
      const select = el(
        "select",
        { id, dataset: { peer: author.peer }, disabled: !annotators },
        el("option", { value: "", text: author.kind === "id" ? "— choose a member —" : "— match by name —" }),
        ...members.map((name) => el("option", { value: name, text: name })),
      );
      select.value = userMap[author.peer] ?? author.user ?? "";
      select.addEventListener("change", () => {
        if (select.value) userMap[author.peer] = select.value;
        else delete userMap[author.peer];
        check(`#${CSS.escape(id)}`);
      });
      const how = author.user
        ? { user_map: "chosen here", username: "same username", email: "same e-mail" }[author.matched_by]
        : author.problem;
      return el(
        "tr",
        {},
        el("td", {}, el("label", { for: id, text: author.name })),
        el("td", { text: author.documents.toLocaleString() }),
        el("td", {}, select),
        el("td", { class: author.user ? "muted small" : "error small", text: how ?? "" }),
      );
    }),
  );
}

async function runImport() {
  $("import-button").disabled = true;
  busy("Importing… nothing is stored unless every record is.");
  try {
    const report = await api.imports.run(formData());
    busy(null);
    $("preview-section").hidden = true;
    const skipped = report.skipped ? `, ${plural(report.skipped, "duplicate")} skipped` : "";
    const sets = setsText(report.sets);
    $("result").replaceChildren(
      `Imported ${plural(report.created, "document")}${sets ? ` with ${sets}` : ""}${skipped}. `,
      el("a", { href: config.documentsPage, text: "See the documents" }),
    );
    $("result").hidden = false;
  } catch (error) {
    // A refusal lists its problems as the preview does.
    if (error instanceof ApiError && Array.isArray(error.body.errors) && error.body.errors.length) {
      await check();
    } else fail(error);
  }
}

function choose(file) {
  chosen = file || null;
  userMap = {};
  check();
}

$("file").addEventListener("change", () => choose($("file").files[0]));
$("format").addEventListener("change", () => check());
for (const radio of document.querySelectorAll("input[name=annotations]")) {
  radio.addEventListener("change", () => check());
}
$("import-button").addEventListener("click", runImport);
const drop = $("drop");
drop.addEventListener("dragover", (e) => {
  e.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  choose(e.dataTransfer.files[0]);
});
document.body.dataset.ready = "true";
