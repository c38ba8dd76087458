"""Prepared queries (apps/projects/prepared.py): the rows the ORM would give,
SQL built once per process, and refusals where a prepared query would be
wrong."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.documents.api.views import DOCUMENT_FIELDS, DOCUMENT_ROW
from apps.documents.models import Document
from apps.projects.models import Membership, Project
from apps.projects.permissions import get_membership
from apps.projects.prepared import PreparedValues, field_names, instance
from tests.builders import make_document, make_project

pytestmark = pytest.mark.django_db


class Counted:
    """A build function that counts how often it is asked for the queryset."""

    def __init__(self):
        self.calls = 0

    def __call__(self, project_id, pk):
        self.calls += 1
        return Document.objects.filter(project_id=project_id, pk=pk).values(*DOCUMENT_FIELDS)


def test_rows_are_what_the_orm_reads_converters_included(users, project):
    other = make_project(users, name="other")
    doc = make_document(project, "a", meta={"k": [1, "é"]}, published=datetime.date(2024, 5, 1))
    make_document(other, "b")
    expected = Document.objects.filter(pk=doc.pk).values(*DOCUMENT_FIELDS).get()
    assert DOCUMENT_ROW.row(project_id=project.pk, pk=doc.pk) == expected
    assert isinstance(expected["created_at"], datetime.datetime)  # converted, not text
    # Another project's id answers nothing: the project is in the query.
    assert DOCUMENT_ROW.row(project_id=other.pk, pk=doc.pk) is None


def test_the_sql_is_built_once_then_only_filled_in(project):
    first, second = make_document(project, "a"), make_document(project, "b")
    build = Counted()
    prepared = PreparedValues(build, "project_id", "pk")
    assert prepared.row(project_id=project.pk, pk=first.pk)["external_id"] == "a"
    with CaptureQueriesContext(connection) as queries:
        assert prepared.row(project_id=project.pk, pk=second.pk)["external_id"] == "b"
    assert build.calls == 1
    assert len(queries) == 1
    assert str(second.pk) in queries[0]["sql"]


def test_a_parameter_must_be_an_int(project):
    doc = make_document(project)
    with pytest.raises(TypeError):
        DOCUMENT_ROW.row(project_id=project.pk, pk=str(doc.pk))
    with pytest.raises(TypeError):
        DOCUMENT_ROW.row(project_id=project.pk, pk=None)
    # Past 64 bits no row matches, as the ORM says (SQLite would overflow).
    assert DOCUMENT_ROW.row(project_id=project.pk, pk=2**63) is None
    assert DOCUMENT_ROW.row(project_id=-(2**63) - 1, pk=doc.pk) is None


def test_a_parameter_the_query_does_not_use_is_refused(project):
    unused = PreparedValues(
        lambda project_id, pk: Document.objects.filter(project_id=project_id).values("id"),
        "project_id",
        "pk",
    )
    with pytest.raises(ImproperlyConfigured, match="pk"):
        unused.rows(project_id=project.pk, pk=1)


def test_only_values_querysets(project):
    models = PreparedValues(lambda pk: Document.objects.filter(pk=pk), "pk")
    with pytest.raises(ImproperlyConfigured):
        models.rows(pk=1)


def test_instances_are_the_models_as_loaded(users, project):
    row = (
        Membership.objects.filter(project=project, user=users["ana"])
        .values(*field_names(Membership), *field_names(Project, "project__"))
        .get()
    )
    membership = instance(Membership, row)
    membership.project = instance(Project, row, "project__")
    stored = Membership.objects.select_related("project").get(pk=membership.pk)
    assert membership == stored and membership.role == stored.role
    assert membership.project.schema_version == stored.project.schema_version
    assert membership.project.created_at == stored.project.created_at
    assert not membership._state.adding


def test_get_membership_reads_one_query_and_non_members_are_404(users, project):
    from django.http import Http404

    with CaptureQueriesContext(connection) as queries:
        membership = get_membership(users["rita"], project.pk)
    assert len(queries) == 1
    assert membership.role == "reviewer" and membership.project.name == project.name
    with pytest.raises(Http404):
        get_membership(users["oscar"], project.pk)
    with pytest.raises(Http404):
        get_membership(users["rita"], "not a number")


def test_own_set_is_the_annotators_set_as_stored(users, project):
    from apps.annotations.assignment import claim, own_set
    from apps.annotations.models import AnnotationSet

    doc = make_document(project)
    claimed, _ = claim(doc, users["ana"])
    found = own_set(doc.pk, users["ana"])
    stored = AnnotationSet.objects.get(pk=claimed.pk)
    assert found == stored
    assert (found.version, found.status, found.author_id) == (
        stored.version,
        stored.status,
        stored.author_id,
    )
    assert own_set(doc.pk, users["ben"]) is None


def test_one_sets_contents_and_payload_are_the_general_paths(users, project):
    from apps.annotations.models import AnnotationSet
    from apps.annotations.sets import load_contents, set_payload, set_payloads
    from tests.builders import annotate, span, stance

    doc = make_document(project, text="Moscow condemned Caracas and Havana.")
    spans = [span("s2", 17, 24, "GPE"), span("s1", 0, 6, "GPE"), span("s3", 29, 35, "GPE")]
    aset = annotate(doc, users["ana"], spans=spans, stances=[stance("t1", "s1", "s2")])
    annotate(doc, users["ben"], spans=[span("s1", 7, 16, "ORG")])
    one = load_contents([aset.pk])
    general = load_contents(AnnotationSet.objects.filter(pk=aset.pk))
    assert one == general and [row[2] for row in one[aset.pk].spans] == ["s1", "s2", "s3"]
    assert one[aset.pk].stances
    expected = set_payloads(AnnotationSet.objects.filter(pk=aset.pk), {doc.pk: doc.text})[0]
    assert set_payload(aset.pk, doc.text) == expected


def _of_documents(document_ids):
    from django.db.models import F

    from apps.projects.queries import AnyOf

    return Document.objects.filter(AnyOf(F("id"), document_ids)).order_by("id").values("id")


def test_a_list_parameter_reads_what_the_orm_reads_at_every_length(project):
    docs = [make_document(project, f"d{i}").pk for i in range(5)]
    prepared = PreparedValues(_of_documents, "document_ids", lists=("document_ids",))
    for wanted in ([docs[0]], docs[1:3], docs, [docs[4], docs[0]], [docs[2], 10**9]):
        assert prepared.rows(document_ids=wanted) == list(_of_documents(wanted))
    with CaptureQueriesContext(connection) as queries:
        assert prepared.tuples(document_ids=docs[:2]) == [(docs[0],), (docs[1],)]
    # PostgreSQL takes the list as one array, SQLite as one placeholder per id.
    one_array = connection.vendor == "postgresql"
    assert ("= ANY(" in queries[0]["sql"]) == one_array
    # So PostgreSQL keeps one SQL for every length; SQLite one per length (1, 2, 5).
    assert len(prepared._compiled) == (1 if one_array else 3)
    # An empty list or ids past 64 bits match nothing, without a query.
    with CaptureQueriesContext(connection) as queries:
        assert prepared.rows(document_ids=[]) == []
        assert prepared.rows(document_ids=[2**63]) == []
    assert len(queries) == 0
    with pytest.raises(TypeError):
        prepared.rows(document_ids=[str(docs[0])])
    with pytest.raises(TypeError):
        prepared.rows(document_ids=docs[0])


def test_a_list_longer_than_prepared_is_the_orms_query(project, monkeypatch):
    from apps.projects import prepared as module

    docs = [make_document(project, f"d{i}").pk for i in range(3)]
    prepared = PreparedValues(_of_documents, "document_ids", lists=("document_ids",))
    monkeypatch.setattr(module, "LIST_MAX", 2)
    assert prepared.tuples(document_ids=docs) == [(pk,) for pk in docs]
    assert prepared._compiled == {}


def test_visible_set_rows_are_the_visibility_rule(users, project):
    from apps.annotations.models import AnnotationSet
    from apps.annotations.sets import set_rows, visible_set_rows
    from apps.annotations.visibility import sets_visible_to
    from tests.builders import add_gold, add_prediction, annotate, span

    docs = [make_document(project, f"d{i}", text="Moscow spoke.") for i in range(2)]
    for doc in docs:
        annotate(doc, users["ana"], spans=[span("s1", 0, 6, "GPE")])
        annotate(doc, users["ben"], spans=[span("s1", 0, 6, "ORG")], submit=doc is docs[0])
        add_prediction(doc, spans=[span("s1", 0, 6, "GPE")])
    add_gold(docs[0], spans=[span("s1", 0, 6, "GPE")])
    ids = [doc.pk for doc in docs]
    sights = set()
    for blind in (True, False):
        project.blind = blind
        project.save()
        for name in ("olga", "rita", "ana", "ben"):
            membership = get_membership(users[name], project.pk)
            expected = set_rows(
                sets_visible_to(membership, AnnotationSet.objects.filter(document_id__in=ids))
            )
            found = visible_set_rows(membership, ids)
            assert found == expected
            sights.add(tuple(row["kind"] + str(row["author__username"]) for row in found))
    # Reviewers see gold, blind annotators only their own and predictions.
    assert len(sights) == 4


def test_values_rows_are_the_orms_dicts_timestamps_and_json_included(users, project):
    from apps.projects.prepared import values_rows

    meta = {"k": [1, "é", 2.5, None], "big": 2**70, "neg": -(2**63) - 1, "n": {"x": True}}
    make_document(project, "a", meta=meta, published=datetime.date(2024, 5, 1))
    make_document(project, "b", meta={"digits": "1234567890123456789012"})
    make_document(project, "c")
    queryset = Document.objects.filter(project=project).order_by("id").values(*DOCUMENT_FIELDS)
    expected = list(queryset)
    rows = values_rows(queryset)
    assert rows == expected
    assert [list(row) for row in rows] == [list(row) for row in expected]  # names in order
    # The same values and types: an integer past 64 bits stays an int (orjson
    # would read it as a float), a timestamp is aware with Django's own UTC.
    assert type(rows[0]["meta"]["big"]) is int and rows[0]["meta"] == meta
    for row, orm in zip(rows, expected, strict=True):
        assert row["created_at"].tzinfo is orm["created_at"].tzinfo is datetime.UTC
    assert values_rows(queryset.all()[1:2]) == expected[1:2]
    assert values_rows(Document.objects.filter(pk__in=[]).values("id")) == []


def test_a_list_parameter_is_checked_as_a_whole(project):
    docs = [make_document(project, f"d{i}").pk for i in range(3)]
    prepared = PreparedValues(_of_documents, "document_ids", lists=("document_ids",))
    # Ids out of range are dropped, the others still read.
    assert prepared.tuples(document_ids=[docs[2], 2**63, -(2**63) - 1]) == [(docs[2],)]
    assert prepared.tuples(document_ids=tuple(docs)) == [(pk,) for pk in docs]
    with pytest.raises(TypeError, match="not bool"):
        prepared.rows(document_ids=[docs[0], True])
