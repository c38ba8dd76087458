"""The network page in a real browser: the demo's network drawn, a node's
statements listed by keyboard and by click, a window and concepts chosen, a
network of 100+ actors kept legible; and force.js, its pure layout."""

import datetime
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from apps.actors.models import Actor, Concept
from apps.datasets.management.commands.demo import PASSWORD, PROJECT_NAME
from apps.projects.models import Project
from tests.builders import add_gold, concept_stance, make_document, sign_in, span

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_network(page, base_url, project, username, password=None):
    page.set_viewport_size({"width": 1400, "height": 900})
    sign_in(page, base_url, username, password)
    page.goto(f"{base_url}/projects/{project.pk}/")
    page.click("#network-link")
    page.wait_for_selector("body[data-ready=true]")


@pytest.fixture
def demo():
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Project.objects.get(name=PROJECT_NAME)


def test_the_demo_network_and_a_node_s_statements(page, live_server, demo, screenshot_path):
    open_network(page, live_server.url, demo, "rita", PASSWORD)
    expect(page.locator("#network .node")).not_to_have_count(0)
    expect(page.locator("#network .edge.agree")).not_to_have_count(0)
    expect(page.locator("#network-state")).to_contain_text("statements")
    page.screenshot(path=str(screenshot_path("network-congruence.png")))

    # Keyboard: Tab reaches the largest node first; Enter lists its statements.
    page.locator("#n-concepts").focus()
    page.keyboard.press("Tab")
    first = page.locator("#network .node").first
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#statements")).to_be_visible()
    expect(page.locator("#statements-title")).to_contain_text(
        first.get_attribute("aria-label").split(",")[0]
    )
    expect(page.locator("#statement-list li").first.locator("mark")).not_to_be_empty()
    link = page.locator("#statement-list li a").first
    assert "/view/" in link.get_attribute("href")
    page.keyboard.press("Escape")
    expect(page.locator("#statements")).to_be_hidden()
    expect(first).to_be_focused()

    # The conflict network: red edges; Brazil and the United States dispute non-intervention.
    page.select_option("#n-kind", "conflict")
    expect(page.locator("#network .edge.dispute")).not_to_have_count(0)
    expect(page.locator("#network .edge.agree")).to_have_count(0)
    page.locator('#network .node[data-id="a:United States"]').click()
    expect(page.locator("#statement-list li")).to_have_count(2)
    expect(page.locator("#statement-list")).to_contain_text("“limited and necessary”")
    page.screenshot(path=str(screenshot_path("network-conflict.png")))

    # Actors and concepts; then one concept only, in a window.
    page.select_option("#n-kind", "affiliation")
    expect(page.locator("#network .node.concept")).not_to_have_count(0)
    expect(page.locator("#legend-affiliation")).to_be_visible()
    page.locator('#network .node[data-id="c:Legitimacy of the interim government"]').click()
    expect(page.locator("#statements-title")).to_have_text(
        "Statements on Legitimacy of the interim government"
    )
    expect(page.locator("#statement-list li")).to_have_count(5)
    page.screenshot(path=str(screenshot_path("network-affiliation.png")))
    charter = Concept.objects.get(project=demo, name="International law").pk
    page.select_option("#n-concepts", [str(charter)])
    expect(page.locator("#network .node.concept")).to_have_count(1)
    expect(page.locator('#network .node[data-id="c:UN Charter"]')).to_have_count(1)
    page.fill("#n-start", "2026-01-07")
    page.locator("#n-start").dispatch_event("change")
    expect(page.locator("#network .node")).to_have_count(0)
    expect(page.locator("#network-state")).to_contain_text("Nothing to draw")


def test_a_bad_window_is_named(page, live_server, demo):
    open_network(page, live_server.url, demo, "olga", PASSWORD)
    page.fill("#n-start", "2026-01-09")
    page.fill("#n-end", "2026-01-08")
    page.locator("#n-end").dispatch_event("change")
    expect(page.locator("#network-state")).to_contain_text("end")
    expect(page.locator("#network-state")).to_contain_text("must come after start")


