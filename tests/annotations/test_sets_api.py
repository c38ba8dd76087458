"""The caller's set (`annotations/mine/`), submitting it, and `annotations/`."""

import pytest

from apps.actors.models import Actor
from apps.annotations.models import AnnotationSet, Span, Stance
from apps.documents.models import Document
from apps.projects.models import Project

TEXT = "Moscow condemned the U.S. operation against Venezuela."
MOSCOW = {"id": "m", "start": 0, "end": 6, "label": "GPE"}
VENEZUELA = {"id": "v", "start": 44, "end": 53, "label": "GPE"}
STANCE = {"id": "t", "holder": "m", "target": "v", "polarity": "OPPOSE"}


@pytest.fixture
def doc(project):
    return Document.objects.create(project=project, external_id="d1", text=TEXT)


@pytest.fixture
def mine(api, doc):
    return api(f"documents/{doc.pk}/annotations/mine/")


@pytest.fixture
def ana(client_for):
    return client_for("ana")


def read(client, url):
    r = client.get(url)
    assert r.status_code == 200, r.content
    return r.json()


def take(client, url):
    """Take the document (POST mine/): the caller's set, created or the one they have."""
    r = client.post(url)
    assert r.status_code in (200, 201), r.content
    return r.json()


def put(client, url, version, spans=(), stances=()):
    body = {"version": version, "spans": list(spans), "stances": list(stances)}
    return client.put(url, body, format="json")


def stored(aset_id):
    """What the database holds for a set: version, status, span and stance ids."""
    aset = AnnotationSet.objects.get(pk=aset_id)
    spans = sorted(Span.objects.filter(set=aset).values_list("sid", "start", "end"))
    stances = sorted(Stance.objects.filter(set=aset).values_list("sid", flat=True))
    return aset.version, aset.status, spans, stances


def test_fixture_offsets_are_right():
    assert TEXT[0:6] == "Moscow" and TEXT[44:53] == "Venezuela"


# --- POST takes once, GET reads ------------------------------------------------------------


def test_post_mine_creates_the_set_once(ana, mine, doc, users):
    assert ana.get(mine).status_code == 404
    first = take(ana, mine)
    assert first["kind"] == "annotator"
    assert first["author"] == "ana"
    assert first["status"] == "in_progress"
    assert first["spans"] == [] and first["stances"] == []
    second = take(ana, mine)
    assert second == first
    assert read(ana, mine) == first
    assert second["id"] == first["id"]
    assert second["version"] == first["version"]
    assert AnnotationSet.objects.filter(document=doc, author=users["ana"]).count() == 1
    doc.refresh_from_db()
    assert doc.annotator_count == 1


# --- version -------------------------------------------------------------------------------


@pytest.mark.parametrize("version", [None, "1", "3", True, 1.0, 0, -1, [1]], ids=repr)
def test_put_requires_integer_version(ana, mine, version):
    aset = take(ana, mine)
    body = {"spans": [MOSCOW], "stances": []}
    if version is not None:
        body["version"] = version
    r = ana.put(mine, body, format="json")
    assert r.status_code == 400, r.content
    assert "version" in r.json()["errors"]
    assert "version" in r.json()["detail"]
    assert stored(aset["id"])[0] == aset["version"]
    assert not Span.objects.exists()


def test_stale_version_conflicts_and_changes_nothing(ana, mine):
    v = take(ana, mine)["version"]
    r = put(ana, mine, v, [MOSCOW])
    assert r.status_code == 200, r.content
    aset_id = r.json()["id"]
    before = stored(aset_id)
    r = put(ana, mine, v, [VENEZUELA])
    assert r.status_code == 409, r.content
    assert r.json()["version"] == v + 1
    assert r.json()["detail"]
    assert stored(aset_id) == before
    assert [s["id"] for s in read(ana, mine)["spans"]] == ["m"]


