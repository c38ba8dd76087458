"""The dashboard's label chart stays legible: a value at 1.000 never reaches
the support column, and the legend sits clear of the axis."""

import pytest

from tests.builders import annotate, make_project, span_at
from tests.review.helpers import MOSCOW, RODRIGUEZ, VENEZUELA, document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def box(locator):
    b = locator.bounding_box()
    return b["x"], b["y"], b["x"] + b["width"], b["y"] + b["height"]


def overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_values_support_and_legend_never_collide(page, live_server, sign_in, users, tmp_path):
    project = make_project(users, annotators_per_document=2)
    doc = document(project)
    # Full agreement on GPE (F1 1.000, the longest bar), none on PERSON.
    spans = [span_at("s1", MOSCOW), span_at("s2", VENEZUELA)]
    annotate(doc, users["ana"], [*spans, span_at("s3", RODRIGUEZ)])
    annotate(doc, users["ben"], spans)
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "rita")
    page.goto(f"{live_server.url}/projects/{project.pk}/dashboard/")
    page.wait_for_selector("body[data-ready=true]")
    chart = page.locator("#label-chart-svg")
    gpe = chart.locator("g[data-label=GPE]")
    assert gpe.locator("text[data-kind=exact]").text_content() == "e 1.000"
    support = box(gpe.locator(".support"))
    for kind in ("exact", "partial"):
        value = box(gpe.locator(f"text[data-kind={kind}]"))
        assert value[2] < support[0], f"the {kind} value runs into the support"
    legend = chart.locator(".legend")
    ticks = chart.locator("> text")
    for i in range(ticks.count()):
        assert not overlap(box(legend), box(ticks.nth(i))), "the legend sits on the axis"
    bars = [box(chart.locator(f"g[data-label={n}]")) for n in ("GPE", "PERSON")]
    assert all(box(legend)[1] >= b[3] for b in bars), "the legend lies under the bars"
    page.locator("#label-chart").screenshot(path=tmp_path / "label-chart.png")


def test_a_dark_matrix_cell_writes_its_value_in_white(page, live_server, sign_in, users):
    project = make_project(users, annotators_per_document=2)
    doc = document(project)
    annotate(doc, users["ana"], [span_at("s1", MOSCOW)])
    annotate(doc, users["ben"], [span_at("s1", MOSCOW)])
    sign_in(page, "rita")
    page.goto(f"{live_server.url}/projects/{project.pk}/dashboard/")
    page.wait_for_selector("body[data-ready=true]")
    value = page.locator("#pair-matrix-svg g[data-a=ana][data-b=ben] text")
    assert value.text_content() == "1.00"
    assert value.evaluate("t => getComputedStyle(t).fill") == "rgb(255, 255, 255)"