def test_a_hundred_actors_stay_legible(page, live_server, users, project, screenshot_path):
    """120 actors on 4 concepts: at most 25 labels, the largest nodes', none
    covering another; hovering another node shows its label."""
    concepts = [Concept.objects.create(project=project, name=f"Concept {n}").pk for n in range(4)]
    names = [f"Actor {n:03}" for n in range(120)]
    text = ". ".join(names) + "."
    spans, stances = [], []
    for n, name in enumerate(names):
        actor = Actor.objects.create(project=project, name=name).pk
        start = text.index(name)
        spans.append(span(f"s{n}", start, start + len(name), "GPE", actor))
        # A few say a lot: the first ten take a position on every concept.
        for c in concepts if n < 10 else concepts[n % 2 : n % 2 + 1]:
            polarity = "SUPPORT" if (n + c) % 3 else "OPPOSE"
            stances.append(concept_stance(f"t{n}-{c}", f"s{n}", c, polarity))
    document = make_document(project, "many", text, published=datetime.date(2026, 1, 5))
    add_gold(document, spans=spans, stances=stances)

    open_network(page, live_server.url, project, "rita")
    expect(page.locator("#network .node")).to_have_count(120)
    boxes = page.locator("#network .node .label").evaluate_all(
        """nodes => nodes.filter(n => getComputedStyle(n).display !== 'none')
            .map(n => { const b = n.getBoundingClientRect();
                        return [b.left, b.top, b.right, b.bottom]; })"""
    )
    assert 10 <= len(boxes) <= 25
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1)
    # The ten who speak on every concept are the largest, and labelled first.
    big = page.locator('#network .node.named[data-id^="a:Actor 00"]')
    assert big.count() >= 3
    quiet = page.locator("#network .node:not(.named)").first
    quiet.hover()
    assert quiet.locator(".label").evaluate("n => getComputedStyle(n).display") != "none"
    page.screenshot(path=str(screenshot_path("network-many.png")))


def test_the_layout_is_stable_and_keeps_nodes_apart(page, live_server):
    page.goto(f"{live_server.url}/static/accord/accord.css")
    out = page.evaluate(
        """async () => {
            const f = await import("/static/accord/force.js");
            const nodes = Array.from(
                {length: 40}, (_, i) => ({id: `a${i}`, label: `A${i}`, statements: i % 7}));
            const edges = nodes.slice(1).map((n, i) => (
                {source: "a0", target: n.id, weight: 1 + (i % 3), kind: "congruence"}));
            const one = f.layout(nodes, edges), two = f.layout(nodes, edges);
            let closest = Infinity;
            for (let i = 0; i < one.length; i++) for (let j = i + 1; j < one.length; j++)
                closest = Math.min(closest, Math.hypot(one[i].x - one[j].x, one[i].y - one[j].y));
            const hub = one[0], far = one.map(p => Math.hypot(p.x - hub.x, p.y - hub.y));
            return {
                same: JSON.stringify(one) === JSON.stringify(two),
                finite: one.every(p => Number.isFinite(p.x) && Number.isFinite(p.y)),
                closest,
                hubCentral: far.reduce((a, b) => a + b) / far.length,
                labelled: [...f.labelled(
                    nodes.map((n, i) => ({...n, x: 100 * i, y: 0, r: 5})), 3)],
                crowded: [...f.labelled([
                    {id: "big", label: "Big", statements: 9, x: 0, y: 0, r: 5},
                    {id: "near", label: "Near", statements: 5, x: 8, y: 2, r: 5},
                    {id: "far", label: "Far", statements: 1, x: 300, y: 0, r: 5},
                ])],
                signs: [
                    f.sign({kind: "conflict", weight: 2}),
                    f.sign({kind: "affiliation", weight: -1}),
                    f.sign({kind: "affiliation", weight: 0}),
                ],
                radii: [f.radius(0, 10), f.radius(10, 10), f.radius(10, 10, 300)],
                empty: f.layout([], []),
            };
        }"""
    )
    assert out["same"] and out["finite"]
    assert out["closest"] > 15
    assert out["labelled"] == ["a13", "a20", "a27"]  # six statements each, by label
    assert out["signs"] == ["dispute", "dispute", "mixed"]
    assert out["crowded"] == ["big", "far"]  # "Near" would cover "Big"
    small, large, among_many = out["radii"]
    assert small < among_many < large
    assert out["empty"] == []


def visible_label_boxes(page):
    """The boxes of the labels shown in the drawing, as the browser lays them out."""
    return page.evaluate(
        """() => [...document.querySelectorAll('#network .node .label')]
            .filter((t) => getComputedStyle(t).display !== 'none')
            .map((t) => { const b = t.getBBox();
                return {id: t.parentNode.dataset.id, x: b.x, y: b.y, w: b.width, h: b.height}; })"""
    )


