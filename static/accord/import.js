// The import page: choose or drop a file, choose where its annotations land
// (prediction sets, gold, or the sets of the annotators it names, each mapped
// to a member in a table), read the server's preview of what the import would
// store, then import it. A file the server imports in the
// background (202 and a job) is followed to the same result; the project's
// recent import jobs are listed, and one still running is followed again when
// the page opens. Every value reaches the page as text.

import { Api, ApiError, errorText } from "./api.js";
import { el } from "./dom.js";
import { ACTIVE, followJob, progressBar } from "./follow.js";
import { plural } from "./plural.js";

const config = JSON.parse(document.getElementById("accord-config").textContent);
const api = new Api(config.api, config.jobsApi);
const POLL_MS = 1000;
const RECENT = 5; // background imports listed

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
const $ = (id) => document.getElementById(id);
let chosen = null; // the File being previewed

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


function problemRows(problems) {
  return problems.map((p) =>
    el("tr", {}, el("td", { text: p.where }), el("td", { text: p.field ?? "" }), el("td", { text: p.message })),
  );
}

function clearOutcome() {
  $("import-error").hidden = true;
  $("result").hidden = true;
  $("job-problems").hidden = true;
}

// Ask the server what importing the chosen file would do. `refocus`: the
// selector of the control that asked (a mapping select), which keeps the
// focus and the preview in view instead of moving on to the import button.
async function check(refocus = null) {
  if (!chosen) return;
  clearOutcome();
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
  if (chosen.size > config.backgroundBytes) parts.push("imported in the background: you may close the page meanwhile");
  $("summary").textContent = parts.join(" · ");
  showAuthors(preview);
  const problems = preview.errors;
  $("problems-block").hidden = problems.length === 0;
  $("problem-count").textContent = problems.length ? `(${problems.length})` : "";
  $("problem-rows").replaceChildren(...problemRows(problems));
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

// What an import stored, as the page says it, with or without a link.
function importedText(report) {
  const skipped = report.skipped ? `, ${plural(report.skipped, "duplicate")} skipped` : "";
  const sets = report.sets ? setsText(report.sets) : "";
  return `Imported ${plural(report.created, "document")}${sets ? ` with ${sets}` : ""}${skipped}.`;
}

function showResult(report) {
  $("preview-section").hidden = true;
  $("result").replaceChildren(`${importedText(report)} `, el("a", { href: config.documentsPage, text: "See the documents" }));
  $("result").hidden = false;
}

async function runImport() {
  $("import-button").disabled = true;
  clearOutcome();
  busy("Importing… nothing is stored unless every record is.");
  try {
    const answer = await api.imports.run(formData());
    busy(null);
    if (answer.job !== undefined) {
      $("preview-section").hidden = true;
      mainJob = answer.job;
      showJob({ id: answer.job, kind: "import", status: "pending", progress: 0 });
      follow(answer.job);
      loadRecent().catch(() => {}); // the rest of the list; this job's row comes as it is followed
    } else showResult(answer);
  } catch (error) {
    // A refusal lists its problems as the preview does.
    if (error instanceof ApiError && Array.isArray(error.body.errors) && error.body.errors.length) {
      await check();
    } else fail(error);
  }
}

// ------------------------------------------------------------------ background imports

let mainJob = null; // the job the progress section follows: started here, or found running
const following = new Set();
const followed = new Set(); // read one by one: the list's older answer must not overwrite them

const STATUS_TEXT = { pending: "Queued", running: "Running", done: "Done", failed: "Failed" };
const FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

function showJob(job) {
  $("job-section").hidden = false;
  $("job-bar").replaceChildren(progressBar(job, "Import progress"));
  const pct = Math.round(100 * (job.progress || 0));
  $("job-state").textContent =
    job.status === "pending" ? "Waiting for a worker…" : job.status === "running" ? `Importing: ${pct}% stored…` : "";
}

function showProblems(problems) {
  $("job-problem-count").textContent = `(${problems.length})`;
  $("job-problem-rows").replaceChildren(...problemRows(problems));
  $("job-problems").hidden = false;
}

// The end of the followed job, as the synchronous import would have shown it.
function showOutcome(job) {
  showJob(job);
  $("job-section").hidden = true;
  if (job.status === "done") return showResult(job.result || { created: 0, skipped: 0 });
  const problems = (job.result && job.result.errors) || [];
  if (problems.length) showProblems(problems);
  else fail(new Error(job.error || "The import failed; nothing was stored."));
}

function outcomeCell(job) {
  const cell = el("td", { class: "job-outcome" });
  if (job.status === "done") cell.textContent = importedText(job.result || { created: 0, skipped: 0 });
  else if (job.status === "failed") {
    const problems = (job.result && job.result.errors) || [];
    cell.append(el("span", { class: "error", text: problems.length ? `Nothing was imported: ${plural(problems.length, "problem")}. ` : job.error }));
    if (problems.length) {
      cell.append(el("button", { type: "button", class: "link", text: "Show the problems", on: { click: () => showProblems(problems) } }));
    }
  } else {
    cell.classList.add("muted");
    cell.textContent = job.status === "running" ? "importing…" : "waiting for a worker";
  }
  return cell;
}

function renderRow(job) {
  const row = el(
    "tr",
    { dataset: { job: job.id, status: job.status } },
    el("td", { text: job.created_by ?? "—" }),
    el("td", {}, el("time", { datetime: job.created_at, text: FORMAT.format(new Date(job.created_at)) })),
    el("td", {}, el("span", { class: `job-status job-status-${job.status}`, text: STATUS_TEXT[job.status] || job.status })),
    el("td", { class: "jobs-progress" }, progressBar(job, `Import ${job.id} progress`)),
    outcomeCell(job),
  );
  const rows = $("recent-rows");
  const old = rows.querySelector(`tr[data-job="${job.id}"]`);
  if (old) old.replaceWith(row);
  else rows.insertBefore(row, [...rows.children].find((r) => Number(r.dataset.job) < job.id) || null);
  $("recent-section").hidden = false;
}

// Follow a pending or running job to its end: its row, and the progress
// section if it is the page's; at its end, the page's job shows its outcome.
function follow(id) {
  if (following.has(id)) return;
  following.add(id);
  const update = (job) => {
    followed.add(job.id);
    renderRow(job);
    if (job.id === mainJob) showJob(job);
  };
  followJob(api, id, {
    first: POLL_MS,
    onUpdate: update,
    onOffline: (error) => {
      if (id === mainJob) $("job-state").textContent = `${errorText(error)} Still following…`;
    },
  })
    .then((job) => {
      if (job.id === mainJob) showOutcome(job);
    })
    .catch((error) => {
      if (id === mainJob) fail(error);
    })
    .finally(() => following.delete(id));
}

// The project's recent import jobs; a running one is followed (the newest
// becomes the page's own when the page has none: the owner came back).
async function loadRecent() {
  const body = await api.jobs.list({ project: config.project, kind: "import", page_size: RECENT });
  const active = body.results.filter((job) => ACTIVE.has(job.status));
  if (mainJob === null && active.length) {
    mainJob = active[0].id;
    showJob(active[0]);
  }
  for (const job of body.results) if (!followed.has(job.id)) renderRow(job);
  for (const job of active) if (!followed.has(job.id)) follow(job.id);
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
loadRecent()
  .catch(fail)
  .finally(() => {
    document.body.dataset.ready = "true";
  });
