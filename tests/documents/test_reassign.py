"""POST documents/{d}/reassign/: an owner moves an unfinished set to another member."""

import pytest

from apps.annotations.models import AnnotationSet
from apps.projects.models import Role
from tests.builders import add_gold, add_member, annotate, make_document, span


@pytest.fixture
def doc(project):
    return make_document(project, "d1", "Moscow spoke.")


@pytest.fixture
def started(doc, users):
    return annotate(doc, users["ana"], [span("s1", 0, 6)], submit=False)


def move(client, api, doc, frm="ana", to="ben"):
    return client.post(api(f"documents/{doc.pk}/reassign/"), {"from": frm, "to": to}, format="json")


@pytest.mark.parametrize(
    "who, code", [("oscar", 404), (None, 403), ("ana", 403), ("rita", 403), ("olga", 200)]
)
def test_only_owners_reassign(client_for, api, doc, started, who, code):
    r = move(client_for(who), api, doc)
    assert r.status_code in ((401, 403) if who is None else (code,)), r.content
    started.refresh_from_db()
    assert started.author.username == ("ben" if code == 200 else "ana")


def test_the_set_moves_with_its_work_and_its_version_goes_up(client_for, api, doc, started):
    r = move(client_for("olga"), api, doc)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["author"] == "ben" and body["version"] == started.version + 1
    assert [s["start"] for s in body["spans"]] == [0]
    doc.refresh_from_db()
    assert doc.annotator_count == 1
    # The old annotator's open tab saves with the version it read: refused.
    ana = client_for("ana")
    r = ana.put(
        api(f"documents/{doc.pk}/annotations/mine/"),
        {"version": started.version, "spans": [], "stances": []},
        format="json",
    )
    assert r.status_code in (404, 409), r.content
    # The new one carries on from the moved version.
    ben = client_for("ben")
    r = ben.put(
        api(f"documents/{doc.pk}/annotations/mine/"),
        {"version": body["version"], "spans": [], "stances": []},
        format="json",
    )
    assert r.status_code == 200, r.content


def test_a_submitted_set_stays(client_for, api, doc, users):
    annotate(doc, users["ana"], [span("s1", 0, 6)])
    r = move(client_for("olga"), api, doc)
    assert r.status_code == 409 and r.json()["field"] == "from"
    assert "submitted" in r.json()["detail"]


def test_one_set_per_annotator(client_for, api, doc, started, users):
    annotate(doc, users["ben"], [span("s1", 0, 6)])
    r = move(client_for("olga"), api, doc)
    assert r.status_code == 409 and r.json()["field"] == "to"
    assert "already has a set" in r.json()["detail"]


def test_the_holding_limit_of_the_new_annotator(client_for, api, project, doc, started, users):
    other = make_document(project, "d2", "Caracas replied.")
    annotate(other, users["ben"], [span("s1", 0, 7)], submit=False)
    r = move(client_for("olga"), api, doc)
    assert r.status_code == 409 and r.json()["field"] == "to"
    assert "unfinished" in r.json()["detail"]
    started.refresh_from_db()
    assert started.author.username == "ana"


def test_an_adjudicated_document_is_closed(client_for, api, doc, started):
    add_gold(doc)
    r = move(client_for("olga"), api, doc)
    assert r.status_code == 409 and "adjudicated" in r.json()["detail"]


@pytest.mark.parametrize(
    "frm, to, field",
    [("ben", "ana", "from"), ("ana", "oscar", "to"), ("ana", "nobody", "to"), ("ana", "ana", "to")],
)
def test_who_moves_to_whom_is_checked(client_for, api, doc, started, frm, to, field):
    r = move(client_for("olga"), api, doc, frm, to)
    assert r.status_code in (400, 409) and field in (r.json().get("errors") or {field: 1}), r.json()
    assert r.json().get("field", field) == field
    started.refresh_from_db()
    assert started.author.username == "ana"


def test_a_reviewer_member_may_take_it(client_for, api, project, doc, started):
    add_member(project, "vera", Role.REVIEWER)
    assert move(client_for("olga"), api, doc, to="vera").status_code == 200
    assert AnnotationSet.objects.get(pk=started.pk).author.username == "vera"
