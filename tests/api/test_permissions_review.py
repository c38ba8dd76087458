"""Permission rows for review: agreement, the queue, side-by-side review, gold, decisions.

Only reviewers and owners reach them; annotators get 403 inside their
project, non-members 404, and a refused call changes nothing.
"""

import pytest

from apps.review import gold as gold_ops
from apps.review.models import AdjudicationEvent, Decision
from tests.builders import annotate, make_project, span_at

from .test_permissions import (
    MISSING,
    Row,
    call,
    check_row,
    matrix_cases,
    reviewer_may,
    snapshot,
)

pytestmark = pytest.mark.django_db

MOSCOW = {"start": 0, "end": 6, "label": "GPE"}
VENEZUELA = {"start": 39, "end": 48, "label": "GPE"}


def accept_first(w, user):
    gold_ops.accept(w.document, user)


MATRIX = [
    Row("review-agreement", "GET", "projects/{p}/agreement/", reviewer_may(200)),
    Row("review-queue", "GET", "projects/{p}/review/queue/", reviewer_may(200)),
    Row("document-review", "GET", "projects/{p}/documents/{d}/review/", reviewer_may(200)),
    Row("gold", "GET", "projects/{p}/documents/{d}/gold/", reviewer_may(200)),
    Row(
        "gold",
        "PUT",
        "projects/{p}/documents/{d}/gold/",
        reviewer_may(200),
        # version 2: review_world's decision wrote the gold set once.
        body=lambda w, u: {"version": 2, "spans": [span_at("g1", MOSCOW)], "stances": []},
    ),
    Row(
        "gold-auto-merge",
        "POST",
        "projects/{p}/documents/{d}/gold/auto-merge/",
        reviewer_may(200),
        body=lambda w, u: {"min_agreement": 1},
    ),
    Row("gold-accept", "POST", "projects/{p}/documents/{d}/gold/accept/", reviewer_may(200)),
    Row(
        "gold-reopen",
        "POST",
        "projects/{p}/documents/{d}/gold/reopen/",
        reviewer_may(200),
        body=lambda w, u: {"reason": "a second look"},
        prepare=accept_first,
    ),
    Row("decision-list", "GET", "projects/{p}/documents/{d}/decisions/", reviewer_may(200)),
    Row(
        "decision-list",
        "POST",
        "projects/{p}/documents/{d}/decisions/",
        reviewer_may(201),
        body=lambda w, u: {"action": "accept", "span": {**MOSCOW, "actor": None}},
    ),
    Row(
        "decision-reverse",
        "POST",
        "projects/{p}/documents/{d}/decisions/{decision}/reverse/",
        reviewer_may(200),
    ),
]

CASES = matrix_cases(MATRIX)


@pytest.fixture
def review_world(world, users):
    """The world's document annotated by ben and max (k = 2), and one decision."""
    annotate(world.document, users["ben"], [span_at("s1", MOSCOW)])
    annotate(world.document, world.member.user, [span_at("s1", VENEZUELA)])
    review = gold_ops.load(world.document)
    decision, _ = gold_ops.decide(
        review,
        world.project,
        users["rita"],
        "add",
        "span",
        {**VENEZUELA, "actor": None},
        None,
        "",
        1,
    )
    return world, world.ids(decision=decision.pk)


def review_snapshot():
    state = snapshot()
    for model in (Decision, AdjudicationEvent):
        state[model.__name__] = list(model.objects.order_by("pk").values())
    return state


@pytest.mark.parametrize(("row", "role"), CASES)
def test_permission_matrix_review(row, role, review_world, users, client_for):
    w, ids = review_world
    check_row(row, role, w, users, client_for, state=review_snapshot, ids=ids)


@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.id)
@pytest.mark.parametrize("username", ["oscar", "ana", "rita", "olga"])
def test_missing_project_document_or_decision_is_404(row, username, review_world, client_for):
    """A missing project is 404 for everyone; a missing document or decision
    for those who may review (an annotator is refused before any lookup)."""
    w, ids = review_world
    before = review_snapshot()
    for missing in ({"p": MISSING}, {"d": MISSING}, {"decision": MISSING}):
        key = next(iter(missing))
        if key != "p" and (f"{{{key}}}" not in row.path or username == "ana"):
            continue
        response = call(client_for(username), row, w, username, ids | missing)
        assert response.status_code == 404, (missing, response.content)
    assert review_snapshot() == before


def test_another_projects_document_is_404(review_world, users, client_for):

    from .test_permissions import build_world

    w, ids = review_world
    other = build_world(make_project(users), suffix="-b")
    for row in MATRIX:
        if "{d}" in row.path:
            response = call(client_for("olga"), row, w, "olga", ids | {"d": other.document.pk})
            assert response.status_code == 404, row.id


def test_a_decision_of_another_document_is_404(review_world, users, client_for):
    w, ids = review_world
    from apps.documents.models import Document

    other = Document.objects.create(project=w.project, external_id="d2", text="Other text.")
    row = next(r for r in MATRIX if r.route == "decision-reverse")
    before = review_snapshot()
    response = call(client_for("olga"), row, w, "olga", ids | {"d": other.pk})
    assert response.status_code == 404
    assert review_snapshot() == before
