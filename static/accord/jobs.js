// The jobs page: the project's background jobs, newest first, read through
// the jobs API. While any job on the page is pending or running the page
// asks again (after config.pollMs, later while nothing changes, never while
// the tab is hidden: follow.js), so progress moves and a job that ends shows
// its result (or error) without a reload. A failed job that may run again
// (`retryable`) has a Retry button; a job on its second attempt or later says
// so, with why the one before failed. Text via textContent only.

import { Api, ApiError, errorText } from "./api.js";
import { el } from "./dom.js";
import { ACTIVE, Backoff, later, progressBar } from "./follow.js";
import { plural } from "./plural.js";

const config = JSON.parse(document.getElementById("accord-config").textContent);
const api = new Api(config.api, config.jobsApi);
const $ = (id) => document.getElementById(id);
const PAGE_SIZE = 50;
const STATUS_TEXT = { pending: "Queued", running: "Running", done: "Done", failed: "Failed" };

let page = 1;
let cancel = () => {};
const backoff = new Backoff({ first: config.pollMs, max: config.pollMs * 4 });
let lastState = null; // what the active jobs said last time: unchanged → ask later

const FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const when = (iso) => (iso ? FORMAT.format(new Date(iso)) : "");

// A job's result in one line: its plain values as "key: value"; a list or
// object as its size.
function summary(result) {
  if (result === null || result === undefined) return "";
  if (typeof result !== "object") return String(result);
  return Object.entries(result)
    .map(([key, value]) => {
      const name = key.replaceAll("_", " ");
      if (value === null) return `${name}: none`;
      if (Array.isArray(value)) return `${name}: ${value.length}`;
      if (typeof value === "object") return `${name}: ${Object.keys(value).length} entries`;
      const text = String(value);
      return `${name}: ${text.length > 24 ? `${text.slice(0, 12)}…` : text}`;
    })
    .join(" · ");
}

// Which attempt a job is on, once it is not its first, and why the last failed.
function attempt(job) {
  if (!job.attempts || job.attempts < 2) return null;
  const text = job.last_error ? `Attempt ${job.attempts}; the one before: ${job.last_error}` : `Attempt ${job.attempts}`;
  return el("div", { class: "muted small job-attempt", text });
}

function retryButton(job) {
  const button = el("button", { type: "button", class: "job-retry", text: "Retry", "aria-label": `Retry ${job.kind} job ${job.id}` });
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await api.jobs.retry(job.id);
    } catch (error) {
      $("jobs-error").textContent = errorText(error);
      $("jobs-error").hidden = false;
      button.disabled = false;
      return;
    }
    load();
  });
  return button;
}

function outcome(job) {
  let cell;
  if (job.status === "failed") {
    cell = el("td", { class: "error job-outcome" }, el("span", { text: job.error || "Failed." }));
    if (job.retryable) cell.append(" ", retryButton(job));
  } else if (job.status === "done") {
    cell = el("td", { class: "job-outcome", text: summary(job.result), title: JSON.stringify(job.result) });
  } else {
    const since = job.status === "running" ? `running since ${when(job.started_at)}` : "waiting for a worker";
    cell = el("td", { class: "muted job-outcome", text: since });
  }
  const again = attempt(job);
  if (again) cell.append(again);
  return cell;
}

function row(job) {
  return el(
    "tr",
    { dataset: { job: job.id, status: job.status } },
    el("td", { class: "job-kind", text: job.kind }),
    el("td", { text: job.created_by ?? "the system", class: job.created_by ? "" : "muted" }),
    el("td", {}, el("time", { datetime: job.created_at, title: new Date(job.created_at).toLocaleString(), text: when(job.created_at) })),
    el("td", {}, el("span", { class: `job-status job-status-${job.status}`, text: STATUS_TEXT[job.status] || job.status })),
    el("td", { class: "jobs-progress" }, progressBar(job)),
    outcome(job),
  );
}

let seq = 0; // the answer of an older request (another page) is dropped

async function load() {
  cancel();
  const mine = ++seq;
  let body;
  try {
    body = await api.jobs.list({ project: config.project, page, page_size: PAGE_SIZE });
  } catch (error) {
    if (mine !== seq) return;
    $("jobs-error").textContent = errorText(error);
    $("jobs-error").hidden = false;
    // Unreachable or failing: try again, it may come back. A refusal stays.
    if (!(error instanceof ApiError)) cancel = later(load, backoff.next(false) * 2);
    document.body.dataset.polling = "false";
    document.body.dataset.ready = "true";
    return;
  }
  if (mine !== seq) return;
  $("jobs-error").hidden = true;
  $("job-rows").replaceChildren(...body.results.map(row));
  $("jobs-empty").hidden = body.count > 0;
  const pages = Math.max(1, Math.ceil(body.count / PAGE_SIZE));
  $("jobs-page").textContent = `Page ${page} of ${pages}`;
  $("jobs-pager").hidden = pages === 1;
  $("jobs-prev").disabled = !body.previous;
  $("jobs-next").disabled = !body.next;
  const running = body.results.filter((job) => ACTIVE.has(job.status));
  const active = running.length;
  $("jobs-state").textContent = active
    ? `${plural(active, "job")} in progress: following…`
    : plural(body.count, "job");
  document.body.dataset.polling = active ? "true" : "false";
  const state = JSON.stringify([page, running.map((job) => [job.id, job.status, job.progress])]);
  if (active) cancel = later(load, backoff.next(state !== lastState));
  lastState = state;
  document.body.dataset.ready = "true";
}

$("jobs-prev").addEventListener("click", () => {
  page = Math.max(1, page - 1);
  load();
});
$("jobs-next").addEventListener("click", () => {
  page += 1;
  load();
});

load();
