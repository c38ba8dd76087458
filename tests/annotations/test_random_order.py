"""Random order as a stored key: each document holds its project's seed
(Document.shuffle_seed) and the database generates the seeded permutation
of ids from it (Document.shuffle), which the partial index
document_claimable_shuffle holds, so a claim reads its first rows."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.annotations.assignment import next_document
from apps.annotations.sets import submit_set
from apps.documents.models import Document
from apps.imports.parsers import parse_records
from apps.imports.store import import_records
from apps.projects.models import Project
from tests.annotations.test_least_certain_first import claim_all, seeded, seeded_key
from tests.builders import make_document, make_project
from tests.documents.test_scale_paths import plans_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def shuffled(users):
    return make_project(
        users, annotators_per_document=1, assignment_order=Project.Order.RANDOM, assignment_seed=7
    )


def stored_keys(project):
    return dict(Document.objects.filter(project=project).values_list("pk", "shuffle"))


def expected_keys(project):
    return {pk: seeded_key(pk, project) for pk in stored_keys(project)}


def test_every_way_of_making_a_document_gives_it_the_seeded_key(shuffled):
    make_document(shuffled, "saved")
    Document.objects.bulk_create(
        Document(project_id=shuffled.pk, external_id=f"b{i}", text="Lima.") for i in range(3)
    )
    import_records(shuffled, parse_records([{"id": f"i{i}", "text": "Quito."} for i in range(5)]))
    assert len(stored_keys(shuffled)) == 9
    # Computed by the database, equal to the permutation computed in Python.
    assert stored_keys(shuffled) == expected_keys(shuffled)


def test_claims_follow_the_seeded_permutation(shuffled, users):
    docs = Document.objects.bulk_create(
        Document(project=shuffled, external_id=f"d{i:03d}", text="Caracas.") for i in range(40)
    )
    order = claim_all(shuffled, users["ana"])
    assert order == seeded(shuffled, docs)
    assert order != sorted(order)


def test_a_seed_change_rekeys_the_project_alone(shuffled, users):
    other = make_project(users, name="other", assignment_seed=7)
    for i in range(6):
        make_document(shuffled, f"d{i}")
        make_document(other, f"d{i}")
    before, others = stored_keys(shuffled), stored_keys(other)
    shuffled.assignment_seed = 8
    shuffled.save()
    assert stored_keys(shuffled) != before
    assert stored_keys(shuffled) == expected_keys(shuffled)
    assert stored_keys(other) == others


def test_the_migration_fills_existing_documents(shuffled):
    docs = [make_document(shuffled, f"d{i}") for i in range(4)]
    Document.objects.filter(project=shuffled).update(shuffle_seed=0)
    migration = importlib.import_module("apps.documents.migrations.0012_shuffle")
    migration.fill(django_apps, None)
    assert sorted(stored_keys(shuffled)) == [d.pk for d in docs]
    assert stored_keys(shuffled) == expected_keys(shuffled)


def queries_of_a_claim(project, user):
    with CaptureQueriesContext(connection) as queries:
        found = next_document(project, user)
    submit_set(found.set)
    return len(queries.captured_queries)


def test_a_claim_costs_the_same_queries_in_a_big_project(users):
    small = make_project(users, name="small", assignment_order="random")
    big = make_project(users, name="big", assignment_order="random")
    Document.objects.bulk_create([Document(project=small, external_id="a", text="A.")])
    Document.objects.bulk_create(
        Document(project=big, external_id=f"d{i}", text="B.") for i in range(500)
    )
    assert queries_of_a_claim(small, users["ana"]) == queries_of_a_claim(big, users["ana"])


@pytest.mark.postgres
def test_the_claim_reads_the_shuffle_index_without_sorting(shuffled, users):
    Document.objects.bulk_create(
        Document(project=shuffled, external_id=f"d{i}", text="C.") for i in range(300)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE documents_document")
    plans = plans_of(lambda: next_document(shuffled, users["ana"]), "FOR UPDATE")
    (plan,) = [p for p in plans if "LockRows" in p]
    assert "Index Scan using document_claimable_shuffle" in plan, plan
    assert "Sort" not in plan, plan
