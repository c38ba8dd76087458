// The import page: choose or drop a file, read the server's preview of what
// the import would store, then import it. Every value reaches the page as text.

import { Api, ApiError, errorText } from "./api.js";
import { el } from "./dom.js";

const config = JSON.parse(document.getElementById("accord-config").textContent);
const api = new Api(config.api);
const $ = (id) => document.getElementById(id);
let chosen = null; // the File being previewed

function formData() {
  const form = new FormData();
  form.append("file", chosen);
  if ($("format").value) form.append("format", $("format").value);
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

async function check() {
  if (!chosen) return;
  $("import-error").hidden = true;
  $("result").hidden = true;
  $("preview-section").hidden = true;
  lastPreview = null;
  $("file-name").textContent = `${chosen.name} · ${plural(chosen.size, "byte")}`;
  busy("Reading the file…");
  try {
    show(await api.imports.preview(formData()));
    busy(null);
  } catch (error) {
    fail(error);
  }
}

function show(preview) {
  lastPreview = preview;
  const parts = [
    `Format ${preview.format ?? "(records)"}`,
    plural(preview.documents, "document"),
    `${plural(preview.new, "new one")} to store`,
  ];
  if (preview.duplicates) parts.push(`${plural(preview.duplicates, "already in the project")}, skipped`);
  if (preview.with_spans) parts.push(`${plural(preview.with_spans, "document")} with spans (stored as prediction sets)`);
  $("summary").textContent = parts.join(" · ");
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
        el("td", { class: "muted small", text: r.duplicate ? "already there: skipped" : "" }),
      ),
    ),
  );
  const button = $("import-button");
  button.disabled = problems.length > 0 || preview.new === 0;
  button.textContent = preview.new ? `Import ${plural(preview.new, "new document")}` : "Nothing new to import";
  $("preview-section").hidden = false;
  if (!button.disabled) button.focus();
}

async function runImport() {
  $("import-button").disabled = true;
  busy("Importing… nothing is stored unless every record is.");
  try {
    const report = await api.imports.run(formData());
    busy(null);
    $("preview-section").hidden = true;
    const skipped = report.skipped ? `, ${plural(report.skipped, "duplicate")} skipped` : "";
    $("result").replaceChildren(
      `Imported ${plural(report.created, "document")}${skipped}. `,
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
  check();
}

$("file").addEventListener("change", () => choose($("file").files[0]));
$("format").addEventListener("change", () => check());
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