def test_two_tabs_with_the_same_version_one_wins(client_for, mine):
    tab1, tab2 = client_for("ana"), client_for("ana")
    v = take(tab1, mine)["version"]
    assert take(tab2, mine)["version"] == v
    r1 = put(tab1, mine, v, [MOSCOW])
    r2 = put(tab2, mine, v, [VENEZUELA])
    assert sorted([r1.status_code, r2.status_code]) == [200, 409]
    assert r2.status_code == 409 and r2.json()["version"] == v + 1
    current = read(tab1, mine)
    assert current["version"] == v + 1
    assert [s["id"] for s in current["spans"]] == ["m"]


def test_put_replaces_the_whole_set(ana, mine):
    v = take(ana, mine)["version"]
    r = put(ana, mine, v, [MOSCOW, VENEZUELA], [STANCE])
    assert r.status_code == 200, r.content
    r = put(ana, mine, v + 1, [VENEZUELA])
    assert r.status_code == 200, r.content
    got = read(ana, mine)
    assert [s["id"] for s in got["spans"]] == ["v"]
    assert got["stances"] == []
    assert Span.objects.count() == 1 and Stance.objects.count() == 0


def test_version_increases_by_one_per_write(ana, mine):
    v = take(ana, mine)["version"]
    for step in range(1, 4):
        r = put(ana, mine, v + step - 1, [MOSCOW] if step % 2 else [VENEZUELA])
        assert r.status_code == 200, r.content
        assert r.json()["version"] == v + step
        assert take(ana, mine)["version"] == v + step


def test_put_and_get_return_each_spans_text(ana, mine):
    v = take(ana, mine)["version"]
    r = put(ana, mine, v, [MOSCOW, VENEZUELA], [STANCE])
    assert r.status_code == 200, r.content
    assert {s["id"]: s["text"] for s in r.json()["spans"]} == {"m": "Moscow", "v": "Venezuela"}
    got = read(ana, mine)
    assert {s["id"]: s["text"] for s in got["spans"]} == {"m": "Moscow", "v": "Venezuela"}
    assert got["stances"] == [
        {
            "id": "t",
            "holder": "m",
            "target": "v",
            "concept": None,
            "polarity": "OPPOSE",
            "cue": None,
        }
    ]


def test_stance_cue_round_trips(ana, mine):
    cue = {"id": "c", "start": 7, "end": 16, "label": "ORG"}
    stance = {**STANCE, "cue": "c"}
    r = put(ana, mine, take(ana, mine)["version"], [MOSCOW, VENEZUELA, cue], [stance])
    assert r.status_code == 200, r.content
    assert read(ana, mine)["stances"] == [
        {"id": "t", "holder": "m", "target": "v", "concept": None, "polarity": "OPPOSE", "cue": "c"}
    ]


def test_server_made_ids_are_returned(ana, mine):
    cue = {"start": 7, "end": 16, "label": "ORG"}
    stance = {"holder": "m", "target": "v", "polarity": "SUPPORT"}
    r = put(ana, mine, take(ana, mine)["version"], [MOSCOW, VENEZUELA, cue], [stance])
    assert r.status_code == 200, r.content
    assert [s["id"] for s in r.json()["spans"]] == ["m", "s1", "v"]
    got = read(ana, mine)
    assert [s["id"] for s in got["spans"]] == ["m", "s1", "v"]
    assert got["stances"][0]["id"] == "t1"


@pytest.mark.parametrize(
    "bad",
    [
        {"id": "x", "start": 40, "end": 999, "label": "GPE"},
        {"id": "x", "start": 7, "end": 16, "label": "LOC"},
        {"id": "x", "start": 7, "end": 16, "label": "ORG", "text": "nonsense"},
        {"id": "x", "start": 7, "end": 7, "label": "ORG"},
    ],
)
def test_one_bad_span_stores_nothing(ana, mine, bad):
    v = take(ana, mine)["version"]
    assert put(ana, mine, v, [MOSCOW]).status_code == 200
    aset_id = read(ana, mine)["id"]
    before = stored(aset_id)
    r = put(ana, mine, v + 1, [VENEZUELA, bad])
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["errors"] and body["errors"][0]["field"].startswith("spans[1]")
    assert "spans[1]" in body["detail"]
    assert stored(aset_id) == before
    assert [s["id"] for s in read(ana, mine)["spans"]] == ["m"]


