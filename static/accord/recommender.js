// The recommender page: its settings (PATCH recommender/), "Train now" (a
// background job followed to its end), the version in use with its scores
// per label, the versions, and the learning curve drawn in plain SVG.

import { Api, errorText, fieldErrors } from "./api.js";
import { el, svg } from "./dom.js";
import { followJob } from "./follow.js";
import { plural } from "./plural.js";

const config = JSON.parse(document.getElementById("accord-config").textContent);
const api = new Api(config.api, config.jobsApi);
const $ = (id) => document.getElementById(id);
const state = { summary: null, versions: [] };

const pct = (x) => (x === null || x === undefined ? "–" : x.toFixed(2));
const bytes = (n) => (n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(0)} KB` : `${(n / 1048576).toFixed(1)} MB`);
const STATUS = { active: "in use", below_threshold: "below the threshold", retired: "replaced" };

function showError(where, message) {
  $(where).textContent = message || "";
  $(where).hidden = !message;
}

// ------------------------------------------------------------------ settings

function fillSettings(summary) {
  const s = summary.settings;
  $("enabled").checked = s.enabled;
  $("threshold").value = String(s.threshold);
  $("retrain-after").value = String(s.retrain_after);
  $("include-submitted").checked = s.include_submitted;
  const chosen = new Set(s.labels);
  $("label-choices").replaceChildren(
    ...summary.entity_labels.map((name) =>
      el("label", { class: "chip-choice" }, el("input", { type: "checkbox", value: name, checked: chosen.has(name) }), ` ${name}`),
    ),
  );
}

function readSettings() {
  return {
    enabled: $("enabled").checked,
    threshold: Number($("threshold").value),
    retrain_after: Number($("retrain-after").value),
    include_submitted: $("include-submitted").checked,
    labels: [...$("label-choices").querySelectorAll("input:checked")].map((box) => box.value),
  };
}

$("settings-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  $("settings-status").textContent = "Saving…";
  $("save").disabled = true;
  try {
    // What was typed stays in the form whatever the answer.
    const summary = await api.recommender.update(readSettings());
    state.summary = summary;
    $("settings-status").textContent = "Saved.";
    drawTraining();
    drawCurve();
  } catch (error) {
    const fields = fieldErrors(error);
    const named = Object.entries(fields).map(([field, message]) => `${field}: ${message}`);
    $("settings-status").textContent = named.length ? named.join(" ") : errorText(error);
  } finally {
    $("save").disabled = false;
  }
});

// ------------------------------------------------------------------ the version in use

function drawTraining() {
  const { current, latest, adjudicated, adjudicated_since: since, settings } = state.summary;
  const facts = [`${plural(adjudicated, "document")} adjudicated`];
  if (latest) facts.push(`${since} since version ${latest.version} read its data`);
  if (settings.retrain_after) facts.push(`trains again by itself after ${settings.retrain_after}`);
  else facts.push("trains only when you press “Train now”");
  $("train-facts").textContent = `${facts.join(" · ")}.`;
  if (!current) {
    $("current-summary").textContent =
      latest && latest.error ? `None. Version ${latest.version}: ${latest.error}` : "None yet.";
    $("scores").hidden = !latest;
    if (latest) drawScores(latest, `Version ${latest.version} (not in use)`);
    $("acceptance").textContent = "";
    return;
  }
  const sugg = current.suggestions || {};
  $("current-summary").textContent =
    `Version ${current.version} (source ${current.source}): learned from ${plural(current.documents, "document")} ` +
    `in ${current.train_seconds.toFixed(1)} s, micro F1 ${pct(current.micro_f1)}, ` +
    `${Number(sugg.spans || 0).toLocaleString()} suggestions on ${plural(sugg.documents || 0, "document")}.`;
  drawScores(current, `Scored on ${plural(current.scores.held_out, "held-out document")} (${current.scores.method}${current.scores.method === "k-fold" ? `, ${current.scores.folds} folds` : ""}).`);
  const a = current.previous_acceptance;
  $("acceptance").textContent = a
    ? `Version ${a.version}'s suggestions: ${a.accepted} accepted, ${a.rejected} rejected, ${a.left} left as they were` +
      (a.acceptance === null ? "." : ` — ${Math.round(a.acceptance * 100)}% of those decided were accepted.`)
    : "";
}

function scoreRow(name, s, extra = "") {
  return el(
    "tr",
    { class: extra },
    el("th", { scope: "row", text: name }),
    el("td", { class: "num", text: pct(s.precision) }),
    el("td", { class: "num", text: pct(s.recall) }),
    el("td", { class: "num", text: pct(s.f1) }),
    el("td", { class: "num", text: String(s.support) }),
  );
}

function drawScores(model, caption) {
  const labels = Object.entries(model.scores.labels || {});
  $("scores-caption").textContent = caption;
  $("score-rows").replaceChildren(...labels.map(([name, s]) => scoreRow(name, s)), model.scores.micro && scoreRow("all (micro)", model.scores.micro, "micro"));
  $("scores").hidden = false;
}

// ------------------------------------------------------------------ versions and curve

