"""A set's contents rendered once (annotations.sets.SET_CONTENTS) and spliced
into the documents' reads: a warm read answers byte for byte what a cold one
does, after every way a set or what it shows can change."""

import json
import math

import pytest

from apps.actors.models import Actor, Concept
from apps.annotations.models import AnnotationSet
from apps.annotations.sets import SET_CONTENTS, _rendered_contents
from apps.documents.models import Document
from apps.mentions.preannotate import preannotate
from apps.projects.models import Label, Membership
from apps.projects.rendered import Rendered, RenderedCache, render
from apps.projects.renderers import FastJSONRenderer
from tests.actors.helpers import make_registry
from tests.builders import (
    add_prediction,
    annotate,
    concept_stance,
    make_document,
    span,
    span_of,
    stance,
)

TEXT = "Moscow condemned Caracas."


# -- the pure parts ---------------------------------------------------------------


def test_rendered_is_spliced_and_decoded_back_for_the_fallback():
    value = [{"id": "s1", "text": "é\u2028", "score": 0.1, "actor": None, "n": 2**40}]
    part = render(value)
    assert part.value() == value
    renderer = FastJSONRenderer()
    assert renderer.render({"spans": part}) == renderer.render({"spans": value})
    # Beside an int past 64 bits the standard library writes the answer, and
    # the rendered part reads as the value would.
    big = {"meta": 2**70, "spans": part}
    assert renderer.render(big) == renderer.render({"meta": 2**70, "spans": value})
    assert b"\\u00e9" in renderer.render(big)


def test_render_refuses_what_orjson_cannot_write():
    assert render(["\ud800"]) is None
    assert render([2**70]) is None
    assert render([1, "a"]) == Rendered(b'[1,"a"]')


def test_the_cache_drops_the_least_recently_used_past_its_bytes():
    part = Rendered(b"x" * 100)
    cost = RenderedCache._cost((part, None))
    cache = RenderedCache(max_bytes=3 * cost)
    for key in "abc":
        cache.put(key, (part, None))
    assert cache.get_many(["a"]) == {"a": (part, None)}  # a is now the most recent
    cache.put("d", (part, None))
    assert set(cache.get_many("abcd")) == {"a", "c", "d"}
    assert cache.size == 3 * cost and len(cache) == 3
    cache.put("c", (Rendered(b"y"), None))  # replaced: its old bytes no longer count
    assert cache.size == 2 * cost + RenderedCache._cost((Rendered(b"y"),))
    cache.put("huge", (Rendered(b"z" * 4 * cost),))  # larger than the whole cache: not kept
    assert "huge" not in cache.get_many(["huge"]) and len(cache) == 3
    cache.clear()
    assert (len(cache), cache.size) == (0, 0)


# -- the documents' reads -------------------------------------------------------------

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(project, users):
    """ana's and ben's submitted sets on one document of the blind project."""
    doc = make_document(project, text=TEXT)
    annotate(doc, users["ana"], spans=[span("s1", 0, 6, "GPE")], stances=[])
    annotate(doc, users["ben"], spans=[span("s1", 17, 24, "GPE")])
    return doc


def fresh(client, url):
    """What `url` answers with no set's contents held."""
    SET_CONTENTS.clear()
    answer = client.get(url)
    assert answer.status_code == 200, answer.content
    return answer.content


def served(client, url):
    """`url`'s answer with whatever is held, checked against a cold read."""
    warm = client.get(url)
    assert warm.status_code == 200, warm.content
    assert warm.content == fresh(client, url)
    return json.loads(warm.content)


def warmed(client, *urls):
    for url in urls:
        assert client.get(url).status_code == 200
    assert len(SET_CONTENTS)


def spans_of(page, author=None):
    return [
        (s["start"], s["label"], s["text"])
        for d in page["results"]
        for aset in d["annotations"]
        if author is None or aset["author"] == author
        for s in aset["spans"]
    ]


