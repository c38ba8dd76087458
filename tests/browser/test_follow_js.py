"""static/accord/follow.js, the one way pages follow a background job, in Chromium:
the backoff, the pause while the tab is hidden, lost answers and refusals."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A fake jobs API answering from a script of states (or errors), counting
# reads, and a document.hidden the test can flip.
SETUP = """
    window.follow = await import("/static/accord/follow.js");
    window.apiModule = await import("/static/accord/api.js");
    window.hiddenNow = false;
    Object.defineProperty(document, "hidden", { configurable: true, get: () => window.hiddenNow });
    window.fakeApi = (script) => {
      const api = { reads: 0, jobs: { get: async (id) => {
        api.reads += 1;
        const next = script.length > 1 ? script.shift() : script[0];
        if (next === "offline") throw new window.apiModule.NetworkError("offline");
        if (next === "refused") throw new window.apiModule.ApiError(404, { detail: "Not found." });
        return { id, kind: "import", ...next };
      } } };
      return api;
    };
"""


@pytest.fixture
def js(page, live_server):
    page.goto(f"{live_server.url}/static/accord/accord.css")
    page.evaluate(f"async () => {{ {SETUP} }}")
    return page


def test_the_wait_grows_while_nothing_changes_and_starts_over_on_a_change(js):
    waits = js.evaluate(
        """() => {
            const b = new follow.Backoff({ first: 100, max: 300, factor: 2 });
            return [b.next(true), b.next(false), b.next(false), b.next(false), b.next(true)];
        }"""
    )
    assert waits == [100, 200, 300, 300, 100]


def test_a_job_is_read_until_it_ends_with_every_state_passed_on(js):
    out = js.evaluate(
        """async () => {
            const api = fakeApi([
                { status: "pending", progress: 0 },
                { status: "running", progress: 0.4 },
                { status: "running", progress: 0.8 },
                { status: "done", progress: 1, result: { created: 3 } },
            ]);
            const seen = [];
            const onUpdate = (j) => seen.push(j.progress);
            const job = await follow.followJob(api, 7, { first: 10, onUpdate });
            return { job, seen, reads: api.reads };
        }"""
    )
    assert out["job"]["status"] == "done" and out["job"]["result"] == {"created": 3}
    assert out["seen"] == [0, 0.4, 0.8, 1]
    assert out["reads"] == 4


def test_nothing_is_read_while_the_tab_is_hidden(js):
    out = js.evaluate(
        """async () => {
            hiddenNow = true;
            const api = fakeApi([
                { status: "running", progress: 0.5 },
                { status: "done", progress: 1 },
            ]);
            const ended = follow.followJob(api, 1, { first: 10 });
            await new Promise((r) => setTimeout(r, 300));
            const whileHidden = api.reads;
            hiddenNow = false;
            document.dispatchEvent(new Event("visibilitychange"));
            const job = await ended;
            return { whileHidden, reads: api.reads, status: job.status };
        }"""
    )
    assert out == {"whileHidden": 0, "reads": 2, "status": "done"}


def test_a_scheduled_read_waits_for_the_tab_and_can_be_cancelled(js):
    out = js.evaluate(
        """async () => {
            let calls = 0;
            hiddenNow = true;
            follow.later(() => { calls += 1; }, 10);
            const cancel = follow.later(() => { calls += 100; }, 10);
            await new Promise((r) => setTimeout(r, 100));
            const whileHidden = calls;
            cancel();
            hiddenNow = false;
            document.dispatchEvent(new Event("visibilitychange"));
            await new Promise((r) => setTimeout(r, 50));
            return { whileHidden, calls };
        }"""
    )
    assert out == {"whileHidden": 0, "calls": 1}


def test_a_lost_answer_is_asked_again_and_a_refusal_ends_the_following(js):
    out = js.evaluate(
        """async () => {
            const offline = [];
            const api = fakeApi(["offline", "offline", { status: "done", progress: 1 }]);
            const onOffline = (e) => offline.push(e.message);
            const job = await follow.followJob(api, 1, { first: 10, onOffline });
            let refused = null;
            try {
                await follow.followJob(fakeApi(["refused"]), 2, { first: 10 });
            } catch (error) {
                refused = error.status;
            }
            return { status: job.status, offline, reads: api.reads, refused };
        }"""
    )
    assert out == {"status": "done", "offline": ["offline", "offline"], "reads": 3, "refused": 404}
