"""The one bulk loader of sets' spans and stances (annotations.sets.load_contents)."""

import pytest

from apps.annotations.models import AnnotationSet
from apps.annotations.sets import load_contents
from apps.documents.models import Document
from tests.builders import add_set, span_of

pytestmark = pytest.mark.django_db

TEXT = "Moscow backs Caracas and Caracas thanks Moscow."


def two_sets(project, users, external_id="d"):
    document = Document.objects.create(project=project, external_id=external_id, text=TEXT)
    first = add_set(
        document,
        AnnotationSet.Kind.ANNOTATOR,
        [
            span_of("b", TEXT, "Caracas", "GPE"),
            span_of("a", TEXT, "Moscow", "GPE"),
            span_of("c", TEXT, "Moscow backs", "ORG"),
        ],
        [{"id": "t1", "holder": "a", "target": "b", "polarity": "SUPPORT", "cue": "c"}],
        author=users["ana"],
    )
    second = add_set(
        document,
        AnnotationSet.Kind.ANNOTATOR,
        [span_of("x", TEXT, "thanks", "ORG")],
        author=users["ben"],
    )
    empty = add_set(document, AnnotationSet.Kind.GOLD, [])
    return first, second, empty


def test_spans_in_text_order_and_stances_naming_spans_by_sid(project, users):
    first, second, empty = two_sets(project, users)
    contents = load_contents([first.pk, second.pk, empty.pk])
    spans, stances, categories = contents[first.pk]
    assert [(sid, start, end, label) for _, _, sid, start, end, label, _, _ in spans] == [
        ("c", 0, 12, "ORG"),  # same start: the longest first
        ("a", 0, 6, "GPE"),
        ("b", 13, 20, "GPE"),
    ]
    assert all(row[0] == first.pk for row in spans) and len({row[1] for row in spans}) == 3
    assert stances == [(first.pk, "t1", "a", "b", "SUPPORT", "c", None)]
    assert categories == []
    assert [row[2] for row in contents[second.pk][0]] == ["x"] and contents[second.pk][1] == []
    assert empty.pk not in contents


def test_three_queries_whatever_the_number_of_sets(project, users, django_assert_num_queries):
    sets = [s.pk for n in range(3) for s in two_sets(project, users, f"d{n}")]
    with django_assert_num_queries(3):
        by_ids = load_contents(sets)
    queryset = AnnotationSet.objects.filter(kind=AnnotationSet.Kind.ANNOTATOR)
    with django_assert_num_queries(3):
        by_subquery = load_contents(queryset, chunk_size=2)
    assert dict(by_ids) == dict(by_subquery)
    assert len(by_ids) == 6