def test_a_warm_page_reads_no_contents_and_answers_the_same(
    client_for, api, document, project, users, django_assert_max_num_queries
):
    other = make_document(project, "d2", text="Caracas answered Moscow.")
    annotate(
        other,
        users["ana"],
        spans=[span("s1", 0, 7, "GPE"), span("s2", 17, 23, "GPE")],
        stances=[stance("t1", "s1", "s2")],
    )
    rita = client_for("rita")
    urls = [
        api("documents/?include=annotations"),
        api(f"documents/{other.pk}/?include=annotations"),
    ]
    cold = []
    for url in urls:
        SET_CONTENTS.clear()
        with django_assert_max_num_queries(6) as reading:
            cold.append(client_for("rita").get(url).content)
        assert any("annotations_span" in q["sql"] for q in reading.captured_queries)
    warmed(rita, *urls)
    for url, content in zip(urls, cold, strict=True):
        # The membership, the documents, their sets: no spans, stances or categories.
        with django_assert_max_num_queries(3) as reading:
            again = rita.get(url)
        assert not any("annotations_span" in q["sql"] for q in reading.captured_queries)
        assert again.content == content
    assert b'"stances":[{"id":"t1"' in cold[0]


def test_put_and_submit(client_for, api, project, users):
    doc = make_document(project, text=TEXT)
    annotate(doc, users["ana"], spans=[span("s1", 0, 6, "GPE")], submit=False)
    ana, rita = client_for("ana"), client_for("rita")
    url = api("documents/?include=annotations")
    warmed(rita, url)
    warmed(ana, url)
    mine = api(f"documents/{doc.pk}/annotations/mine/")
    version = ana.get(mine).json()["version"]
    body = {"version": version, "spans": [span("s1", 0, 6, "ORG")], "stances": []}
    assert ana.put(mine, body, format="json").status_code == 200
    assert spans_of(served(rita, url)) == [(0, "ORG", "Moscow")]
    assert spans_of(served(ana, url)) == [(0, "ORG", "Moscow")]
    assert ana.post(mine + "submit/", {}, format="json").status_code == 200
    assert served(rita, url)["results"][0]["annotations"][0]["status"] == "submitted"


def test_adjudication_accept_and_reopen(client_for, api, document):
    rita, olga = client_for("rita"), client_for("olga")
    url = api("documents/?include=annotations")
    gold = api(f"documents/{document.pk}/gold/")
    body = {"version": 1, "spans": [span("g1", 0, 6, "ORG")], "stances": []}
    assert rita.put(gold, body, format="json").status_code == 200
    warmed(rita, url)
    decision = {"action": "add", "span": {"start": 17, "end": 24, "label": "PERSON", "actor": None}}
    assert (
        rita.post(api(f"documents/{document.pk}/decisions/"), decision, format="json").status_code
        == 201
    )
    assert (17, "PERSON", "Caracas") in spans_of(served(rita, url), "rita")
    assert rita.post(gold + "accept/", {"reason": "done"}, format="json").status_code == 200
    page = served(rita, url)
    assert "submitted" in {
        s["status"] for s in page["results"][0]["annotations"] if s["kind"] == "gold"
    }
    assert olga.post(gold + "reopen/", {"reason": "again"}, format="json").status_code == 200
    page = served(rita, url)
    assert "in_progress" in {
        s["status"] for s in page["results"][0]["annotations"] if s["kind"] == "gold"
    }
    version = rita.get(gold).json()["version"]
    body = {"version": version, "spans": [], "stances": []}
    assert rita.put(gold, body, format="json").status_code == 200
    assert spans_of(served(rita, url), "rita") == []


def test_renaming_a_label_or_an_author(client_for, api, document, project, users):
    rita = client_for("rita")
    url = api("documents/?include=annotations")
    warmed(rita, url)
    label = Label.objects.get(project=project, name="GPE")
    r = client_for("olga").patch(api(f"labels/{label.pk}/"), {"name": "PLACE"}, format="json")
    assert r.status_code == 200, r.content
    assert {label for _, label, _ in spans_of(served(rita, url))} == {"PLACE"}
    users["ana"].username = "anna"
    users["ana"].save(update_fields=["username"])
    assert spans_of(served(rita, url), "anna") == [(0, "PLACE", "Moscow")]


