"""A documents page and a document, as read by prepared.fetch (psycopg's
timestamp loader, orjson for JSON columns, id lists as array text, span rows
grouped per set, each set's contents rendered once and held), answer byte
for byte what Django's own reading answers."""

import datetime
import gc

import pytest

from apps.annotations.sets import SET_CONTENTS
from apps.projects import pagination, prepared
from tests.builders import annotate, make_document, span, stance

pytestmark = pytest.mark.django_db


def _read_as_django_does(monkeypatch):
    """Every fast part off: Django's loaders and decoders, the ORM's page read."""
    monkeypatch.setattr(prepared, "TimestamptzLoader", None)
    monkeypatch.setattr(prepared, "_json_loader", lambda decode: decode)
    monkeypatch.setattr(prepared, "_array_text", lambda connection: False)
    monkeypatch.setattr(pagination.KeysetPagination, "_rows", staticmethod(list))
    # Nor any set's contents rendered by the fast reads.
    SET_CONTENTS.clear()
    # The SQL kept so far holds the converters it was compiled with. (type(),
    # not isinstance(): the heap holds weak proxies to objects gone.)
    for held in gc.get_objects():
        if type(held) is prepared.PreparedValues:
            monkeypatch.setattr(held, "_compiled", {})


def test_a_page_and_a_document_answer_what_djangos_reading_answers(
    users, project, client_for, api, monkeypatch, django_assert_max_num_queries
):
    text = "Moscow backed Caracas; Washington did not."
    docs = [
        make_document(
            project,
            f"d{i}",
            text=text,
            meta={"n": i, "big": 2**70 + i, "f": 0.1 * i, "s": "é\u2028", "deep": {"a": [None]}},
            published=datetime.date(2024, 5, 1 + i) if i % 2 else None,
        )
        for i in range(6)
    ]
    spans = [span("s1", 0, 6, "GPE"), span("s2", 14, 21, "GPE"), span("s3", 23, 33, "ORG")]
    for doc in docs[:4]:
        annotate(doc, users["ana"], spans=spans, stances=[stance("t1", "s1", "s2")])
        annotate(doc, users["ben"], spans=spans[:2], rejected=[])
    client = client_for("olga")
    paths = [
        api("documents/?page_size=4&include=annotations"),
        api("documents/?page_size=4&ordering=-published&include=annotations,tokens"),
        api("documents/?page_size=100"),
        api(f"documents/{docs[0].pk}/?include=annotations"),
    ]
    fast = []
    for path in paths:
        with django_assert_max_num_queries(8):
            answer = client.get(path)
        assert answer.status_code == 200
        fast.append((answer.content, answer["ETag"]))
        # Read again with the sets' contents held (SET_CONTENTS): the same.
        assert client.get(path).content == answer.content
    assert b'"big":1180591620717411303424' in fast[2][0]  # an int past 64 bits, as stored
    _read_as_django_does(monkeypatch)
    for path, (content, tag) in zip(paths, fast, strict=True):
        answer = client.get(path)
        assert answer.content == content
        assert answer["ETag"] == tag
