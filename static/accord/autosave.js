// The workspace's autosave, without the page: when to save, what each answer
// means, when to try again, and what to do when someone else saved first. It
// touches no DOM: the page hands it the set (a SetModel), the server, the
// drafts and a clock, and draws what it reports (onState, onConflict), so the
// browser tests can drive it with a fake server and a fake clock.
//
//   pending -> saving -> saved             (no change while in flight)
//                     -> pending -> …      (changed while in flight)
//                     -> offline -> retry in RETRY_DELAY
//                     -> server  -> retry, backing off to SERVER_RETRY_MAX
//                     -> conflict (409)    until resolve(keepMine)
//                     -> error             (refused: kept in the draft)
//                     -> pending -> …      (refused, but onRefused repaired the set)
//
// The local change stays in the draft (localStorage) until the server has it.

import { ApiError, NetworkError, ServerError, errorText } from "./api.js";
import { SetModel, rebase } from "./store.js";

export const DELAYS = {
  save: 600, // after the last change
  retry: 4000, // offline, or the first retry after a 5xx
  // A server answering 5xx is retried less and less often, up to once a
  // minute, so a failing server is not kept busy by every open workspace.
  serverMax: 60000,
};

const realClock = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (id) => clearTimeout(id),
};

export class Autosave {
  // model: the SetModel; server: {put(version, content) -> {version},
  // get() -> the set as the server has it}; drafts: {save(version, base,
  // mine), clear()} (store.js's Drafts); onState(state, message);
  // onConflict(theirs, error): show the choice, then call resolve().
  // onRefused(error, content): a 400 for `content` (what was sent); true when
  // the page changed the model so that it can be saved again at once (a
  // concept merged meanwhile: its stances moved to the survivor).
  constructor(model, { server, drafts, onState, onConflict = () => {}, onRefused = () => false, clock = realClock, delays = DELAYS }) {
    this.model = model;
    this.server = server;
    this.drafts = drafts;
    this.onState = onState;
    this.onConflict = onConflict;
    this.onRefused = onRefused;
    this.clock = clock;
    this.delays = delays;
    this.base = model.content(); // the server's content at model.version
    this.dirty = false;
    this.saving = false;
    this.inflight = null;
    this.timer = null;
    this.retry = null;
    this.backoff = 0;
    this.conflict = null; // the server's set, while the user chooses
    this.readonly = false;
    this.state = null; // the last state reported
  }

  report(state, message) {
    this.state = state;
    this.onState(state, message);
  }

  keepDraft() {
    this.drafts.save(this.model.version, this.base, this.model.content());
  }

  // Every edit: keep a draft, save after a pause in typing.
  changed() {
    this.dirty = true;
    if (!this.conflict) this.report("pending");
    // The draft is written after the frame, off the keypress-to-highlight path.
    this.clock.set(() => this.keepDraft(), 0);
    this.clock.clear(this.timer);
    this.timer = this.clock.set(() => this.save(), this.delays.save);
  }

  save() {
    this.clock.clear(this.timer);
    this.timer = null;
    if (this.saving || this.conflict || this.readonly || !this.dirty) return Promise.resolve();
    this.inflight = this.put();
    return this.inflight;
  }

  async put() {
    this.saving = true;
    this.dirty = false;
    this.report("saving");
    const content = this.model.content();
    try {
      const result = await this.server.put(this.model.version, content);
      this.model.version = result.version;
      this.base = content;
      this.clock.clear(this.retry);
      this.backoff = 0;
      if (this.dirty) {
        this.keepDraft();
        this.timer = this.clock.set(() => this.save(), this.delays.save);
        this.report("pending");
      } else {
        this.drafts.clear();
        this.report("saved");
      }
    } catch (error) {
      this.dirty = true;
      this.keepDraft();
      if (error instanceof ServerError) {
        this.backoff = this.backoff ? Math.min(this.backoff * 2, this.delays.serverMax) : this.delays.retry;
        this.report("server", `Server error (${error.status}) — kept in this browser, retrying in ${Math.round(this.backoff / 1000)} s`);
        this.clock.clear(this.retry);
        this.retry = this.clock.set(() => this.save(), this.backoff);
      } else if (error instanceof NetworkError) {
        this.backoff = 0;
        this.report("offline");
        this.clock.clear(this.retry);
        this.retry = this.clock.set(() => this.save(), this.delays.retry);
      } else if (error instanceof ApiError && error.status === 409) {
        await this.showConflict(error);
      } else if (error instanceof ApiError && error.status === 400 && this.onRefused(error, content)) {
        this.keepDraft();
        this.report("pending");
        this.clock.clear(this.timer);
        this.timer = this.clock.set(() => this.save(), 0);
      } else {
        this.report("error", `Not saved: ${errorText(error)}`);
      }
    } finally {
      this.saving = false;
    }
  }

  // Whatever is unsaved, saved now (before a submit). True when the server
  // has everything.
  async flush() {
    if (this.dirty || this.saving) {
      await this.save();
      while (this.saving) await this.inflight;
    }
    return !this.dirty;
  }

  // Someone else (another tab, another device) wrote the set. Fetch theirs
  // and let the user choose; until then the local change stays in the draft.
  async showConflict(error, theirs = null) {
    try {
      theirs = theirs || (await this.server.get());
    } catch {
      this.report("offline");
      this.retry = this.clock.set(() => this.save(), this.delays.retry);
      return;
    }
    if (theirs.status === "submitted") {
      this.report("error", "This set was submitted elsewhere; your change is kept in this browser.");
      this.readonly = true;
      return;
    }
    this.conflict = theirs;
    this.report("conflict", `Conflict: version ${theirs.version} is on the server`);
    this.onConflict(theirs, error);
  }

  // The user's choice: keep mine (re-applied on top of theirs, then saved)
  // or take theirs. False when there was no conflict to resolve.
  resolve(keepMine) {
    const theirs = this.conflict;
    if (!theirs) return false;
    const theirsContent = new SetModel(theirs).content();
    const content = keepMine
      ? rebase(this.base, this.model.content(), theirsContent, this.model.excludes)
      : theirsContent;
    this.model.load({ ...theirs, ...content });
    this.base = theirsContent;
    this.conflict = null;
    if (keepMine) {
      this.dirty = true;
      this.keepDraft();
      this.save();
    } else {
      this.dirty = false;
      this.drafts.clear();
      this.report("saved");
    }
    return true;
  }

  // At start: the draft left from before a reload or a lost connection, put
  // back. Made on the server's version, it is saved at once; made on an
  // older one (someone saved since), it is a conflict. False when there was
  // no draft.
  restore(draft, mine) {
    if (!draft) {
      this.report("saved");
      return false;
    }
    const current = draft.version === mine.version;
    this.model.load(current ? { ...mine, ...draft.mine } : { ...mine, version: draft.version, ...draft.mine });
    this.base = draft.base;
    this.dirty = true;
    if (current) {
      this.report("pending", "Restoring unsaved changes…");
      this.save();
    } else {
      this.showConflict(null, mine);
    }
    return true;
  }
}
