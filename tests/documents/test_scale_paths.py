"""The paths that must not grow with the project: the number of annotators a
document wants (stored, kept), the search, and on PostgreSQL the plans of
next, the review queue, status=adjudicated and q, each on its index."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.annotations.assignment import next_document
from apps.documents.models import CLAIMABLE, Document
from apps.documents.search import search
from apps.imports.parsers import parse_records
from apps.imports.store import import_records
from apps.review.queue import queue_documents, review_queue
from tests.builders import annotate, make_document, make_project, span_at
from tests.review.helpers import MOSCOW, VENEZUELA, add_annotators, routing_project

pytestmark = pytest.mark.django_db


def wanted_of(project):
    return dict(Document.objects.filter(project=project).values_list("external_id", "wanted"))


# --------------------------------------------------------------------------- wanted


def test_every_way_in_gives_a_document_its_projects_k(users):
    project = make_project(users, annotators_per_document=3)
    make_document(project, "created")
    Document.objects.bulk_create([Document(project_id=project.pk, external_id="bulk", text="x")])
    import_records(project, parse_records([{"id": "imported", "text": "Moscow."}]))
    assert wanted_of(project) == {"created": 3, "bulk": 3, "imported": 3}


def test_a_new_k_reaches_every_document_but_those_routing_asked_more_of(users):
    project = make_project(users, annotators_per_document=2)
    make_document(project, "plain")
    make_document(project, "routed", annotators_wanted=3)
    other = make_project(users, name="Other", annotators_per_document=2)
    make_document(other, "elsewhere")
    assert wanted_of(project) == {"plain": 2, "routed": 3}

    project.annotators_per_document = 4
    project.save()
    assert wanted_of(project) == {"plain": 4, "routed": 3}
    assert wanted_of(other) == {"elsewhere": 2}
    # A save that leaves k alone writes no document.
    project.name = "Renamed"
    with CaptureQueriesContext(connection) as queries:
        project.save(update_fields=["name"])
        project.save()
    assert not [q for q in queries.captured_queries if "documents_document" in q["sql"]]


def test_k_changed_through_the_api_moves_the_status(users, client_for):
    project = make_project(users, annotators_per_document=2)
    doc = make_document(project, "d1")
    annotate(doc, users["ana"], [span_at("s1", MOSCOW)])
    doc.refresh_from_db()
    assert doc.status_for() == Document.Status.IN_PROGRESS
    response = client_for("olga").patch(
        f"/api/v1/projects/{project.pk}/", {"annotators_per_document": 1}, format="json"
    )
    assert response.status_code == 200, response.content
    doc.refresh_from_db()
    assert (doc.wanted, doc.status_for()) == (1, Document.Status.ANNOTATED)
    assert [d.pk for d in review_queue(project)] == [doc.pk]


def test_routing_raises_wanted_with_its_own_count(users, make_user):
    project = routing_project(users)
    (cai,) = add_annotators(project, make_user, "cai")
    doc = make_document(project, "d1", "Moscow condemned the operation against Venezuela.")
    annotate(doc, users["ana"], [span_at("s1", MOSCOW)])
    annotate(doc, users["ben"], [span_at("s1", VENEZUELA)])
    doc.refresh_from_db()
    assert (doc.annotators_wanted, doc.wanted) == (3, 3)
    project.annotators_per_document = 1
    project.save()
    doc.refresh_from_db()
    assert doc.wanted == 3
    got, _, _ = next_document(project, cai)
    assert got.pk == doc.pk


# --------------------------------------------------------------------------- search


@pytest.fixture
def searched(users):
    project = make_project(users)
    make_document(project, "a", "Moscow condemned the strike.")
    make_document(project, "b", "Officials in MOSCOW spoke.", title="Caracas talks")
    make_document(project, "c", "Bogotá stayed silent; ex-minister Rodríguez spoke.")
    return Document.objects.filter(project=project).order_by("id")


def found(documents, q):
    return [d.external_id for d in search(documents, q)]


def test_search_finds_documents_with_every_word_in_any_case(searched):
    assert found(searched, "moscow") == ["a", "b"]
    assert found(searched, "  Moscow   caracas ") == ["b"]
    assert found(searched, "BOGOTá rodríguez") == ["c"]
    assert found(searched, "minister") == ["c"]
    assert found(searched, "Lima") == []
    assert found(searched, "") == ["a", "b", "c"]


def test_a_search_runs_as_a_subquery_too(searched):
    # Pre-annotation selects by id among a filtered queryset: the search's
    # column must follow the subquery's alias.
    inner = search(searched, "moscow").values("pk")
    assert sorted(d.external_id for d in Document.objects.filter(pk__in=inner)) == ["a", "b"]


def test_query_syntax_in_q_is_only_text(searched):
    for q in ("moscow & !caracas", "'", "(moscow", "moscow:*", "a|b"):
        assert isinstance(found(searched, q), list)


@pytest.mark.postgres
def test_on_postgresql_the_search_keeps_statistics_for_rare_words(db):
    # With the default target (100: 1,000 words kept) PostgreSQL guessed a
    # word in no document at 0.5% of a million and walked them all in id
    # order (migration documents/0007 says why 2,000).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute"
            " WHERE attrelid = 'documents_document'::regclass AND attname = 'search'"
        )
        assert cursor.fetchone()[0] == 2000


@pytest.mark.postgres
def test_on_postgresql_a_word_is_a_whole_word(searched):
    assert found(searched, "mosc") == []
    assert found(searched, "moscow's") == []
    # Case is folded beyond ASCII too (SQLite's LIKE folds ASCII only).
    assert found(searched, "BOGOTÁ RODRÍGUEZ") == ["c"]


def test_a_part_of_a_word_is_found_on_sqlite_only(searched):
    # SQLite has no word index: its fallback is a substring, a superset.
    inside = [] if connection.vendor == "postgresql" else ["a", "b"]
    assert found(searched, "mosc") == inside


# --------------------------------------------------------------------------- plans


def plans_of(call, fragment):
    """The plans PostgreSQL makes, seq scans off, for the queries of `call()`
    on documents_document whose SQL contains `fragment`."""
    with CaptureQueriesContext(connection) as queries:
        call()
    statements = [
        q["sql"]
        for q in queries.captured_queries
        if "documents_document" in q["sql"] and fragment in q["sql"]
    ]
    assert statements, f"no query contains {fragment!r}"
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql in statements:
            # The captured SQL has its parameters inlined already.
            cursor.execute("EXPLAIN " + sql)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
        cursor.execute("SET LOCAL enable_seqscan = on")
    return plans


@pytest.fixture
def busy(users):
    """k = 1: some documents done, some adjudicated, the rest open (by their
    counts alone: the plans read nothing else)."""
    project = make_project(users, annotators_per_document=1, max_unfinished_per_annotator=5)
    now = timezone.now()
    for i in range(30):
        make_document(
            project,
            f"d{i}",
            f"Moscow text number {i}.",
            annotator_count=int(i < 20),
            submitted_count=int(i < 20),
            adjudicated_at=now if i < 10 else None,
        )
    return project


@pytest.mark.postgres
def test_next_takes_the_first_open_document_from_the_claimable_index(busy, users):
    plans = plans_of(lambda: next_document(busy, users["ana"]), "FOR UPDATE")
    assert any("document_claimable" in plan for plan in plans), plans


@pytest.mark.postgres
def test_next_reads_the_claimable_index_while_statistics_say_every_document_is_open(users):
    """Statistics taken while a project was young (or never renewed: autovacuum
    off) say nearly every document is claimable; on a plain ORDER BY id the
    planner then walked the primary key in id order, testing `claimable` on
    each document taken since. Only document_claimable gives CLAIM_ORDER."""
    project = make_project(users, annotators_per_document=1, max_unfinished_per_annotator=5)
    Document.objects.bulk_create(
        Document(project=project, external_id=f"d{i}", text="Moscow spoke.") for i in range(300)
    )
    ids = list(Document.objects.filter(project=project).values_list("pk", flat=True))
    _analyzed(project, [])  # every document open, as far as the planner knows
    Document.objects.filter(pk__in=ids[:270]).update(annotator_count=1)  # 90% taken since
    handed = []
    (plan,) = plans_of(lambda: handed.append(next_document(project, users["ana"])), "FOR UPDATE")
    assert "Index Scan using document_claimable on documents_document" in plan, plan
    assert "Sort" not in plan, plan
    assert handed[0].document.pk == ids[270]  # still the first open one by id


@pytest.mark.postgres
def test_a_page_of_the_review_queue_is_a_walk_of_its_index(busy):
    # On 30 rows the planner may as well sort what the index gives; with
    # sorts priced out, it walks the index only if its order is the queue's.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        plans = plans_of(lambda: list(review_queue(busy)[:50]), "reviewable")
        cursor.execute("SET LOCAL enable_sort = on")
        cursor.execute("SET LOCAL enable_bitmapscan = on")
    assert all("document_review_queue" in plan for plan in plans), plans
    assert not any("Sort" in plan for plan in plans), plans


@pytest.mark.postgres
def test_status_adjudicated_and_search_read_their_indexes(busy, client_for):
    def get(params):
        response = client_for("olga").get(f"/api/v1/projects/{busy.pk}/documents/", params)
        assert response.status_code == 200

    plans = plans_of(lambda: get({"status": "adjudicated"}), "adjudicated_at")
    assert all("document_adjudicated" in plan for plan in plans), plans
    # The list's page of 101 from a table of 30 rows is cheapest through the
    # id index whatever the search; what must hold is that the search's own
    # expression is the index's, so that on a large table it can be used.
    # Unordered: an ORDER BY id lets the planner walk the primary key instead
    # (seen in a full run, where the table's statistics differ).
    plans = plans_of(
        lambda: list(search(Document.objects.order_by(), "nowhere")), "plainto_tsquery"
    )
    assert all("document_search" in plan for plan in plans), plans


@pytest.mark.postgres
def test_the_author_filter_reads_its_page_off_its_index(busy, client_for):
    def get():
        response = client_for("olga").get(
            f"/api/v1/projects/{busy.pk}/documents/", {"author": "Nobody"}
        )
        assert response.status_code == 200

    plans = plans_of(get, '"author" =')
    assert all("document_author" in plan for plan in plans), plans


# --------------------------------------------------------------------------- query counts


def _count(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize(
    "params",
    [{"q": "moscow text"}, {"q": "nowhere"}, {"status": "adjudicated"}, {"status": "new"}],
    ids=["q", "q absent", "adjudicated", "new"],
)
def test_the_filtered_list_costs_the_same_queries_at_any_size(users, client_for, params):
    small = make_project(users, name="small")
    large = make_project(users, name="large")
    for project, n in ((small, 2), (large, 40)):
        for i in range(n):
            make_document(project, f"d{i}", f"Moscow text {i}.", adjudicated_at=timezone.now())
            make_document(project, f"n{i}", f"Moscow text {i}.")
    client = client_for("olga")
    counts = [_count(client, f"/api/v1/projects/{p.pk}/documents/", params) for p in (small, large)]
    assert counts[0] == counts[1] <= 3, counts


def test_next_costs_the_same_queries_however_many_documents_are_done(users):
    counts = []
    for n in (1, 40):
        project = make_project(users, name=f"done {n}", annotators_per_document=1)
        # Done by their counts alone (no sets): what next reads of them.
        for i in range(n):
            make_document(project, f"done{i}", annotator_count=1, submitted_count=1)
        make_document(project, "open")
        with CaptureQueriesContext(connection) as queries:
            got, _, _ = next_document(project, users["ana"])
        assert got.external_id == "open"
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1] <= 7, counts


def _queue_project(users, name, n):
    """k = 1: n documents in the review queue, n open, n adjudicated (by
    their counts alone: what the queue reads of them besides their sets)."""
    project = make_project(users, name=name, annotators_per_document=1)
    for i in range(n):
        make_document(project, f"queued{i}", annotator_count=1, submitted_count=1)
        make_document(project, f"open{i}")
        make_document(
            project,
            f"closed{i}",
            annotator_count=1,
            submitted_count=1,
            adjudicated_at=timezone.now(),
        )
    return project


def test_the_review_queue_costs_the_same_queries_at_any_size(users, client_for):
    rita = client_for("rita")
    counts = {}
    for n in (2, 40):
        url = f"/api/v1/projects/{_queue_project(users, f'queue {n}', n).pk}/review/queue/"
        # The first read scores every document; the second finds them scored.
        counts[n] = (_count(rita, url, {}), _count(rita, url, {}))
    assert counts[2] == counts[40], counts
    assert counts[40][1] <= 4, counts


def test_next_answers_in_the_same_queries_however_many_documents_are_done(users, client_for):
    ana = client_for("ana")
    counts = {}
    for n in (1, 40):
        project = make_project(users, name=f"next {n}", annotators_per_document=1)
        for i in range(n):
            make_document(project, f"done{i}", annotator_count=1, submitted_count=1)
        make_document(project, "open")
        url = f"/api/v1/projects/{project.pk}/documents/next/"
        with CaptureQueriesContext(connection) as taking:
            taken = ana.post(url)
        # At the holding limit (1): the same document again, resumed.
        with CaptureQueriesContext(connection) as resuming:
            resumed = ana.post(url)
        assert taken.status_code == resumed.status_code == 200
        assert taken.json()["external_id"] == resumed.json()["external_id"] == "open"
        assert taken.json() == resumed.json()  # built from the instance, or read back
        counts[n] = (len(taking.captured_queries), len(resuming.captured_queries))
    assert counts[1] == counts[40], counts
    # Taking: membership, its lock, what the user holds, the pick, the
    # set's INSERT, the count's UPDATE, and the savepoint around them.
    assert counts[40][0] <= 8, counts


def _estimated_rows(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        (plan,) = cursor.fetchone()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return plan[0]["Plan"]["Plan Rows"]


def _analyzed(project, done):
    """The project's documents with `done` (ids) fully annotated (k = 1) and
    the rest open, the table analyzed as autovacuum would leave it."""
    documents = Document.objects.filter(project=project)
    documents.update(annotator_count=0, submitted_count=0)
    documents.filter(pk__in=done).update(annotator_count=1, submitted_count=1)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Document._meta.db_table}")


@pytest.mark.postgres
def test_the_planner_knows_how_few_documents_are_claimable_and_reviewable(users):
    """Without statistics for "submitted_count >= wanted" PostgreSQL guessed
    a third of the table matches, and planned the queue of 300 among 200,000
    documents as scans of the whole table; the stored flags have statistics."""
    project = make_project(users, annotators_per_document=1)
    Document.objects.bulk_create(
        Document(project=project, external_id=f"d{i}", text="Moscow spoke.") for i in range(300)
    )
    ids = list(Document.objects.filter(project=project).values_list("pk", flat=True))
    _analyzed(project, ids[:5])  # 5 in the queue
    assert queue_documents(project).count() == 5
    assert _estimated_rows(queue_documents(project)) <= 20
    _analyzed(project, ids[5:])  # 5 left to claim
    claimable = Document.objects.filter(CLAIMABLE, project=project)
    assert claimable.count() == 5
    assert _estimated_rows(claimable) <= 20
