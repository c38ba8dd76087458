// The datasets page: an export form whose download is a plain link (the
// browser streams the file to disk; nothing is read into memory here), and
// the releases: their list with live progress, the owner's build form, and
// for each ready release its manifest summary and files. Everything goes
// through the export and release API; every error the API names a field for
// is shown at that field. Text via textContent only.

import { Api, errorText, fieldErrors } from "./api.js";
import { el } from "./dom.js";
import { ACTIVE, followJob } from "./follow.js";
import { plural } from "./plural.js";

const config = JSON.parse(document.getElementById("accord-config").textContent);
const api = new Api(config.api, config.jobsApi);
const formats = new Map(config.formats.map((f) => [f.name, f]));
const $ = (id) => document.getElementById(id);
const POLL_MS = 800;

// ------------------------------------------------------------------ field errors

// `prefix` is "x" (export) or "r" (release); every field has a slot
// `${prefix}-error-${field}` and a wrapper with data-field holding its inputs.
function clearErrors(form) {
  for (const slot of form.querySelectorAll(".field-error, .form-error")) {
    slot.hidden = true;
    slot.textContent = "";
  }
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  form.dataset.errors = "";
}

// The API's field names, reduced to the form's fields: "formats[1]" → "formats".
const fieldName = (key) => key.replace(/\[\d+\]$/, "");

function showErrors(form, prefix, error) {
  clearErrors(form);
  const errors = fieldErrors(error);
  const shown = [];
  for (const [key, message] of Object.entries(errors)) {
    const field = fieldName(key);
    const slot = $(`${prefix}-error-${field}`);
    if (!slot) continue;
    slot.textContent = message;
    slot.hidden = false;
    const wrapper = form.querySelector(`[data-field="${field}"]`);
    const input = wrapper && wrapper.querySelector("input:not([type=radio]):not([type=checkbox]), select, input");
    if (input) input.setAttribute("aria-invalid", "true");
    shown.push(input || slot);
  }
  if (!shown.length) {
    const slot = $(`${prefix}-error-form`);
    slot.textContent = errorText(error);
    slot.hidden = false;
  }
  form.dataset.errors = Object.keys(errors).map(fieldName).join(" ") || "form";
  const first = shown[0];
  if (first && first.focus) first.focus();
}

// "train:0.8, dev:0.1" → split names, for the split menu (the API checks the ratios).
function splitNames(text) {
  return text.split(",").map((part) => part.split(":")[0].trim()).filter(Boolean);
}

// "train:0.8, dev:0.1" → {train: 0.8, dev: 0.1} for a release. A part that is
// not a number is sent as written, so the API's message names what is wrong.
function ratiosObject(text) {
  const ratios = {};
  for (const part of text.split(",")) {
    if (!part.trim()) continue;
    const at = part.indexOf(":");
    const name = (at < 0 ? part : part.slice(0, at)).trim();
    const raw = at < 0 ? "" : part.slice(at + 1).trim();
    const number = Number(raw);
    ratios[name] = raw !== "" && Number.isFinite(number) ? number : raw || null;
  }
  return ratios;
}

// A number input's value as a number when it is an integer, else as written.
function integerOrRaw(text) {
  return /^\s*-?\d+\s*$/.test(text) ? Number(text) : text;
}

// ------------------------------------------------------------------ export

const exportForm = $("export-form");
const link = $("export-link");
let exportQuery = null; // the export request the form describes, as its parameters

// The formats that can write one network per year or month.
const SLICED = new Set(["network", "claims-network"]);
// The formats whose claims a release selects by time window and concepts.
const CLAIMS = new Set(["claims-network", "statements"]);

function exportParams() {
  const data = new FormData(exportForm);
  const params = new URLSearchParams();
  const format = data.get("format");
  params.set("format", format);
  params.set("source", data.get("source"));
  if (data.get("annotators") && data.get("annotators") !== "pseudonyms") {
    params.set("annotators", data.get("annotators"));
  }
  for (const name of ["split", "label", "published_from", "published_to"]) {
    if (data.get(name)) params.set(name, data.get(name));
  }
  // Seed and ratios decide each document's split, which every format records.
  params.set("seed", data.get("seed") || "0");
  params.set("ratios", data.get("ratios").replace(/\s+/g, ""));
  if (!$("x-text").checked) params.set("include_text", "false");
  if (SLICED.has(format) && data.get("slice") && data.get("slice") !== "none") {
    params.set("slice", data.get("slice"));
  }
  return params;
}

