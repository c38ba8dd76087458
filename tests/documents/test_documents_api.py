"""Documents: list (cursor pages, filters), detail, create, edit, delete, and next/."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.annotations.models import AnnotationSet
from apps.documents.models import Document
from apps.projects.models import Project


@pytest.fixture
def owner(client_for):
    return client_for("olga")


def make_docs(project, n, **fields):
    return Document.objects.bulk_create(
        Document(project=project, external_id=f"doc-{i:04d}", text=f"Text number {i}.", **fields)
        for i in range(1, n + 1)
    )


def ids_of(response):
    assert response.status_code == 200, response.content
    return [d["external_id"] for d in response.json()["results"]]


def take(client, api):
    """POST next/; return (document id, set) or None on 204."""
    r = client.post(api("documents/next/"))
    if r.status_code == 204:
        return None
    assert r.status_code == 200, r.content
    return r.json()["id"], r.json()["set"]


def submit(client, api, document_id):
    r = client.post(api(f"documents/{document_id}/annotations/mine/submit/"))
    assert r.status_code == 200, r.content


def annotate_all(client, api):
    """Take and submit documents until none is left; return their ids in order."""
    order = []
    while (found := take(client, api)) is not None:
        order.append(found[0])
        submit(client, api, found[0])
        assert len(order) <= 1000
    return order


# --- list and cursor paging -----------------------------------------------------------------


def test_list_pages_by_cursor(owner, api, project):
    docs = make_docs(project, 25)
    r = owner.get(api("documents/"), {"page_size": 10})
    seen = ids_of(r)
    assert len(seen) == 10
    assert r.json()["previous"] is None
    assert "cursor=" in r.json()["next"]
    pages = 1
    while r.json()["next"]:
        r = owner.get(r.json()["next"])
        seen += ids_of(r)
        pages += 1
    assert pages == 3
    assert seen == [d.external_id for d in docs]
    assert r.json()["previous"]


def test_default_page_size_is_100(owner, api, project):
    make_docs(project, 105)
    r = owner.get(api("documents/"))
    assert len(ids_of(r)) == 100 and r.json()["next"]


def test_page_size_up_to_1000_and_capped(owner, api, project):
    make_docs(project, 1005)
    r = owner.get(api("documents/"), {"page_size": 1000})
    assert len(ids_of(r)) == 1000
    r = owner.get(api("documents/"), {"page_size": 5000})
    assert len(ids_of(r)) == 1000
    assert r.json()["next"]
    assert len(ids_of(owner.get(r.json()["next"]))) == 5


def test_list_is_project_scoped(owner, api, project):
    make_docs(project, 2)
    other = Project.objects.create(name="Other")
    Document.objects.create(project=other, external_id="foreign", text="Not ours.")
    assert ids_of(owner.get(api("documents/"))) == ["doc-0001", "doc-0002"]


def test_outsider_gets_404(client_for, api, project):
    make_docs(project, 1)
    assert client_for("oscar").get(api("documents/")).status_code == 404


# --- filters -------------------------------------------------------------------------------


def test_filter_external_id(owner, api, project):
    make_docs(project, 12)
    assert ids_of(owner.get(api("documents/"), {"external_id": "doc-0011"})) == ["doc-0011"]
    assert ids_of(owner.get(api("documents/"), {"external_id": "doc-001"})) == []


@pytest.fixture
def progress(project, client_for, api):
    """doc-0001 annotated (ana and ben submitted), doc-0002 in progress (ana), doc-0003 new."""
    docs = make_docs(project, 3)
    ana, ben = client_for("ana"), client_for("ben")
    for client in (ana, ben):
        assert take(client, api)[0] == docs[0].pk
        submit(client, api, docs[0].pk)
    assert take(ana, api)[0] == docs[1].pk
    return docs


@pytest.mark.parametrize(
    "status,expected",
    [("new", ["doc-0003"]), ("in_progress", ["doc-0002"]), ("annotated", ["doc-0001"])],
)
def test_filter_status(owner, api, progress, status, expected):
    r = owner.get(api("documents/"), {"status": status})
    assert ids_of(r) == expected
    assert [d["status"] for d in r.json()["results"]] == [status]


def test_status_in_progress_until_all_k_submitted(owner, api, project, client_for):
    (doc,) = make_docs(project, 1)
    ana, ben = client_for("ana"), client_for("ben")
    take(ana, api)
    take(ben, api)
    submit(ana, api, doc.pk)
    assert ids_of(owner.get(api("documents/"), {"status": "in_progress"})) == ["doc-0001"]
    assert ids_of(owner.get(api("documents/"), {"status": "annotated"})) == []
    submit(ben, api, doc.pk)
    assert ids_of(owner.get(api("documents/"), {"status": "annotated"})) == ["doc-0001"]


def test_filter_q(owner, api, project):
    Document.objects.create(project=project, external_id="a", text="Moscow condemned the strike.")
    Document.objects.create(
        project=project, external_id="b", title="Caracas", text="Officials in moscow spoke."
    )
    Document.objects.create(project=project, external_id="c", text="Bogotá stayed silent.")
    assert ids_of(owner.get(api("documents/"), {"q": "moscow"})) == ["a", "b"]
    assert ids_of(owner.get(api("documents/"), {"q": "moscow caracas"})) == ["b"]
    assert ids_of(owner.get(api("documents/"), {"q": "Bogotá"})) == ["c"]
    assert ids_of(owner.get(api("documents/"), {"q": "Lima"})) == []


def test_filter_assigned_to_as_owner(owner, api, progress):
    assert ids_of(owner.get(api("documents/"), {"assigned_to": "ana"})) == [
        "doc-0001",
        "doc-0002",
    ]
    assert ids_of(owner.get(api("documents/"), {"assigned_to": "ben"})) == ["doc-0001"]
    assert ids_of(owner.get(api("documents/"), {"assigned_to": "rita"})) == []


def test_filter_assigned_to_in_blind_project(client_for, api, progress):
    ana = client_for("ana")
    assert ids_of(ana.get(api("documents/"), {"assigned_to": "ana"})) == ["doc-0001", "doc-0002"]
    assert ana.get(api("documents/"), {"assigned_to": "ben"}).status_code == 403


def test_filter_outlet_and_published(owner, api, project):
    def add(external_id, outlet, published):
        Document.objects.create(
            project=project,
            external_id=external_id,
            text=external_id,
            outlet=outlet,
            published=published,
        )

    add("r1", "Reuters", datetime.date(2026, 1, 3))
    add("t1", "TASS", datetime.date(2026, 1, 5))
    add("r2", "Reuters", datetime.date(2026, 1, 10))
    add("x", "", None)
    assert ids_of(owner.get(api("documents/"), {"outlet": "Reuters"})) == ["r1", "r2"]
    assert ids_of(owner.get(api("documents/"), {"published_after": "2026-01-05"})) == ["t1", "r2"]
    assert ids_of(owner.get(api("documents/"), {"published_before": "2026-01-05"})) == [
        "r1",
        "t1",
    ]
    params = {"outlet": "Reuters", "published_after": "2026-01-04"}
    assert ids_of(owner.get(api("documents/"), params)) == ["r2"]


def test_filter_with_paging_keeps_filter(owner, api, project):
    make_docs(project, 6, outlet="Reuters")
    Document.objects.bulk_create(
        Document(project=project, external_id=f"tass-{i}", text="t", outlet="TASS")
        for i in range(3)
    )
    r = owner.get(api("documents/"), {"outlet": "Reuters", "page_size": 4})
    seen = ids_of(r)
    r = owner.get(r.json()["next"])
    seen += ids_of(r)
    assert seen == [f"doc-{i:04d}" for i in range(1, 7)]


# --- detail, create, edit, delete ----------------------------------------------------------


def test_detail(owner, api, project):
    doc = Document.objects.create(
        project=project, external_id="d", title="T", text="Body.\r\n", meta={"lang": "en"}
    )
    r = owner.get(api(f"documents/{doc.pk}/"))
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["id"] == doc.pk
    assert (data["external_id"], data["title"], data["text"]) == ("d", "T", "Body.\r\n")
    assert data["meta"] == {"lang": "en"}
    assert data["status"] == "new"


def test_detail_of_another_projects_document_is_404(owner, api):
    other = Project.objects.create(name="Other")
    foreign = Document.objects.create(project=other, external_id="f", text="x")
    assert owner.get(api(f"documents/{foreign.pk}/")).status_code == 404


def test_create_one_document(owner, api):
    body = {"id": "n1", "text": "A new article.", "title": "New", "outlet": "AP"}
    r = owner.post(api("documents/"), body, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["external_id"] == "n1"
    assert r.json()["text"] == "A new article."
    doc = Document.objects.get()
    assert (doc.title, doc.outlet) == ("New", "AP")

    r = owner.post(api("documents/"), {"id": "n1", "text": "Other text."}, format="json")
    assert r.status_code == 409, r.content
    assert Document.objects.get().text == "A new article."


def test_create_needs_owner(client_for, api):
    r = client_for("ana").post(api("documents/"), {"id": "n1", "text": "x"}, format="json")
    assert r.status_code == 403
    assert not Document.objects.exists()


def test_create_bad_record_is_400(owner, api):
    r = owner.post(api("documents/"), {"id": "n1"}, format="json")
    assert r.status_code == 400, r.content
    assert not Document.objects.exists()


def test_patch_title(owner, api, project):
    doc = Document.objects.create(project=project, external_id="d", title="Old", text="x")
    r = owner.patch(api(f"documents/{doc.pk}/"), {"title": "New"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["title"] == "New"
    doc.refresh_from_db()
    assert doc.title == "New"


def test_patch_external_id_clash_is_400(owner, api, project):
    a = Document.objects.create(project=project, external_id="a", text="x")
    Document.objects.create(project=project, external_id="b", text="y")
    r = owner.patch(api(f"documents/{a.pk}/"), {"external_id": "b"}, format="json")
    assert r.status_code == 400, r.content
    assert "external_id" in r.json()["errors"]
    a.refresh_from_db()
    assert a.external_id == "a"


def test_patch_title_needs_owner(client_for, api, project):
    doc = Document.objects.create(project=project, external_id="d", title="Old", text="x")
    r = client_for("rita").patch(api(f"documents/{doc.pk}/"), {"title": "New"}, format="json")
    assert r.status_code == 403
    doc.refresh_from_db()
    assert doc.title == "Old"


def test_patch_text_of_unannotated_document(owner, api, project):
    doc = Document.objects.create(project=project, external_id="d", text="Old text.")
    r = owner.patch(api(f"documents/{doc.pk}/"), {"text": "New text."}, format="json")
    assert r.status_code == 200, r.content
    doc.refresh_from_db()
    assert doc.text == "New text."


def test_patch_text_of_annotated_document_is_refused(owner, client_for, api, project):
    doc = Document.objects.create(project=project, external_id="d", text="Old text.")
    # An empty set is enough: taking the document creates it.
    assert client_for("ana").post(api(f"documents/{doc.pk}/annotations/mine/")).status_code == 201
    r = owner.patch(api(f"documents/{doc.pk}/"), {"text": "New text."}, format="json")
    assert r.status_code == 400, r.content
    assert "text" in r.json()["errors"]
    doc.refresh_from_db()
    assert doc.text == "Old text."
    # Other fields can still change, and the same text is no change.
    r = owner.patch(api(f"documents/{doc.pk}/"), {"title": "T", "text": "Old text."}, format="json")
    assert r.status_code == 200, r.content


def test_patch_text_with_a_prediction_set_is_refused(owner, api):
    record = {"id": "d", "text": "Moscow.", "spans": [{"start": 0, "end": 6, "label": "GPE"}]}
    assert owner.post(api("documents/import/"), [record], format="json").status_code == 201
    doc = Document.objects.get()
    r = owner.patch(api(f"documents/{doc.pk}/"), {"text": "Caracas."}, format="json")
    assert r.status_code == 400, r.content
    doc.refresh_from_db()
    assert doc.text == "Moscow."


def test_orm_save_refuses_new_text_of_annotated_document(project, users):
    doc = Document.objects.create(project=project, external_id="d", text="Old text.")
    AnnotationSet.objects.create(document=doc, kind="annotator", author=users["ana"])
    doc.text = "New text."
    with pytest.raises(ValidationError):
        doc.save()
    assert Document.objects.get(pk=doc.pk).text == "Old text."
    # Saving other fields, or the same text, still works.
    doc.refresh_from_db()
    doc.title = "T"
    doc.save()
    doc.save(update_fields=["title"])


def test_orm_save_of_unannotated_document_may_change_text(project):
    doc = Document.objects.create(project=project, external_id="d", text="Old text.")
    doc.text = "New text."
    doc.save()
    assert Document.objects.get(pk=doc.pk).text == "New text."


def test_delete_by_owner(owner, api, project):
    doc = Document.objects.create(project=project, external_id="d", text="x")
    r = owner.delete(api(f"documents/{doc.pk}/"))
    assert r.status_code == 204
    assert not Document.objects.exists()


def test_delete_needs_owner(client_for, api, project):
    doc = Document.objects.create(project=project, external_id="d", text="x")
    assert client_for("rita").delete(api(f"documents/{doc.pk}/")).status_code == 403
    assert Document.objects.filter(pk=doc.pk).exists()


# --- next/ ---------------------------------------------------------------------------------


def test_next_gives_a_document_and_a_set(client_for, api, project, users):
    docs = make_docs(project, 3)
    r = client_for("ana").post(api("documents/next/"))
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["id"] == docs[0].pk
    assert data["text"] == docs[0].text
    assert data["set"]["author"] == "ana"
    assert data["set"]["status"] == "in_progress"
    assert data["set"]["kind"] == "annotator"
    aset = AnnotationSet.objects.get(author=users["ana"])
    assert aset.pk == data["set"]["id"] and aset.document_id == docs[0].pk


def test_next_again_gives_the_same_document_until_submitted(client_for, api, project, users):
    docs = make_docs(project, 3)
    ana = client_for("ana")
    first = take(ana, api)
    again = take(ana, api)
    assert again[0] == first[0] == docs[0].pk
    assert again[1]["id"] == first[1]["id"]
    assert AnnotationSet.objects.filter(author=users["ana"]).count() == 1
    submit(ana, api, first[0])
    after = take(ana, api)
    assert after[0] == docs[1].pk != first[0]


def test_k_annotators_then_the_next_document(client_for, api, project):
    docs = make_docs(project, 2)
    assert take(client_for("ana"), api)[0] == docs[0].pk
    assert take(client_for("ben"), api)[0] == docs[0].pk
    rita = client_for("rita")
    assert take(rita, api)[0] == docs[1].pk
    assert take(rita, api)[0] == docs[1].pk  # rita's own unfinished one, never doc 1
    submit(rita, api, docs[1].pk)
    assert take(rita, api) is None
    docs[0].refresh_from_db()
    assert docs[0].annotator_count == 2


def test_next_when_nothing_is_left_is_204(client_for, api, project):
    (doc,) = make_docs(project, 1)
    ana = client_for("ana")
    assert take(ana, api)[0] == doc.pk
    submit(ana, api, doc.pk)
    r = ana.post(api("documents/next/"))
    assert r.status_code == 204


def test_next_on_an_empty_project_is_204(client_for, api):
    assert client_for("ana").post(api("documents/next/")).status_code == 204


def test_next_for_outsider_is_404(client_for, api, project):
    make_docs(project, 1)
    assert client_for("oscar").post(api("documents/next/")).status_code == 404
    assert not AnnotationSet.objects.exists()


def test_import_order_by_default(client_for, api, project):
    docs = make_docs(project, 5)
    assert annotate_all(client_for("ana"), api) == [d.pk for d in docs]


def set_order(project, order, seed):
    """As the settings form and the API change them: save() (documents follow
    the seed through its pre_save signal, which a queryset update skips)."""
    project.assignment_order, project.assignment_seed = order, seed
    project.save()


def test_random_order_is_reproducible_for_a_seed(client_for, api, project):
    docs = make_docs(project, 20)
    set_order(project, "random", 13)
    ana_order = annotate_all(client_for("ana"), api)
    ben_order = annotate_all(client_for("ben"), api)
    import_order = [d.pk for d in docs]
    assert sorted(ana_order) == import_order
    assert ana_order == ben_order
    assert ana_order != import_order


def test_random_order_depends_on_the_seed(client_for, api, project):
    make_docs(project, 20)
    set_order(project, "random", 13)
    ana_order = annotate_all(client_for("ana"), api)
    set_order(project, "random", 42)
    ben_order = annotate_all(client_for("ben"), api)
    assert sorted(ana_order) == sorted(ben_order)
    assert ana_order != ben_order
