"""Conditional requests: ETags on a document and on a set, If-None-Match (304)
and If-Match (412), and what a tag must change with (a set's version, a label
rename, who reads) and must not (another blind annotator's work)."""

from datetime import UTC, datetime, timedelta

import pytest

from apps.annotations.models import AnnotationSet
from apps.projects.conditional import etag, if_match_fails, none_match
from apps.projects.models import Label
from tests.builders import annotate, make_document, span

pytestmark = pytest.mark.django_db

TEXT = "Moscow condemned Caracas."


@pytest.fixture
def document(project, users):
    """The blind project's document with ana's and ben's sets (one span each)."""
    doc = make_document(project, text=TEXT)
    annotate(doc, users["ana"], spans=[span("s1", 0, 6, "GPE")], submit=False)
    annotate(doc, users["ben"], spans=[span("s1", 17, 24, "GPE")], submit=False)
    return doc


def read(client, url, tag=None):
    return client.get(url, **({"HTTP_IF_NONE_MATCH": tag} if tag else {}))


# -- the pure rules -----------------------------------------------------------


def test_none_match_takes_lists_weak_tags_and_star():
    tag = etag("set", 1, 2)
    assert none_match(tag, tag)
    assert none_match(f'"other", W/{tag}', tag)
    assert none_match("*", tag)
    assert not none_match('"other"', tag)
    assert not none_match(None, tag)


def test_if_match_is_strong_and_absent_means_no_condition():
    tag = etag("set", 1, 2)
    assert not if_match_fails(None, tag)
    assert not if_match_fails(tag, tag)
    assert not if_match_fails("*", tag)
    assert if_match_fails(f"W/{tag}", tag)
    assert if_match_fails(etag("set", 1, 3), tag)


def test_a_tag_is_opaque_and_changes_with_every_part():
    assert etag("set", 7, 3) != etag("set", 7, 4)
    assert etag("set", 7, 3) == etag("set", 7, 3)
    tag = etag("set", 7, 3)
    assert tag[0] == tag[-1] == '"' and len(tag) == 34
    int(tag.strip('"'), 16)  # a digest, nothing to read back


def test_a_tag_covers_what_json_cannot_hold():
    # A row stored before the inputs refused them: still one stable tag each.
    big, lone = 2**70, "\ud800"
    assert etag("document", big) == etag("document", big) != etag("document", big + 1)
    assert etag("document", lone) == etag("document", lone) != etag("document", "\ud801")
    assert etag("document", big) != etag("document", str(big))
    when = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    assert etag("d", when) != etag("d", when + timedelta(microseconds=1))
    assert etag("d", {"a": 1}) != etag("d", {"a": "1"})


# -- a document -----------------------------------------------------------------