function refreshSplits() {
  const select = $("x-split");
  const chosen = select.value;
  const names = splitNames($("x-ratios").value);
  select.replaceChildren(el("option", { value: "", text: "every document" }),
    ...names.map((name) => el("option", { value: name, text: name })));
  select.value = names.includes(chosen) ? chosen : "";
}

function refreshExport() {
  const format = formats.get($("x-format").value);
  // format.unit is a phrase ("offsets in code points", "no offsets (…)").
  $("x-format-help").textContent = `${format.description} ${format.unit[0].toUpperCase()}${format.unit.slice(1)}.`;
  // What the file may leave out is said before the download, not only after it.
  $("x-format-drops").hidden = !format.drops;
  $("x-format-drops").textContent = format.drops;
  // A format that needs the text cannot be written standoff.
  const text = $("x-text");
  text.disabled = format.needsText;
  if (format.needsText) text.checked = true;
  $("x-text-needed").hidden = !format.needsText;
  $("x-text-needed").textContent = format.needsText ? `${format.name} needs the text: it cannot be exported standoff.` : "";
  $("x-slice-field").hidden = !SLICED.has(format.name);
  exportQuery = exportParams();
  link.href = api.exports.url(exportQuery);
  $("export-url").textContent = api.exports.url(exportQuery);
}

// The link downloads by itself (open in a new tab, copy it: it is the API's
// URL). A plain click first asks the server whether it accepts the request,
// so a bad parameter shows at its field instead of replacing the page with
// JSON: the check is aborted as soon as the headers say yes (it costs the
// server at most one chunk of documents), and the browser then downloads.
async function download() {
  clearErrors(exportForm);
  const state = $("export-state");
  state.textContent = "Checking…";
  const query = exportQuery;
  try {
    await api.exports.check(query);
  } catch (error) {
    state.textContent = "";
    showErrors(exportForm, "x", error);
    return;
  }
  state.textContent = "Downloading: your browser saves the file.";
  window.location.assign(api.exports.url(query));
}

function startExport() {
  exportForm.addEventListener("input", refreshExport);
  exportForm.addEventListener("change", refreshExport);
  $("x-ratios").addEventListener("input", refreshSplits);
  exportForm.addEventListener("submit", (event) => {
    event.preventDefault();
    download();
  });
  link.addEventListener("click", (event) => {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    download();
  });
  refreshSplits();
  refreshExport();
}

// ------------------------------------------------------------------ releases

const rows = $("release-rows");
const releases = new Map(); // id → the latest payload
const polling = new Set();
let openWhenReady = null; // the release this page built: its summary opens when ready