def test_stance_pointing_at_a_span_of_another_set(client_for, mine):
    ana, ben = client_for("ana"), client_for("ben")
    vb = take(ben, mine)["version"]
    ben_span = {"id": "bens", "start": 21, "end": 25, "label": "GPE"}
    assert put(ben, mine, vb, [ben_span]).status_code == 200
    va = take(ana, mine)["version"]
    r = put(ana, mine, va, [MOSCOW], [{"holder": "m", "target": "bens", "polarity": "OPPOSE"}])
    assert r.status_code == 400, r.content
    assert r.json()["errors"][0]["field"] == "stances[0].target"
    got = read(ana, mine)
    assert got["version"] == va and got["spans"] == []


# --- submit --------------------------------------------------------------------------------


def test_submit_then_frozen(ana, mine, doc, api):
    v = take(ana, mine)["version"]
    assert put(ana, mine, v, [MOSCOW]).status_code == 200
    r = ana.post(mine + "submit/", {"version": v + 1}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "submitted"
    submitted_version = r.json()["version"]
    doc.refresh_from_db()
    assert doc.submitted_count == 1
    assert read(ana, api(f"documents/{doc.pk}/"))["submitted"] == 1

    r = put(ana, mine, submitted_version, [VENEZUELA])
    assert r.status_code == 409, r.content
    assert [s["id"] for s in read(ana, mine)["spans"]] == ["m"]

    r = ana.post(mine + "submit/")
    assert r.status_code == 409, r.content
    doc.refresh_from_db()
    assert doc.submitted_count == 1
    assert read(ana, mine)["status"] == "submitted"


def test_submit_with_stale_version(ana, mine, doc):
    v = take(ana, mine)["version"]
    assert put(ana, mine, v, [MOSCOW]).status_code == 200
    r = ana.post(mine + "submit/", {"version": v}, format="json")
    assert r.status_code == 409, r.content
    assert r.json()["version"] == v + 1
    assert read(ana, mine)["status"] == "in_progress"
    doc.refresh_from_db()
    assert doc.submitted_count == 0


def test_submit_without_a_set_is_404(ana, mine):
    assert ana.post(mine + "submit/").status_code == 404


# --- k annotators --------------------------------------------------------------------------


def test_post_mine_on_a_full_document_conflicts(client_for, mine, doc, users):
    take(client_for("ana"), mine)
    take(client_for("ben"), mine)
    r = client_for("rita").post(mine)
    assert r.status_code == 409, r.content
    assert r.json()["detail"]
    assert client_for("rita").get(mine).status_code == 404
    assert not AnnotationSet.objects.filter(author=users["rita"]).exists()
    doc.refresh_from_db()
    assert doc.annotator_count == 2
    # Those who have a set still get it.
    assert read(client_for("ana"), mine)["author"] == "ana"


def test_put_mine_on_a_full_document_takes_nothing(client_for, mine, users):
    take(client_for("ana"), mine)
    take(client_for("ben"), mine)
    r = put(client_for("rita"), mine, 1, [MOSCOW])
    assert r.status_code == 404, r.content
    assert not AnnotationSet.objects.filter(author=users["rita"]).exists()


# --- annotations/ --------------------------------------------------------------------------


def test_annotations_lists_sets(client_for, mine, api, doc):
    ana, ben = client_for("ana"), client_for("ben")
    assert put(ana, mine, take(ana, mine)["version"], [MOSCOW]).status_code == 200
    assert put(ben, mine, take(ben, mine)["version"], [VENEZUELA]).status_code == 200
    url = api(f"documents/{doc.pk}/annotations/")

    every = read(client_for("rita"), url)
    assert sorted(s["author"] for s in every) == ["ana", "ben"]
    by_author = {s["author"]: s for s in every}
    assert [s["text"] for s in by_author["ana"]["spans"]] == ["Moscow"]
    assert [s["text"] for s in by_author["ben"]["spans"]] == ["Venezuela"]

    # A blind project: an annotator sees only their own set.
    assert [s["author"] for s in read(ana, url)] == ["ana"]


def test_non_member_gets_404(client_for, mine):
    assert client_for("oscar").get(mine).status_code == 404
    assert client_for("oscar").post(mine).status_code == 404


# --- actors --------------------------------------------------------------------------------


def test_actor_of_another_project_is_rejected(ana, mine):
    other = Project.objects.create(name="Elsewhere")
    foreign = Actor.objects.create(project=other, name="Russia")
    v = take(ana, mine)["version"]
    r = put(ana, mine, v, [{**MOSCOW, "actor": foreign.pk}])
    assert r.status_code == 400, r.content
    assert r.json()["errors"][0]["field"] == "spans[0].actor"
    assert take(ana, mine)["version"] == v
    assert not Span.objects.exists()


def test_actor_of_this_project_is_linked(ana, mine, project):
    russia = Actor.objects.create(project=project, name="Russia")
    v = take(ana, mine)["version"]
    r = put(ana, mine, v, [{**MOSCOW, "actor": russia.pk}])
    assert r.status_code == 200, r.content
    assert read(ana, mine)["spans"][0]["actor"] == russia.pk


def test_merged_actor_is_rejected(ana, mine, project):
    survivor = Actor.objects.create(project=project, name="Russia")
    merged = Actor.objects.create(project=project, name="Kremlin", merged_into=survivor)
    v = take(ana, mine)["version"]
    r = put(ana, mine, v, [{**MOSCOW, "actor": merged.pk}])
    assert r.status_code == 400, r.content
    error = r.json()["errors"][0]
    assert error["field"] == "spans[0].actor"
    assert str(survivor.pk) in error["message"]
    assert not Span.objects.exists()


def test_put_answers_with_the_shape_of_get(ana, mine, project):
    version = take(ana, mine)["version"]
    cue = {"id": "c", "start": 10, "end": 16, "label": "GPE"}
    stances = [
        {"id": "z", "holder": "v", "target": "m", "polarity": "SUPPORT", "cue": None},
        {"id": "a", "holder": "m", "target": "v", "polarity": "OPPOSE", "cue": "c"},
    ]
    response = put(ana, mine, version, [VENEZUELA, MOSCOW, cue], stances)
    assert response.status_code == 200, response.content
    assert response.json() == read(ana, mine)
    assert "updated_at" in response.json()


REJECTED = {"source": "alias-matcher", "start": 44, "end": 53, "label": "GPE"}


def test_rejected_suggestions_are_stored_with_the_set_and_versioned(ana, mine, client_for):
    """Issue 12.13: rejections lived in one browser's storage; they are
    part of the set now, written under its version like its spans."""
    aset = take(ana, mine)
    assert aset["rejected_predictions"] == []
    body = {"version": 1, "spans": [MOSCOW], "stances": [], "rejected_predictions": [REJECTED]}
    r = ana.put(mine, body, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["version"] == 2 and r.json()["rejected_predictions"] == [REJECTED]
    # Another device reads them back.
    assert read(client_for("ana"), mine)["rejected_predictions"] == [REJECTED]
    # A write that leaves them out keeps them; a stale one changes nothing.
    assert put(ana, mine, 2, [MOSCOW]).json()["rejected_predictions"] == [REJECTED]
    stale = ana.put(mine, {**body, "version": 1, "rejected_predictions": []}, format="json")
    assert stale.status_code == 409 and stale.json()["version"] == 3
    assert AnnotationSet.objects.get(pk=aset["id"]).rejected_predictions == [REJECTED]
    # An empty list clears them.
    cleared = ana.put(mine, {**body, "version": 3, "rejected_predictions": []}, format="json")
    assert cleared.json()["rejected_predictions"] == []


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("all", "rejected_predictions"),
        ([{**REJECTED, "end": 99}], "rejected_predictions[0]"),
        ([{**REJECTED, "start": "44"}], "rejected_predictions[0].start"),
        ([{**REJECTED, "source": 5}], "rejected_predictions[0].source"),
    ],
)
def test_bad_rejections_are_refused_naming_the_field(ana, mine, value, field):
    aset = take(ana, mine)
    body = {"version": 1, "spans": [], "stances": [], "rejected_predictions": value}
    r = ana.put(mine, body, format="json")
    assert r.status_code == 400
    assert field in {e["field"] for e in r.json()["errors"]}
    assert stored(aset["id"])[0] == 1


