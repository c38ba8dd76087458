// Following background work, the one way every page does it: read the job
// (or the list) again and again until it ends; while nothing changes, a
// little later each time (backoff), and never while the tab is hidden —
// reading resumes the moment it shows again. A lost answer (offline, a 5xx)
// is asked again, more slowly; a refusal ends the following.
//
//   followJob(api, id, { onUpdate, onOffline, first, max }) → the ended job
//   later(fn, ms) → cancel(): fn after ms, once the tab is visible
//   new Backoff({ first, max, factor }).next(changed) → the next wait in ms
//   progressBar(job, label) → the job's bar with its percentage

import { NetworkError } from "./api.js";
import { el } from "./dom.js";

export const ACTIVE = new Set(["pending", "running"]);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Resolves at once on a visible page, else when it becomes visible.
export function visible() {
  if (!document.hidden) return Promise.resolve();
  return new Promise((resolve) => {
    const shown = () => {
      if (document.hidden) return;
      document.removeEventListener("visibilitychange", shown);
      resolve();
    };
    document.addEventListener("visibilitychange", shown);
  });
}

// The wait before the next read: `first` after a change, then `factor` times
// longer each quiet round, never more than `max`.
export class Backoff {
  constructor({ first = 1000, max = 6000, factor = 1.5 } = {}) {
    Object.assign(this, { first, max, factor, wait: first });
  }

  next(changed) {
    if (changed) this.wait = this.first;
    const wait = this.wait;
    this.wait = Math.min(this.max, this.wait * this.factor);
    return wait;
  }
}

// Call fn after `ms`, not before the tab is visible; returns a cancel function.
export function later(fn, ms) {
  let cancelled = false;
  const timer = setTimeout(async () => {
    await visible();
    if (!cancelled) fn();
  }, ms);
  return () => {
    cancelled = true;
    clearTimeout(timer);
  };
}

// Read job `id` until it is done or failed; onUpdate(job) after every read,
// onOffline(error) when a read got no answer. Resolves to the ended job;
// rejects with the API's refusal (an ApiError).
export async function followJob(api, id, { onUpdate = () => {}, onOffline = () => {}, ...timing } = {}) {
  const backoff = new Backoff(timing);
  let last = null;
  for (;;) {
    await visible();
    let job;
    try {
      job = await api.jobs.get(id);
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      onOffline(error);
      await sleep(backoff.next(false));
      continue;
    }
    onUpdate(job);
    if (!ACTIVE.has(job.status)) return job;
    const state = `${job.status} ${job.progress}`;
    await sleep(backoff.next(state !== last));
    last = state;
  }
}

// A job's progress bar: done shows full, a failed job where it stopped.
export function progressBar(job, label = `${job.kind} job ${job.id} progress`) {
  const pct = Math.round(100 * (job.status === "done" ? 1 : job.progress || 0));
  return el(
    "div",
    { class: "job-bar" },
    el(
      "div",
      {
        class: `progress job-${job.status}`,
        role: "progressbar",
        "aria-valuemin": 0,
        "aria-valuemax": 100,
        "aria-valuenow": pct,
        "aria-label": label,
      },
      el("span", { class: "done", style: { width: `${pct}%` } }),
    ),
    el("span", { class: "muted small pct", text: `${pct}%` }),
  );
}