function drawVersions() {
  const rows = [...state.versions].reverse();
  $("versions-empty").hidden = rows.length > 0;
  $("version-rows").replaceChildren(
    ...rows.map((v) => {
      const a = v.previous_acceptance;
      return el(
        "tr",
        { class: v.status },
        el("td", { text: `v${v.version}` }),
        el("td", { text: STATUS[v.status] || v.status, title: v.error || null }),
        el("td", { class: "num", text: String(v.documents) }),
        el("td", { class: "num", text: pct(v.micro_f1) }),
        el("td", { text: v.scores.method === "k-fold" ? `${v.scores.folds}-fold` : `${v.scores.held_out} held out` }),
        el("td", { text: a ? `${a.accepted} / ${a.accepted + a.rejected} of v${a.version}` : "–" }),
        el("td", { class: "num", text: `${v.train_seconds.toFixed(1)} s` }),
        el("td", { class: "num", text: bytes(v.size) }),
        el("td", {}, el("time", { datetime: v.created_at, text: new Date(v.created_at).toLocaleString() })),
      );
    }),
  );
}

const W = 560;
const H = 240;
const PAD = { left: 44, right: 16, top: 14, bottom: 36 };

function drawCurve() {
  const points = state.versions.filter((v) => v.micro_f1 !== null);
  if (!points.length) {
    $("curve").replaceChildren(el("p", { class: "muted", text: "No version scored yet." }));
    return;
  }
  const maxX = Math.max(...points.map((v) => v.documents), 1);
  const x = (n) => PAD.left + (n / maxX) * (W - PAD.left - PAD.right);
  const y = (f) => H - PAD.bottom - f * (H - PAD.top - PAD.bottom);
  const parts = [];
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(svg("line", { class: "grid", x1: PAD.left, x2: W - PAD.right, y1: y(f), y2: y(f) }));
    parts.push(svg("text", { x: PAD.left - 6, y: y(f) + 4, "text-anchor": "end", text: f.toFixed(2) }));
  }
  for (const n of [0, Math.round(maxX / 2), maxX]) {
    parts.push(svg("text", { x: x(n), y: H - PAD.bottom + 16, "text-anchor": "middle", text: String(n) }));
  }
  parts.push(svg("text", { x: (W + PAD.left) / 2, y: H - 4, "text-anchor": "middle", text: "training documents" }));
  parts.push(svg("line", { class: "axis", x1: PAD.left, x2: PAD.left, y1: PAD.top, y2: H - PAD.bottom }));
  parts.push(svg("line", { class: "axis", x1: PAD.left, x2: W - PAD.right, y1: H - PAD.bottom, y2: H - PAD.bottom }));
  const threshold = state.summary.settings.threshold;
  parts.push(svg("line", { class: "threshold", x1: PAD.left, x2: W - PAD.right, y1: y(threshold), y2: y(threshold) }));
  const ordered = [...points].sort((a, b) => a.version - b.version);
  parts.push(svg("polyline", { class: "line", points: ordered.map((v) => `${x(v.documents)},${y(v.micro_f1)}`).join(" ") }));
  for (const v of ordered) {
    parts.push(
      svg(
        "circle",
        { class: `point ${v.status === "below_threshold" ? "below" : ""}`, cx: x(v.documents), cy: y(v.micro_f1), r: 4 },
        svg("title", { text: `v${v.version}: ${v.documents} documents, micro F1 ${pct(v.micro_f1)}` }),
      ),
    );
  }
  const summary = ordered.map((v) => `version ${v.version}: ${v.documents} documents, F1 ${pct(v.micro_f1)}`).join("; ");
  $("curve").replaceChildren(
    svg("svg", { class: "curve", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `Learning curve. ${summary}.` }, ...parts),
  );
}

// ------------------------------------------------------------------ training

function showProgress(job) {
  const percent = Math.round((job.status === "done" ? 1 : job.progress || 0) * 100);
  $("progress").setAttribute("aria-valuenow", String(percent));
  $("progress-bar").style.width = `${percent}%`;
  $("progress-text").textContent = job.status === "pending" ? "Waiting for a worker…" : `Training job ${job.id}: ${percent}%`;
}

async function follow(jobId) {
  $("train").disabled = true;
  $("progress-block").hidden = false;
  try {
    const job = await followJob(api, jobId, {
      first: config.pollMs,
      onUpdate: showProgress,
      onOffline: (error) => {
        $("progress-text").textContent = `${errorText(error)} Still following…`;
      },
    });
    if (job.status === "failed") showError("train-error", job.error || "The training failed; the version in use stays.");
    else $("progress-text").textContent = `Done: version ${job.result.version}, ${job.result.status === "active" ? "now in use" : "not in use"}.`;
  } catch (error) {
    showError("train-error", errorText(error));
  } finally {
    $("train").disabled = false;
    await load();
  }
}

$("train").addEventListener("click", async () => {
  showError("train-error", "");
  try {
    const { job } = await api.recommender.train();
    showProgress({ id: job, status: "pending", progress: 0 });
    await follow(job);
  } catch (error) {
    showError("train-error", errorText(error));
  }
});

// ------------------------------------------------------------------ loading

async function load() {
  try {
    const [summary, versions] = await Promise.all([api.recommender.get(), api.recommender.models()]);
    const first = state.summary === null;
    state.summary = summary;
    state.versions = versions;
    if (first) fillSettings(summary);
    drawTraining();
    drawVersions();
    drawCurve();
    showError("page-error", "");
    return summary;
  } catch (error) {
    showError("page-error", errorText(error));
    return null;
  }
}

load().then((summary) => {
  document.body.dataset.ready = "true";
  if (summary && summary.running) follow(summary.running.id);
});