def test_merging_actors_and_concepts(client_for, api, project, users):
    doc = make_document(project, text=TEXT)
    moscow = Actor.objects.create(project=project, name="Moscow city", kind="state")
    russia = Actor.objects.create(project=project, name="Russia", kind="state")
    old = Concept.objects.create(project=project, name="sanctions")
    new = Concept.objects.create(project=project, name="embargo")
    annotate(
        doc,
        users["ana"],
        spans=[span("s1", 0, 6, "GPE", moscow.pk)],
        stances=[concept_stance("t1", "s1", old.pk)],
    )
    rita = client_for("rita")
    url = api("documents/?include=annotations")
    warmed(rita, url)
    r = rita.post(api(f"actors/{moscow.pk}/merge/"), {"into": russia.pk}, format="json")
    assert r.status_code == 200, r.content
    [shown] = served(rita, url)["results"][0]["annotations"]
    assert shown["spans"][0]["actor"] == russia.pk
    r = client_for("olga").post(api(f"concepts/{old.pk}/merge/"), {"into": new.pk}, format="json")
    assert r.status_code == 200, r.content
    [shown] = served(rita, url)["results"][0]["annotations"]
    assert shown["stances"][0]["concept"] == new.pk


def test_preannotation_rewriting_its_set(client_for, api, project):
    actors = make_registry(project)
    doc = make_document(project, text="Moscow condemned Caracas.")
    preannotate(project)
    rita = client_for("rita")
    url = api("documents/?include=annotations")
    warmed(rita, url)
    assert (17, "GPE", "Caracas") in spans_of(served(rita, url))
    actors["Venezuela"].aliases.all().delete()
    preannotate(project)
    assert AnnotationSet.objects.filter(document=doc, kind="prediction").count() == 1
    assert (17, "GPE", "Caracas") not in spans_of(served(rita, url))


def test_deleting_sets_documents_and_members(client_for, api, project, users):
    doc = make_document(project, text=TEXT)
    add_prediction(doc, "model", [span("s1", 0, 6, "GPE")])
    annotate(doc, users["ana"], spans=[span("s1", 17, 24, "GPE")], submit=False)
    other = make_document(project, "d2", text=TEXT)
    annotate(other, users["ben"], spans=[span("s1", 0, 6, "ORG")])
    rita = client_for("rita")
    url = api("documents/?include=annotations")
    warmed(rita, url)
    member = Membership.objects.get(project=project, user=users["ana"])
    assert client_for("olga").delete(api(f"members/{member.pk}/")).status_code == 204
    assert (17, "GPE", "Caracas") not in spans_of(served(rita, url))
    assert client_for("olga").delete(api(f"documents/{other.pk}/")).status_code == 204
    assert spans_of(served(rita, url)) == [(0, "GPE", "Moscow")]


def test_a_text_changed_under_a_held_key_is_quoted_anew(client_for, api, project, users):
    # Unreachable through the API (an annotated text never changes), but a
    # span's text is its document's: the key holds the text.
    doc = make_document(project, text=TEXT)
    annotate(doc, users["ana"], spans=[span_of("s1", TEXT, "Moscow", "GPE")])
    rita = client_for("rita")
    url = api("documents/?include=annotations")
    warmed(rita, url)
    Document.objects.filter(pk=doc.pk).update(text="Berlin condemned Caracas.")
    assert spans_of(served(rita, url)) == [(0, "GPE", "Berlin")]


def test_a_score_orjson_cannot_write_is_never_held():
    # orjson writes NaN as null, which would read back as another value.
    spans = [{"id": "s1", "start": 0, "end": 6, "label": "GPE", "score": math.nan}]
    assert _rendered_contents({"spans": spans, "stances": [], "categories": []}) is None
    spans[0]["score"] = 0.5
    parts = _rendered_contents({"spans": spans, "stances": [], "categories": ["x"]})
    assert parts == (render(spans), None, Rendered(b'["x"]'))
