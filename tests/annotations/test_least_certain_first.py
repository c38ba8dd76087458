"""The assignment order "least certain first": the documents the most recent
model is least sure of first, then those it has not scored, ties and those
in the seeded random order; a claim that costs the same on a big project."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.annotations.assignment import next_document
from apps.annotations.sets import submit_set
from apps.documents.models import Document, shuffle_seed
from apps.projects.models import Project
from tests.builders import make_project
from tests.documents.test_scale_paths import plans_of

pytestmark = pytest.mark.django_db


def make_docs(project, uncertainties):
    return Document.objects.bulk_create(
        Document(project=project, external_id=f"d{i:04d}", text=f"Text {i}.", uncertainty=u)
        for i, u in enumerate(uncertainties)
    )


def claim_all(project, user):
    """Take and submit documents until none is left; their ids in order."""
    order = []
    while (found := next_document(project, user)) is not None:
        document, aset, _ = found
        order.append(document.pk)
        submit_set(aset)
        assert len(order) <= 1000
    return order


def seeded(project, documents):
    """These documents in the project's seeded random order (the RANDOM
    order's key, a function of the id and the seed)."""
    return sorted((d.pk for d in documents), key=lambda pk: (seeded_key(pk, project), pk))


def seeded_key(pk, project):
    """The random order's key computed here, in Python: the database's
    (Document.shuffle) must be this on every database."""
    mixed = (pk * 2654435761 % 2**32) ^ shuffle_seed(project.assignment_seed)
    return mixed * 0x5BD1E995 % 2**32


@pytest.fixture
def uncertain(users):
    return make_project(
        users,
        name="Active",
        annotators_per_document=1,
        assignment_order=Project.Order.UNCERTAIN,
        assignment_seed=7,
    )


def test_most_uncertain_first_then_the_unscored_ties_in_the_seeded_order(uncertain, users):
    u = [0.2, 0.9, None, 0.9, 0.5, None, 0.0, None, 0.9, None]
    docs = make_docs(uncertain, u)
    order = claim_all(uncertain, users["ana"])
    by = {d.pk: d.uncertainty for d in docs}
    assert [by[pk] for pk in order] == [0.9, 0.9, 0.9, 0.5, 0.2, 0.0, None, None, None, None]
    tied = [d for d in docs if d.uncertainty == 0.9]
    unscored = [d for d in docs if d.uncertainty is None]
    assert order[:3] == seeded(uncertain, tied)
    assert order[6:] == seeded(uncertain, unscored)


def test_the_ties_follow_the_seed(uncertain, users):
    docs = make_docs(uncertain, [0.5] * 12)
    first = claim_all(uncertain, users["ana"])
    uncertain.assignment_seed = 8
    uncertain.save()
    Document.objects.filter(pk__in=[d.pk for d in docs]).update(
        annotator_count=0, submitted_count=0
    )
    again = claim_all(uncertain, users["ben"])
    assert sorted(first) == sorted(again) and first != again


def test_a_new_model_reorders_what_is_left(uncertain, users):
    a, _, c = make_docs(uncertain, [0.9, 0.1, None])
    document, aset, _ = next_document(uncertain, users["ana"])
    assert document.pk == a.pk
    submit_set(aset)
    Document.objects.filter(pk=c.pk).update(uncertainty=0.95)
    assert next_document(uncertain, users["ana"])[0].pk == c.pk


def queries_of_a_claim(project, user):
    with CaptureQueriesContext(connection) as queries:
        next_document(project, user)
    return len(queries.captured_queries)


def test_a_claim_costs_the_same_queries_in_a_big_project(users):
    small = make_project(
        users, name="small", assignment_order="uncertain", annotators_per_document=1
    )
    big = make_project(users, name="big", assignment_order="uncertain", annotators_per_document=1)
    make_docs(small, [0.3, None])
    make_docs(big, [i / 500 if i % 3 else None for i in range(500)])
    assert queries_of_a_claim(small, users["ana"]) == queries_of_a_claim(big, users["ana"])


@pytest.mark.postgres
def test_the_claim_reads_the_uncertain_index(uncertain, users):
    make_docs(uncertain, [i / 300 if i % 2 else None for i in range(300)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE documents_document")
    plans = plans_of(lambda: next_document(uncertain, users["ana"]), "FOR UPDATE")
    # The index gives the rows most uncertain first, ties in the seeded
    # order (its key is stored, Document.shuffle): nothing is sorted.
    (plan,) = [p for p in plans if "LockRows" in p]
    assert "Index Scan using document_claimable_uncertain" in plan, plan
    assert "Sort" not in plan, plan


def test_the_settings_api_offers_and_checks_the_order(project, client_for, api):
    olga = client_for("olga")
    r = olga.patch(api(), {"assignment_order": "uncertain"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["assignment_order"] == "uncertain"
    r = olga.patch(api(), {"assignment_order": "confident"}, format="json")
    assert r.status_code == 400
    assert "assignment_order" in r.json()["errors"]
