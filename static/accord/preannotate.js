// The pre-annotation page: the kind → label mapping (a project setting), the
// documents to read (every one or a filter of the documents list, maybe only
// those nobody has taken) counted before running, a run as a background job
// followed to its end, and the job's summary.

import { Api, errorText, fieldErrors } from "./api.js";
import { FILTERS, fillFilters, readFilters } from "./document_filters.js";
import { el } from "./dom.js";
import { followJob } from "./follow.js";
import { plural } from "./plural.js";

const config = JSON.parse(document.getElementById("accord-config").textContent);
const api = new Api(config.api, config.jobsApi);
const $ = (id) => document.getElementById(id);
const selects = [...document.querySelectorAll("select[data-kind]")];
const POLL_MS = 1000;
const COUNT_DELAY_MS = 300;

for (const select of selects) select.value = config.mapping[select.dataset.kind] || "";

$("mapping-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const mapping = Object.fromEntries(selects.filter((s) => s.value).map((s) => [s.dataset.kind, s.value]));
  $("mapping-status").textContent = "Saving…";
  try {
    await api.project.update({ actor_kind_labels: mapping });
    $("mapping-status").textContent = "Saved.";
  } catch (error) {
    $("mapping-status").textContent = fieldErrors(error).actor_kind_labels || errorText(error);
  }
});

// ------------------------------------------------------------------ which documents

const filtering = () => document.querySelector("input[name=which]:checked").value === "filter";

// The request's selection: {filter?, unannotated?}.
function selection() {
  const body = {};
  if (filtering()) body.filter = readFilters();
  if ($("unannotated").checked) body.unannotated = true;
  return body;
}

const counting = { timer: null, seq: 0 };

// One count request for the selection as it stands; a newer one wins.
async function showCount() {
  const seq = ++counting.seq;
  const line = $("selection-count");
  $("filter-block").hidden = !filtering();
  line.classList.remove("error");
  line.textContent = "Counting…";
  try {
    const { documents } = await api.preannotate.count(selection());
    if (seq !== counting.seq) return;
    line.textContent =
      documents === 0
        ? "No document matches: a run would read nothing."
        : `${plural(documents, "document")} will be read.`;
  } catch (error) {
    if (seq !== counting.seq) return;
    line.classList.add("error");
    line.textContent = errorText(error);
  }
}

function countSoon() {
  clearTimeout(counting.timer);
  counting.timer = setTimeout(showCount, COUNT_DELAY_MS);
}

for (const radio of document.querySelectorAll("input[name=which]")) radio.addEventListener("change", showCount);
$("unannotated").addEventListener("change", showCount);
for (const name of FILTERS) {
  $(name).addEventListener("input", countSoon);
  $(name).addEventListener("change", countSoon);
}

// From the documents page's "Pre-annotate these": its filters in the URL.
if (fillFilters(new URLSearchParams(window.location.search))) {
  document.querySelector("input[name=which][value=filter]").checked = true;
}

// ------------------------------------------------------------------ the run

function showError(message) {
  $("run-error").textContent = message;
  $("run-error").hidden = !message;
}

function showProgress(job) {
  const percent = Math.round((job.progress || 0) * 100);
  $("progress").setAttribute("aria-valuenow", String(percent));
  $("progress-bar").style.width = `${percent}%`;
  $("progress-text").textContent = job.status === "pending" ? "Waiting for a worker…" : `${percent}%`;
}

function showSummary(result) {
  const n = (x) => Number(x || 0).toLocaleString();
  const parts = [
    `${plural(result.documents, "document")} read by ${result.suggester}`,
    `${n(result.spans)} suggestions stored`,
    `${n(result.created)} prediction sets created, ${n(result.replaced)} replaced, ${n(result.deleted)} removed`,
  ];
  if (result.capped) parts.push(`${n(result.capped)} documents had more than ${n(result.max_spans)} suggestions and kept the first ${n(result.max_spans)}`);
  $("summary-text").textContent = `${parts.join(" · ")}.`;
  const rows = Object.entries(result.per_label || {});
  $("per-label").replaceChildren(
    ...(rows.length
      ? rows.map(([label, count]) => el("tr", {}, el("td", { text: label }), el("td", { text: n(count) })))
      : [el("tr", {}, el("td", { colspan: "2", class: "muted", text: "No suggestion." }))]),
  );
  $("summary").hidden = false;
}

async function follow(jobId) {
  // The job goes on on the server: a lost answer is asked again, a refusal ends it.
  const job = await followJob(api, jobId, {
    first: POLL_MS,
    onUpdate: showProgress,
    onOffline: (error) => {
      $("progress-text").textContent = `${errorText(error)} Still following…`;
    },
  });
  if (job.status === "done") return showSummary(job.result || {});
  return showError(job.error || "The pre-annotation failed; nothing was stored.");
}

$("run-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  showError("");
  $("summary").hidden = true;
  $("run-button").disabled = true;
  const body = { suggester: $("suggester").value, ...selection() };
  try {
    const { job } = await api.preannotate.run(body);
    $("progress-block").hidden = false;
    showProgress({ status: "pending", progress: 0 });
    await follow(job);
  } catch (error) {
    showError(errorText(error));
  } finally {
    $("run-button").disabled = false;
  }
});
showCount().finally(() => {
  document.body.dataset.ready = "true";
});