def test_document_answers_304_to_its_etag_without_a_body(
    client_for, api, document, django_assert_max_num_queries
):
    rita = client_for("rita")
    url = api(f"documents/{document.pk}/?include=annotations")
    first = read(rita, url)
    assert first.status_code == 200
    tag = first["ETag"]
    assert first["Cache-Control"] == "private, no-cache"
    # The membership, the document row, the visible sets' versions: no
    # spans, stances or categories read.
    with django_assert_max_num_queries(3):
        again = read(rita, url, tag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == tag


def test_document_etag_changes_with_a_set_and_with_the_parts_asked(
    client_for, api, document, users
):
    rita = client_for("rita")
    url = api(f"documents/{document.pk}/?include=annotations")
    tag = read(rita, url)["ETag"]
    assert read(rita, api(f"documents/{document.pk}/"))["ETag"] != tag
    aset = AnnotationSet.objects.get(document=document, author=users["ana"])
    r = client_for("ana").put(
        api(f"documents/{document.pk}/annotations/mine/"),
        {"version": aset.version, "spans": [span("s1", 0, 6, "ORG")], "stances": []},
        format="json",
    )
    assert r.status_code == 200
    changed = read(rita, url, tag)
    assert changed.status_code == 200
    assert changed["ETag"] != tag
    assert changed.json()["annotations"][0]["spans"][0]["label"] == "ORG"


def test_a_label_rename_changes_the_etags(client_for, api, document, project):
    rita, ana = client_for("rita"), client_for("ana")
    doc_url = api(f"documents/{document.pk}/?include=annotations")
    set_url = api(f"documents/{document.pk}/annotations/mine/")
    doc_tag, set_tag = read(rita, doc_url)["ETag"], read(ana, set_url)["ETag"]
    label = Label.objects.get(project=project, name="GPE")
    r = client_for("olga").patch(api(f"labels/{label.pk}/"), {"name": "PLACE"}, format="json")
    assert r.status_code == 200, r.content
    doc_again, set_again = read(rita, doc_url, doc_tag), read(ana, set_url, set_tag)
    assert (doc_again.status_code, set_again.status_code) == (200, 200)
    assert doc_again["ETag"] != doc_tag and set_again["ETag"] != set_tag
    assert set_again.json()["spans"][0]["label"] == "PLACE"


def test_each_caller_has_their_own_tag(client_for, api, document):
    url = api(f"documents/{document.pk}/?include=annotations")
    tags = {who: read(client_for(who), url)["ETag"] for who in ("olga", "rita", "ana", "ben")}
    assert len(set(tags.values())) == 4
    # ana's tag is no good to ben, who sees another set.
    assert read(client_for("ben"), url, tags["ana"]).status_code == 200


def test_a_blind_annotators_etag_never_moves_with_anothers_version(
    client_for, api, document, users
):
    ana = client_for("ana")
    doc_url = api(f"documents/{document.pk}/?include=annotations")
    set_url = api(f"documents/{document.pk}/annotations/mine/")
    doc_tag, set_tag = read(ana, doc_url)["ETag"], read(ana, set_url)["ETag"]
    # ben's set moves on, and nothing else of what ana sees does.
    AnnotationSet.objects.filter(document=document, author=users["ben"]).update(version=99)
    assert read(ana, doc_url, doc_tag).status_code == 304
    assert read(ana, set_url, set_tag).status_code == 304
    # A reviewer sees ben's set, so the reviewer's tag does move.
    rita = client_for("rita")
    before = read(rita, doc_url)["ETag"]
    AnnotationSet.objects.filter(document=document, author=users["ben"]).update(version=100)
    assert read(rita, doc_url, before).status_code == 200


def test_outsiders_get_404_whatever_tag_they_send(client_for, api, document):
    tag = read(client_for("rita"), api(f"documents/{document.pk}/"))["ETag"]
    assert read(client_for("oscar"), api(f"documents/{document.pk}/"), tag).status_code == 404
    assert read(client_for(None), api(f"documents/{document.pk}/"), tag).status_code in (401, 403)


# -- a page of the documents list ----------------------------------------------


def test_a_page_answers_304_to_its_etag_after_reading_only_rows(
    client_for, api, document, project, django_assert_max_num_queries
):
    make_document(project, "d2", text="Caracas answered.")
    rita = client_for("rita")
    url = api("documents/?include=annotations&page_size=1")
    first = read(rita, url)
    assert first.status_code == 200 and first.json()["next"]
    tag = first["ETag"]
    # The membership, the page, its sets' versions: no contents.
    with django_assert_max_num_queries(3):
        again = read(rita, url, tag)
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", tag)
    # The next page, the page without annotations and another reader: other tags.
    assert read(rita, first.json()["next"], tag).status_code == 200
    assert read(rita, api("documents/?page_size=1"), tag).status_code == 200
    assert read(client_for("olga"), url, tag).status_code == 200


def test_a_page_etag_moves_with_a_document_and_a_visible_set(client_for, api, document, users):
    rita, ana = client_for("rita"), client_for("ana")
    url = api("documents/?include=annotations")
    tag, ana_tag = read(rita, url)["ETag"], read(ana, url)["ETag"]
    r = client_for("olga").patch(api(f"documents/{document.pk}/"), {"title": "New"}, format="json")
    assert r.status_code == 200, r.content
    changed = read(rita, url, tag)
    assert changed.status_code == 200 and changed.json()["results"][0]["title"] == "New"
    tag, ana_tag = changed["ETag"], read(ana, url)["ETag"]
    # ben's set moves: the reviewer sees it, ana (blind project) does not.
    AnnotationSet.objects.filter(document=document, author=users["ben"]).update(version=50)
    assert read(rita, url, tag).status_code == 200
    assert read(ana, url, ana_tag).status_code == 304
    assert read(client_for("oscar"), url, tag).status_code == 404


# -- a set ------------------------------------------------------------------------


def test_set_answers_304_until_it_changes(client_for, api, document, django_assert_max_num_queries):
    ana = client_for("ana")
    url = api(f"documents/{document.pk}/annotations/mine/")
    first = read(ana, url)
    tag = first["ETag"]
    # The membership, the set with its document: none of its content.
    with django_assert_max_num_queries(2):
        again = read(ana, url, tag)
    assert (again.status_code, again.content) == (304, b"")
    put = ana.put(
        url,
        {"version": first.json()["version"], "spans": [], "stances": []},
        format="json",
    )
    assert put.status_code == 200
    assert put["ETag"] != tag
    assert read(ana, url, put["ETag"]).status_code == 304
    assert read(ana, url, tag).status_code == 200


def test_put_with_if_match_instead_of_a_version(client_for, api, document):
    ana = client_for("ana")
    url = api(f"documents/{document.pk}/annotations/mine/")
    first = read(ana, url)
    body = {"spans": [span("s1", 7, 16, "ORG")], "stances": []}
    r = ana.put(url, body, format="json", HTTP_IF_MATCH=first["ETag"])
    assert r.status_code == 200, r.content
    assert r.json()["version"] == first.json()["version"] + 1
    # The old tag no longer holds: 412 with the current version, nothing written.
    stale = ana.put(url, {"spans": [], "stances": []}, format="json", HTTP_IF_MATCH=first["ETag"])
    assert stale.status_code == 412
    assert stale.json()["version"] == r.json()["version"]
    assert read(ana, url).json()["spans"][0]["label"] == "ORG"
    # Neither a version nor If-Match: the version is still required.
    assert ana.put(url, {"spans": [], "stances": []}, format="json").status_code == 400


def test_if_match_is_checked_beside_a_body_version(client_for, api, document):
    ana = client_for("ana")
    url = api(f"documents/{document.pk}/annotations/mine/")
    first = read(ana, url)
    version = first.json()["version"]
    wrong = etag("set", 0, version)
    body = {"version": version, "spans": [], "stances": []}
    assert ana.put(url, body, format="json", HTTP_IF_MATCH=wrong).status_code == 412
    # A stale body version stays a 409, as without If-Match.
    body = {"version": version - 1 or 99, "spans": [], "stances": []}
    assert ana.put(url, body, format="json", HTTP_IF_MATCH=first["ETag"]).status_code == 409


def test_submit_with_if_match(client_for, api, document):
    ana = client_for("ana")
    url = api(f"documents/{document.pk}/annotations/mine/")
    tag = read(ana, url)["ETag"]
    submit = url + "submit/"
    assert ana.post(submit, {}, format="json", HTTP_IF_MATCH='"nope"').status_code == 412
    r = ana.post(submit, {}, format="json", HTTP_IF_MATCH=tag)
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "submitted"
    assert r["ETag"] != tag


def test_a_label_added_is_seen_by_the_next_put(client_for, api, document, project):
    """The label map is cached per schema version: a new label is usable at once."""
    ana = client_for("ana")
    url = api(f"documents/{document.pk}/annotations/mine/")
    version = read(ana, url).json()["version"]
    body = {"version": version, "spans": [span("s1", 0, 6, "CITY")], "stances": []}
    assert ana.put(url, body, format="json").status_code == 400
    r = client_for("olga").post(api("labels/"), {"kind": "entity", "name": "CITY"}, format="json")
    assert r.status_code == 201, r.content
    assert ana.put(url, body, format="json").status_code == 200


def test_deleting_a_label_advances_the_schema_but_deleting_a_project_does_not_per_label(
    project, django_assert_max_num_queries
):
    from apps.projects.models import Project

    before = Project.objects.get(pk=project.pk).schema_version
    Label.objects.create(project=project, kind="entity", name="EXTRA").delete()
    assert Project.objects.get(pk=project.pk).schema_version == before + 2
    for n in range(30):
        Label.objects.create(project=project, kind="entity", name=f"MORE{n}")
    # The cascade deletes the labels with the project: no UPDATE of the
    # project's schema version per label on the way out.
    with django_assert_max_num_queries(60) as captured:
        Project.objects.get(pk=project.pk).delete()
    updates = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    assert updates == []
