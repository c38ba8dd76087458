"""No N+1 in review: agreement, the queue, the review screen, gold and decisions
answer in a fixed number of queries whatever the number of documents, sets,
spans and stances."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.actors.models import Actor, Concept
from tests.builders import (
    annotate,
    concept_stance,
    make_category_group,
    make_project,
    span_at,
    stance,
)

from .helpers import add_annotators, document

pytestmark = pytest.mark.django_db

SMALL, LARGE = 2, 7
WORDS = "Moscow condemned Caracas and Havana welcomed Minsk while Paris said nothing at all. "


def build(users, make_user, n, suffix):
    """n documents, n annotators (k = n) each marking n spans, n - 1 stances,
    n stances on concepts and a category in each of two groups."""
    project = make_project(users, annotators_per_document=n)
    people = [
        users["ana"],
        users["ben"],
        *add_annotators(project, make_user, *[f"a{suffix}{i}" for i in range(n - 2)]),
    ]
    actors = [Actor.objects.create(project=project, name=f"actor {i}") for i in range(n)]
    concepts = [Concept.objects.create(project=project, name=f"concept {i}") for i in range(n)]
    make_category_group(project, "FRAME", ["FRAME_A", "FRAME_B"])
    make_category_group(project, "TOPIC", ["TOPIC_A", "TOPIC_B"], multiple=True)
    text = WORDS * n
    docs = [document(project, f"d{i}", text) for i in range(n)]
    for d_index, doc in enumerate(docs):
        for p_index, person in enumerate(people):
            spans = [
                span_at(
                    f"s{i}",
                    {
                        "start": i * len(WORDS),
                        "end": i * len(WORDS) + 6,
                        "label": "GPE" if (i + p_index + d_index) % 3 else "ORG",
                    },
                    actors[(i + p_index) % n].pk,
                )
                for i in range(n)
            ]
            stances = [stance(f"t{i}", f"s{i}", f"s{i + 1}") for i in range(n - 1)]
            stances += [
                concept_stance(f"c{i}", f"s{i}", concepts[(i + p_index) % n].pk) for i in range(n)
            ]
            categories = [["FRAME_A", "TOPIC_A"], ["FRAME_B", "TOPIC_A", "TOPIC_B"]][p_index % 2]
            annotate(doc, person, spans, stances, categories=categories)
    return project, docs


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


@pytest.fixture
def sized(users, make_user):
    return {n: build(users, make_user, n, suffix=str(n)) for n in (SMALL, LARGE)}


def project_urls(project, docs):
    base = f"/api/v1/projects/{project.pk}/"
    doc = f"{base}documents/{docs[0].pk}/"
    return {
        "agreement": f"{base}agreement/",
        "agreement filtered": f"{base}agreement/?label=GPE&annotator=ana",
        "queue": f"{base}review/queue/",
        "review": f"{doc}review/",
        "gold": f"{doc}gold/",
        "decisions": f"{doc}decisions/",
    }


@pytest.mark.parametrize(
    ("name", "ceiling"),
    [
        ("agreement", 10),
        ("agreement filtered", 10),
        ("queue", 10),
        ("review", 10),
        ("gold", 14),
        ("decisions", 10),
    ],
)
def test_fixed_query_counts(name, ceiling, sized, client_for, django_assert_max_num_queries):
    rita = client_for("rita")
    counts = {}
    for n, (project, docs) in sized.items():
        rita.post(
            f"/api/v1/projects/{project.pk}/documents/{docs[0].pk}/gold/auto-merge/",
            {"min_agreement": 1},
            format="json",
        )
        url = project_urls(project, docs)[name]
        rita.get(url)  # the first read of gold creates it
        counts[n] = count(rita, url)
        with django_assert_max_num_queries(ceiling):
            rita.get(url)
    assert counts[SMALL] == counts[LARGE], counts
