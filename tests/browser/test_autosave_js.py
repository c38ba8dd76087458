"""static/accord/autosave.js's state machine in real Chromium, with a fake
server and a fake clock: debounce, a change made while a save is in flight,
retries offline and after a server error, a 409 conflict and its two
resolutions, drafts kept until the server has the change."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Builds `make(answers, payload)`: an Autosave over a SetModel, whose server
# answers each put with the next of `answers` (an object, or an Error thrown),
# and a log of what it reported, sent and kept in the drafts.
HARNESS = """
const { Autosave, DELAYS } = await import("/static/accord/autosave.js");
const { SetModel } = await import("/static/accord/store.js");
const { ApiError, NetworkError, ServerError } = await import("/static/accord/api.js");
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function fakeClock() {
  let now = 0;
  let seq = 0;
  const timers = new Map();
  return {
    set(fn, ms) { seq += 1; timers.set(seq, { at: now + ms, fn }); return seq; },
    clear(id) { timers.delete(id); },
    // Run every timer due in the next `ms`, in order, letting the answers
    // they wait for arrive between them.
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
        await settle();
      }
      now = end;
      await settle();
    },
    waiting() { return [...timers.values()].map((t) => t.at - now).sort((a, b) => a - b); },
  };
}

const START = { id: 1, version: 1, spans: [], stances: [] };

// The set as another tab saved it: version 5, with one PER span.
const PER = { id: "o1", start: 20, end: 23, label: "PER", actor: null };
const theirSet = (status = "in_progress") => ({ id: 1, version: 5, status, stances: [],
  spans: status === "submitted" ? [] : [PER] });