def test_put_answers_what_a_get_then_reads(project, mine, ana, django_assert_max_num_queries):
    """PUT builds its answer from what it wrote: the same as the GET after it,
    spans in text order (nested ones longest first), stances as sent, several
    categories in the database's order, rejections as stored."""
    from apps.actors.models import Concept
    from tests.builders import make_category_group

    make_category_group(project, "Tone", ["b", "B", "a"], multiple=True)
    law = Concept.objects.create(project=project, name="Law")
    version = take(ana, mine)["version"]
    spans = [
        VENEZUELA,
        {"id": "w", "start": 0, "end": 16, "label": "ORG"},
        {"id": "m2", "start": 0, "end": 6, "label": "PERSON"},
        MOSCOW,
    ]
    stances = [
        STANCE,
        {"id": "c", "holder": "v", "target": None, "concept": law.pk, "polarity": "SUPPORT"},
    ]
    body = {
        "version": version,
        "spans": spans,
        "stances": stances,
        "categories": ["b", "a", "B"],
        "rejected_predictions": [{"source": "model", "start": 7, "end": 16, "label": "ORG"}],
    }
    # The caller, document, set, labels and concept; the write; the
    # categories read back (several): no read-back of the set and its spans.
    with django_assert_max_num_queries(16):
        written = ana.put(mine, body, format="json")
    assert written.status_code == 200, written.content
    got = ana.get(mine)
    assert written.json() == got.json()
    assert written["ETag"] == got["ETag"]
    assert [s["id"] for s in got.json()["spans"]] == ["w", "m2", "m", "v"]
    # One category, none: nothing read back, the same answer.
    for categories in (["a"], []):
        body = {**body, "version": got.json()["version"], "categories": categories}
        written = ana.put(mine, body, format="json")
        got = ana.get(mine)
        assert written.json() == got.json() and got.json()["categories"] == categories