def overlapping(boxes):
    return [
        (a["id"], b["id"])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a["x"] < b["x"] + b["w"]
        and b["x"] < a["x"] + a["w"]
        and a["y"] < b["y"] + b["h"]
        and b["y"] < a["y"] + a["h"]
    ]


def test_an_edge_lists_the_statements_behind_it_by_click_and_keyboard(page, live_server, demo):
    open_network(page, live_server.url, demo, "rita", PASSWORD)
    edges = page.locator("#network .edge")
    expect(edges).not_to_have_count(0)
    # Click: the heaviest edge's hit line, as the mouse finds it.
    first = page.locator("#edge-list .edge-choice").first
    source, target = first.get_attribute("data-source"), first.get_attribute("data-target")
    line = page.locator(f'#network .edge[data-source="{source}"][data-target="{target}"]')
    index = line.get_attribute("data-edge")
    hit = page.locator(f'#network .edge-hit[data-edge="{index}"]')
    box = hit.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    names = [source[2:], target[2:]]
    expect(page.locator("#statements-title")).to_have_text(
        f"Statements behind {names[0]} – {names[1]}"
    )
    items = page.locator("#statement-list li")
    expect(items).not_to_have_count(0)
    # Both actors speak, each on a concept the other took the same position on.
    actors = {t.split(" ")[0] for t in items.locator(".claim strong").all_text_contents()}
    assert actors == {names[0].split(" ")[0], names[1].split(" ")[0]}
    expect(items.first.locator("mark")).not_to_be_empty()
    expect(page.locator("#statements-state")).to_contain_text(
        "on which they take the same position"
    )
    expect(line).to_have_class(re.compile(r"\bchosen\b"))
    page.keyboard.press("Escape")
    expect(page.locator("#statements")).to_be_hidden()

    # Keyboard: the edge list after the drawing; Enter opens one, Escape comes back to it.
    page.locator("#edges-summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#statements")).to_be_visible()
    expect(page.locator("#statements-title")).to_contain_text("Statements behind")
    expect(first).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Escape")
    expect(first).to_be_focused()

    # The conflict network: the edge of the two who dispute lists both sides.
    page.select_option("#n-kind", "conflict")
    expect(page.locator("#network .edge.dispute")).not_to_have_count(0)
    page.locator("#edge-list .edge-choice").first.click()
    expect(page.locator("#statements-state")).to_contain_text("opposite positions")
    positions = set(page.locator("#statement-list .position").all_text_contents())
    assert positions == {"SUPPORT", "OPPOSE"}
    page.screenshot(path="/tmp/shots-claims/network-edge-conflict.png")


def test_a_chosen_node_s_neighbours_labels_do_not_overlap(
    page, live_server, users, project, screenshot_path
):
    """A hub tied to twelve actors drawn close around it: once the hub is
    chosen, the labels shown (its own and its neighbours') cover none other."""
    hub = Actor.objects.create(project=project, name="Russian Federation")
    others = [Actor.objects.create(project=project, name=f"Ministry {n:02d}") for n in range(12)]
    concept = Concept.objects.create(project=project, name="Sovereignty")
    for n, actor in enumerate([hub, *others]):
        text = f"{actor.name} defended sovereignty."
        document = make_document(project, f"d{n}", text, published=datetime.date(2026, 1, 6))
        add_gold(
            document,
            spans=[span("s0", 0, len(actor.name), "GPE", actor.pk)],
            stances=[concept_stance("t1", "s0", concept.pk)],
        )
    open_network(page, live_server.url, project, "rita")
    page.locator(f'#network .node[data-id="a:{hub.name}"]').click()
    expect(page.locator("#statements")).to_be_visible()
    boxes = visible_label_boxes(page)
    assert len(boxes) >= 2
    assert overlapping(boxes) == []
    # Hover a neighbour whose label found no room: it shows.
    hidden = page.locator("#network .node.near.unplaced")
    if hidden.count():
        hidden.first.hover()
        expect(hidden.first.locator(".label")).to_be_visible()
    page.mouse.move(0, 0)
    page.locator("#network").screenshot(path="/tmp/shots-claims/network-neighbour-labels.png")