function make(answers = [], payload = START, theirs = null) {
  const log = { states: [], puts: [], drafts: [], cleared: 0, conflicts: [], gets: 0 };
  const model = new SetModel(payload);
  const clock = fakeClock();
  const save = new Autosave(model, {
    server: {
      put: async (version, content) => {
        log.puts.push({ version, spans: content.spans.map((s) => s.label) });
        const answer = answers.shift();
        if (answer instanceof Error) throw answer;
        return answer;
      },
      get: async () => {
        log.gets += 1;
        if (theirs instanceof Error) throw theirs;
        return theirs;
      },
    },
    drafts: {
      save: (version, base, mine) =>
        log.drafts.push({ version, base: base.spans.length, mine: mine.spans.length }),
      clear: () => { log.cleared += 1; },
    },
    onState: (state, message) => log.states.push(message ? `${state}: ${message}` : state),
    onConflict: (their, error) => log.conflicts.push([their.version, error ? error.status : null]),
    clock,
  });
  const edit = (label = "GPE", start = 0) => {
    model.addSpan(start, start + 3, label);
    save.changed();
  };
  return { save, model, clock, log, edit };
}
"""


def run(page, live_server, body):
    page.goto(f"{live_server.url}/static/accord/accord.css")
    return page.evaluate(f"async () => {{ {HARNESS}\n{body}\n}}")


def test_edits_are_debounced_into_one_save(page, live_server):
    out = run(
        page,
        live_server,
        """
        const { save, model, clock, log, edit } = make([{ version: 2 }]);
        edit("GPE", 0);
        await clock.advance(300);
        edit("ORG", 10);
        await clock.advance(599);
        const before = log.puts.length;
        await clock.advance(1);
        return { before, log, version: model.version, dirty: save.dirty, state: save.state,
                 base: save.base.spans.length, waiting: clock.waiting() };
        """,
    )
    assert out["before"] == 0  # 600 ms after the last change, not the first
    assert out["log"]["puts"] == [{"version": 1, "spans": ["GPE", "ORG"]}]
    assert out["log"]["states"] == ["pending", "pending", "saving", "saved"]
    assert (out["version"], out["dirty"], out["state"], out["base"]) == (2, False, "saved", 2)
    # Each change kept a draft; the answer cleared it.
    assert [d["mine"] for d in out["log"]["drafts"]] == [1, 2]
    assert out["log"]["cleared"] == 1
    assert out["waiting"] == []


def test_a_change_while_saving_is_saved_next(page, live_server):
    out = run(
        page,
        live_server,
        """
        let answer;
        const { save, model, clock, log, edit } = make();
        save.server.put = (version, content) => {
          log.puts.push({ version, spans: content.spans.map((s) => s.label) });
          return new Promise((resolve) => { answer = resolve; });
        };
        edit("GPE", 0);
        await clock.advance(600);
        const saving = [save.saving, save.state];
        edit("ORG", 10);  // while the first save is in flight
        await clock.advance(600);  // its timer fires, but a save is in flight
        const puts = log.puts.length;
        answer({ version: 2 });
        await clock.advance(0);
        const after = [save.state, save.dirty, model.version, log.cleared, clock.waiting()];
        await clock.advance(600);
        answer({ version: 3 });
        await clock.advance(0);
        return { saving, puts, after, log, version: model.version, state: save.state };
        """,
    )
    assert out["saving"] == [True, "saving"]
    assert out["puts"] == 1
    # The first answer arrives with a change still unsaved: a draft, another save soon.
    assert out["after"] == ["pending", True, 2, 0, [600]]
    assert out["log"]["puts"] == [
        {"version": 1, "spans": ["GPE"]},
        {"version": 2, "spans": ["GPE", "ORG"]},
    ]
    assert (out["version"], out["state"], out["log"]["cleared"]) == (3, "saved", 1)


def test_offline_keeps_the_draft_and_retries(page, live_server):
    out = run(
        page,
        live_server,
        """
        const down = () => new NetworkError("down");
        const { save, clock, log, edit } = make([down(), down(), { version: 2 }]);
        edit();
        await clock.advance(600);
        const first = [save.state, save.dirty, log.cleared, log.drafts.length, clock.waiting()];
        await clock.advance(DELAYS.retry);
        const second = [save.state, log.puts.length, clock.waiting()];
        await clock.advance(DELAYS.retry);
        return { first, second, log, state: save.state, dirty: save.dirty };
        """,
    )
    # Offline: still dirty, the draft rewritten, a retry in 4 s.
    assert out["first"] == ["offline", True, 0, 2, [4000]]
    assert out["second"] == ["offline", 2, [4000]]
    assert out["log"]["states"][-2:] == ["saving", "saved"]
    assert (out["state"], out["dirty"], out["log"]["cleared"], len(out["log"]["puts"])) == (
        "saved",
        False,
        1,
        3,
    )


def test_server_errors_back_off_to_once_a_minute(page, live_server):
    out = run(
        page,
        live_server,
        """
        const errors = Array.from({ length: 6 }, () => new ServerError(503));
        const { save, clock, log, edit } = make([...errors, { version: 2 }]);
        edit();
        await clock.advance(600);
        const waits = [clock.waiting()[0]];
        for (let i = 0; i < 6; i++) {
          await clock.advance(clock.waiting()[0]);
          waits.push(clock.waiting()[0] ?? null);
        }
        return { waits, log, state: save.state, backoff: save.backoff };
        """,
    )
    assert out["waits"] == [4000, 8000, 16000, 32000, 60000, 60000, None]
    servers = [s for s in out["log"]["states"] if s.startswith("server")]
    assert servers[0] == "server: Server error (503) — kept in this browser, retrying in 4 s"
    assert servers[-1].endswith("retrying in 60 s")
    assert (out["state"], out["backoff"]) == ("saved", 0)


def test_a_conflict_waits_for_the_user_and_keep_mine_rebases(page, live_server):
    out = run(
        page,
        live_server,
        """
        const { save, model, clock, log, edit } = make(
          [new ApiError(409, { detail: "stale" }), { version: 6 }], START, theirSet());
        edit("GPE", 0);
        await clock.advance(600);
        const during = [save.state, save.conflict?.version, log.conflicts, log.gets];
        edit("ORG", 10);  // more work during the conflict: kept, not sent
        await clock.advance(10000);
        const sent = log.puts.length;
        const resolved = save.resolve(true);
        await clock.advance(0);
        return { during, sent, resolved, log, state: save.state, version: model.version,
                 labels: [...model.spans.values()].map((s) => s.label).sort(),
                 again: save.resolve(true) };
        """,
    )
    assert out["during"] == ["conflict", 5, [[5, 409]], 1]
    assert "conflict: Conflict: version 5 is on the server" in out["log"]["states"]
    assert out["sent"] == 1
    assert out["resolved"] is True
    # Mine on top of theirs, sent on their version.
    assert out["labels"] == ["GPE", "ORG", "PER"]
    assert out["log"]["puts"][-1] == {"version": 5, "spans": ["GPE", "ORG", "PER"]}
    assert (out["state"], out["version"], out["again"]) == ("saved", 6, False)


def test_taking_theirs_drops_mine_and_the_draft(page, live_server):
    out = run(
        page,
        live_server,
        """
        const { save, model, clock, log, edit } = make([new ApiError(409, {})], START, theirSet());
        edit("GPE", 0);
        await clock.advance(600);
        save.resolve(false);
        await clock.advance(10000);
        return { log, state: save.state, dirty: save.dirty, version: model.version,
                 labels: [...model.spans.values()].map((s) => s.label) };
        """,
    )
    assert out["labels"] == ["PER"]
    assert (out["state"], out["dirty"], out["version"]) == ("saved", False, 5)
    assert out["log"]["cleared"] == 1
    assert len(out["log"]["puts"]) == 1


def test_a_set_submitted_elsewhere_turns_read_only(page, live_server):
    out = run(
        page,
        live_server,
        """
        const submitted = theirSet("submitted");
        const { save, clock, log, edit } = make([new ApiError(409, {})], START, submitted);
        edit();
        await clock.advance(600);
        save.changed();
        await clock.advance(10000);
        return { log, state: save.state, readonly: save.readonly, conflict: save.conflict };
        """,
    )
    assert out["readonly"] is True
    assert out["conflict"] is None
    assert out["log"]["states"][-2] == (
        "error: This set was submitted elsewhere; your change is kept in this browser."
    )
    assert len(out["log"]["puts"]) == 1  # read-only: nothing more is sent
    assert out["log"]["cleared"] == 0


def test_a_conflict_offline_retries(page, live_server):
    out = run(
        page,
        live_server,
        """
        const down = new NetworkError("down");
        const { save, clock, log, edit } = make([new ApiError(409, {})], START, down);
        edit();
        await clock.advance(600);
        const { state, conflict, dirty } = save;
        return { state, conflict, dirty, waiting: clock.waiting() };
        """,
    )
    assert out == {"state": "offline", "conflict": None, "waiting": [4000], "dirty": True}


def test_a_refusal_says_why_and_keeps_the_draft(page, live_server):
    out = run(
        page,
        live_server,
        """
        const errors = { spans: ["overlap"] };
        const refusal = new ApiError(400, { detail: "Invalid set.", errors });
        const { save, clock, log, edit } = make([refusal]);
        edit();
        await clock.advance(600);
        return { log, state: save.state, dirty: save.dirty, waiting: clock.waiting() };
        """,
    )
    assert out["log"]["states"][-1] == "error: Not saved: Invalid set. — spans: overlap"
    assert (out["state"], out["dirty"], out["waiting"]) == ("error", True, [])
    assert out["log"]["cleared"] == 0


def test_flush_saves_now_and_says_whether_the_server_has_it(page, live_server):
    out = run(
        page,
        live_server,
        """
        const ok = make([{ version: 2 }]);
        ok.edit();
        const saved = await ok.save.flush();
        const failed = make([new NetworkError("down")]);
        failed.edit();
        const unsaved = await failed.save.flush();
        const clean = await make().save.flush();
        return { saved, unsaved, clean, puts: ok.log.puts.length, states: ok.log.states };
        """,
    )
    assert (out["saved"], out["unsaved"], out["clean"]) == (True, False, True)
    assert out["puts"] == 1
    assert out["states"] == ["pending", "saving", "saved"]


def test_restoring_a_draft(page, live_server):
    out = run(
        page,
        live_server,
        """
        const mine = { id: 1, version: 3, status: "in_progress", spans: [], stances: [] };
        const gpe = { id: "s1", start: 0, end: 3, label: "GPE", actor: null };
        const draft = (version) => ({ version, base: { spans: [], stances: [] },
          mine: { spans: [gpe], stances: [] } });
        const current = make([{ version: 4 }], mine);
        const restored = current.save.restore(draft(3), mine);
        await current.clock.advance(0);
        const older = make([], mine, { ...mine, version: 3 });
        older.save.restore(draft(2), mine);
        const none = make([], mine);
        const nothing = none.save.restore(null, mine);
        return {
          restored, current: current.log, version: current.model.version,
          older: [older.save.state, older.model.version, older.model.spans.size,
                  older.log.conflicts, older.log.gets],
          nothing, none: none.log.states,
        };
        """,
    )
    # Made on the server's version: put back and saved at once.
    assert out["restored"] is True
    assert out["current"]["states"] == [
        "pending: Restoring unsaved changes…",
        "saving",
        "saved",
    ]
    assert out["current"]["puts"] == [{"version": 3, "spans": ["GPE"]}]
    assert out["version"] == 4
    # Made on an older version: put back on that version, and a conflict
    # against the server's set (given, not fetched again).
    assert out["older"] == ["conflict", 2, 1, [[3, None]], 0]
    assert (out["nothing"], out["none"]) == (False, ["saved"])