def test_get_mine_reads_its_row_once(doc, mine, ana, django_assert_max_num_queries):
    """GET mine answers what set_payload reads, in six queries whatever the
    set holds: the caller, the document, their set (its row, not read
    again) and its spans, stances and categories."""
    import json

    from apps.annotations.sets import set_payload
    from apps.projects.renderers import FastJSONRenderer

    version = take(ana, mine)["version"]
    assert put(ana, mine, version, [VENEZUELA, MOSCOW], [STANCE]).status_code == 200
    with django_assert_max_num_queries(6):
        got = read(ana, mine)
    assert got == json.loads(FastJSONRenderer().render(set_payload(got["id"], TEXT)))
    assert got["author"] == "ana" and [s["id"] for s in got["spans"]] == ["m", "v"]


def test_mine_is_not_found_without_the_set_or_the_document(ana, api, doc):
    """GET and PUT of mine read the set with its document in one query; without
    a set the document is read to tell the two refusals apart."""
    body = {"version": 1, "spans": [], "stances": []}
    for method in (ana.get, ana.put):
        none = method(api(f"documents/{doc.pk}/annotations/mine/"), body, format="json")
        assert none.status_code == 404 and "take it with POST" in none.json()["detail"]
        gone = method(api(f"documents/{doc.pk + 1000}/annotations/mine/"), body, format="json")
        assert gone.status_code == 404 and "take it with POST" not in gone.json()["detail"]