const bytes = (n) => (n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KB`
  : `${(n / 1048576).toFixed(1)} MB`);
const when = (iso) => (iso ? new Date(iso).toLocaleString() : "");
const percent = (p) => `${Math.round((p || 0) * 100)}%`;

function statusCell(release) {
  const cell = el("td", { class: "status-cell" },
    el("span", { class: `status st-${release.status}`, text: release.status }));
  if (release.status === "pending" || release.status === "running") {
    cell.append(" ", el("progress", {
      max: 1, value: release.progress || 0, "aria-label": `${release.name}: ${percent(release.progress)} built`,
    }), " ", el("span", { class: "num small", text: percent(release.progress) }));
  }
  if (release.status === "failed" && release.error) {
    cell.append(el("div", { class: "error small", text: release.error }));
  }
  return cell;
}

function splitsText(release) {
  // The list carries the counts; a single release carries its whole manifest.
  const splits = release.splits || (release.manifest && release.manifest.splits);
  if (!splits) return "—";
  return Object.entries(splits).map(([name, c]) => `${name} ${c.documents}`).join(" · ");
}

// A release that names annotators is opened (detail, manifest, files) only by
// those the server lets take names out (config.namesAllowed); others see it
// listed, marked, and no more.
const readable = (release) => config.namesAllowed || !release.carries_names;

function releaseRows(release) {
  const name = el("th", { scope: "row" }, el("span", { class: "release-name", text: release.name }));
  if (release.carries_names) {
    name.append(" ", el("span", { class: "names-tag small", text: "annotators' names",
      title: "Built with the annotators' user names: only owners may open it." }));
  }
  const row = el("tr", { "data-release": release.id, "data-status": release.status },
    name,
    statusCell(release),
    el("td", { class: "small" }, el("span", { text: release.created_by || "—" }),
      el("span", { class: "muted", text: ` · ${when(release.created_at)}` })),
    el("td", { class: "num small splits", text: splitsText(release) }));
  const more = el("tr", { class: "release-more", "data-release-more": release.id });
  if (release.status === "ready" && !readable(release)) {
    more.append(el("td", { colspan: 4, class: "muted small names-only",
      text: "This release names the annotators: only an owner may open its manifest and files." }));
  } else if (release.status === "ready") {
    const details = el("details", { id: `release-${release.id}` },
      el("summary", { text: `Manifest and files of ${release.name}` }),
      el("div", { class: "manifest", text: "Loading…" }));
    details.addEventListener("toggle", () => {
      if (details.open && !details.dataset.loaded) loadManifest(release.id, details);
    });
    more.append(el("td", { colspan: 4 }, details));
  } else {
    more.hidden = true;
  }
  return [row, more];
}

// `follow`: poll a pending or running release's job. poll() passes false for
// the release it read after the job ended, so a release that still says
// pending/running then is not polled again at once, round after round.
function upsert(release, { follow = true } = {}) {
  const known = releases.get(release.id);
  // The list omits the manifest; keep it once a detail read brought it.
  releases.set(release.id, { ...known, ...release });
  const [row, more] = releaseRows(releases.get(release.id));
  const old = rows.querySelector(`tr[data-release="${release.id}"]`);
  if (old) {
    const oldMore = old.nextElementSibling;
    const wasOpen = oldMore && oldMore.querySelector("details[open]");
    old.replaceWith(row);
    if (oldMore) oldMore.replaceWith(more);
    else row.after(more);
    if (wasOpen) openSummary(release.id);
  } else {
    rows.prepend(row, more);
  }
  $("releases").hidden = false;
  $("releases-state").hidden = true;
  if (follow && (release.status === "pending" || release.status === "running")) poll(release.id);
  if (release.status === "ready" && openWhenReady === release.id) {
    openWhenReady = null;
    openSummary(release.id);
  }
}

function openSummary(id) {
  const details = $(`release-${id}`);
  if (details && !details.open) details.open = true; // "toggle" loads it
}

// Follow the release's job until it ends, then read the release again.
async function poll(id) {
  if (polling.has(id)) return;
  const release = releases.get(id);
  if (!release.job) return;
  polling.add(id);
  try {
    const job = await followJob(api, release.job, {
      first: POLL_MS,
      onUpdate: (job) => {
        if (!ACTIVE.has(job.status)) return;
        const known = releases.get(id);
        const status = job.status === "running" ? "running" : known.status;
        upsert({ ...known, status, progress: job.progress }); // polling has id: no second poll
      },
    });
    // One the caller may not open is read again from the list.
    const fresh = readable(releases.get(id)) ? await api.releases.get(id)
      : (await api.releases.list()).find((r) => r.id === id);
    if (job.status === "failed" && !fresh.error) fresh.error = job.error;
    if (job.status === "failed" && (fresh.status === "pending" || fresh.status === "running")) {
      fresh.status = "failed"; // the job decides: it will not run again
    }
    polling.delete(id);
    upsert(fresh, { follow: false });
  } catch (error) {
    const row = rows.querySelector(`tr[data-release="${id}"] .status-cell`);
    if (row) row.append(el("div", { class: "error small", text: `Progress unavailable: ${errorText(error)}` }));
  } finally {
    polling.delete(id);
  }
}

function table(head, body, className) {
  return el("table", { class: `compact ${className || ""}` },
    el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { scope: "col", text: h })))),
    el("tbody", {}, ...body.map((cells) => el("tr", {}, ...cells.map((c, i) =>
      (i === 0 ? el("th", { scope: "row", text: c }) : el("td", { class: "num", text: c })))))));
}

function fileLink(release, file) {
  const href = file.format === "manifest"
    ? `${config.api}releases/${release.id}/files/manifest/`
    : `${config.api}releases/${release.id}/files/${encodeURIComponent(file.format)}/?split=${encodeURIComponent(file.split)}`;
  return el("tr", { "data-format": file.format, "data-split": file.split || "" },
    el("th", { scope: "row", text: file.format }),
    el("td", { text: file.split || "" }),
    el("td", { class: "num", text: file.size == null ? "" : bytes(file.size) }),
    el("td", {}, el("code", { class: "sha small", text: file.sha256 })),
    el("td", {}, el("a", { href, download: true, text: `Download ${file.name || file.format}` })));
}

function agreementRows(agreement) {
  return Object.entries(agreement || {}).map(([layer, a]) => {
    const value = a.value == null ? `not computable: ${a.reason || "no items"}` : a.value.toFixed(3);
    const i = a.interval || {};
    const interval = i.low == null ? (i.reason || "—")
      : `${i.low.toFixed(3)} – ${i.high.toFixed(3)} (${Math.round(i.confidence * 100)}%, ${i.valid} resamples)`;
    return el("tr", { "data-layer": layer },
      el("th", { scope: "row" }, el("div", { text: layer }), el("div", { class: "muted small", text: a.measure })),
      el("td", { class: "num", text: value }),
      el("td", { class: "num small", text: interval }),
      el("td", { class: "num", text: `${plural(a.items, "item")} · ${plural(a.documents, "document")}` }));
  });
}

function manifestSummary(release) {
  const m = release.manifest;
  const splits = Object.keys(m.splits);
  const box = el("div", { class: "manifest", "data-loaded": "true" });
  const r = m.release;
  // Releases built before warnings were recorded have none to show.
  if (m.warnings?.length) {
    box.append(el("div", { class: "release-warnings", role: "note" },
      el("strong", { text: "Before you use this release:" }),
      el("ul", {}, ...m.warnings.map((w) => el("li", { text: w })))));
  }
  box.append(el("p", { class: "small" },
    `Source ${r.source}, seed ${r.seed}, ratios ${Object.entries(r.ratios).map(([k, v]) => `${k} ${v}`).join(", ")}; `,
    `annotators as ${r.annotator_names}. `,
    m.text.included ? "Texts included." : m.text.standoff,
    ` Offsets in ${m.text.offset_unit === "code_point" ? "code points" : m.text.offset_unit}, end exclusive.`));
  const w = r.claims_window;
  if (w && w.formats && w.formats.length) {
    const span = w.start || w.end ? `documents published ${w.start ? `from ${w.start}` : ""}${w.start && w.end ? " " : ""}${w.end ? `before ${w.end}` : ""}` : "every date";
    const on = w.concepts ? `on ${w.concepts.map((c) => c.name || `concept ${c.id}`).join(", ")} (and the concepts below them)` : "on every concept";
    box.append(el("p", { class: "small claims-window-summary" }, `${w.formats.join(" and ")}: the claims of ${span}, ${on}.`));
  }
  box.append(el("h3", { text: "Files" }),
    el("table", { class: "compact files" },
      el("thead", {}, el("tr", {}, ...["Format", "Split", "Size", "SHA-256", ""].map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, ...m.files.map((f) => fileLink(release, f)),
        fileLink(release, { format: "manifest", name: "manifest.json", sha256: release.manifest_sha256 }))));
  box.append(el("h3", { text: "Counts per split" }),
    table(["Split", "Documents", "Spans", "Stances"],
      splits.map((s) => [s, m.splits[s].documents, m.splits[s].spans, m.splits[s].stances]), "counts"));
  const labelRows = (labels) => Object.entries(labels).map(([label, per]) => [label, ...splits.map((s) => per[s] || 0)]);
  const labels = [...labelRows(m.labels), ...labelRows(m.stance_labels)];
  if (labels.length) {
    box.append(el("h3", { text: "Labels per split" }), table(["Label", ...splits], labels, "labels-per-split"));
  }
  box.append(el("h3", { text: "Agreement per layer" }),
    el("table", { class: "compact agreement" },
      el("thead", {}, el("tr", {}, ...["Layer", "Value", "Bootstrap interval", "Based on"].map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, ...agreementRows(m.agreement))));
  const licence = m.licence || {};
  box.append(el("p", { class: "small" }, `Licence of the texts: ${licence.text || "not stated"}. `,
    `Licence of the annotations: ${licence.annotations || "not stated"}.`));
  box.append(el("h3", { text: "Known limitations" }),
    el("ul", { class: "limitations small" }, ...(m.known_limitations || []).map((t) => el("li", { text: t }))));
  return box;
}

async function loadManifest(id, details) {
  details.dataset.loaded = "loading";
  const slot = details.querySelector(".manifest");
  try {
    const release = releases.get(id).manifest ? releases.get(id) : await api.releases.get(id);
    releases.set(id, { ...releases.get(id), ...release });
    slot.replaceWith(manifestSummary(release));
    details.dataset.loaded = "true";
  } catch (error) {
    delete details.dataset.loaded;
    slot.textContent = `The manifest could not be read: ${errorText(error)}`;
  }
}

async function loadReleases() {
  const state = $("releases-state");
  let list;
  try {
    list = await api.releases.list();
  } catch (error) {
    state.textContent = errorText(error);
    return;
  }
  if (!list.length) state.textContent = "No release yet.";
  // Oldest first, each prepended: the newest ends on top.
  for (const release of list.slice().reverse()) upsert(release);
}

function startBuildForm() {
  const form = $("release-form");
  if (!form) return; // reviewers do not build releases
  const text = $("r-text");
  const claimsFields = $("r-claims");
  const claimsChosen = () => [...form.querySelectorAll("input[name=formats]:checked")].some((box) => CLAIMS.has(box.value));
  const refresh = () => {
    // The window and concepts are offered when a format of the claims is chosen.
    claimsFields.hidden = !claimsChosen();
    const needing = [...form.querySelectorAll("input[name=formats]:checked")]
      .map((box) => formats.get(box.value)).filter((f) => f.needsText).map((f) => f.name);
    text.disabled = needing.length > 0;
    if (needing.length) text.checked = true;
    $("r-text-needed").hidden = !needing.length;
    $("r-text-needed").textContent = needing.length
      ? `${needing.join(", ")} need${needing.length === 1 ? "s" : ""} the text: untick ${needing.length === 1 ? "it" : "them"} for a standoff release.` : "";
  };
  form.addEventListener("change", refresh);
  refresh();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const data = new FormData(form);
    const body = {
      name: data.get("name"),
      ratios: ratiosObject(data.get("ratios")),
      formats: data.getAll("formats"),
      source: data.get("source"),
      annotators: data.get("annotators"),
      include_text: text.checked,
      licence_text: data.get("licence_text"),
      licence_annotations: data.get("licence_annotations"),
    };
    if (String(data.get("seed")).trim() !== "") body.seed = integerOrRaw(data.get("seed"));
    if (claimsChosen()) {
      if (data.get("start")) body.start = data.get("start");
      if (data.get("end")) body.end = data.get("end");
      const concepts = data.getAll("concepts").map(Number);
      if (concepts.length) body.concepts = concepts;
    }
    const button = $("build-release");
    const state = $("build-state");
    button.disabled = true;
    state.textContent = "Starting…";
    try {
      const answer = await api.releases.create(body);
      openWhenReady = answer.release.id;
      state.textContent = `Release ${answer.release.name} started.`;
      $("r-name").value = "";
      upsert(answer.release);
    } catch (error) {
      state.textContent = "";
      showErrors(form, "r", error);
    } finally {
      button.disabled = false;
    }
  });
}

startExport();
startBuildForm();
loadReleases().then(() => {
  document.body.dataset.ready = "true";
});
