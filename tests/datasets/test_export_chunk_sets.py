"""The PostgreSQL chunk reader (pg_contents.ChunkSets) and the writers fed
by it, against the plain loader and a plain read, on awkward data: emoji,
ZWJ sequences and flags, combining marks, CRLF, right-to-left text, null
metadata values and empty fields, labels, categories and annotators' sources
in non-ASCII scripts, overlapping spans, stances with cues and on concepts,
prediction scores and linked actors."""

import datetime

import pytest

from apps.actors.models import Actor, Concept
from apps.datasets import pg_contents
from apps.datasets.export import Exporter, buffered, export
from apps.datasets.formats import FORMATS
from apps.datasets.options import ExportOptions
from apps.documents.models import Document
from apps.projects.models import Label
from tests.builders import (
    TRICKY,
    add_gold,
    add_prediction,
    annotate,
    concept_stance,
    make_category_group,
    span,
    span_of,
    stance,
)
from tests.datasets.test_export_loading import plain_records

pytestmark = pytest.mark.django_db

PERSON, FORCE, AGAINST = "ПЕРСОНА 人物", "FUERZA\u0301 🇻🇪", "CONTRA ✊🏽"
ECONOMY, SECURITY = "ÉCONOMIE", "أمن"
TEXTS = [
    TRICKY["flag"],
    TRICKY["marks"],
    TRICKY["rtl"],
    'Ana\u0301 said "no" \\ to\r\nMoscow\t👨\u200d👩\u200d👧 — then left.\r\n',
]


def spans_of(text):
    """Spans over the first three words of `text` (overlapping, with an actor
    on the first) and one over the whole text."""
    words, spans, at = text.split(" "), [], 0
    for n, word in enumerate(words[:3]):
        label = [PERSON, FORCE, "GPE"][n]
        spans.append(span(f"s{n}", at, at + len(word), label))
        at += len(word) + 1
    spans.append(span("all", 0, len(text), FORCE))
    return spans


@pytest.fixture
def awkward(project, users):
    for name, kind in ((PERSON, "entity"), (FORCE, "entity"), (AGAINST, "stance")):
        Label.objects.create(project=project, kind=kind, name=name)
    make_category_group(project, "ТЕМА", [ECONOMY, SECURITY], multiple=True)
    law = Concept.objects.create(project=project, name="Derecho internacional ⚖️")
    actor = Actor.objects.create(project=project, name="Nicolás Maduro", kind="person")
    for n in range(8):
        text = TEXTS[n % len(TEXTS)]
        document = Document.objects.create(
            project=project,
            external_id=f"doc {n} ✓",
            text=text,
            title="" if n % 2 else "Título 🇻🇪",
            meta={} if n % 3 == 0 else {"source": None, "tags": [None, "ü"], "n": n},
            url="",
            published=None if n % 4 == 1 else datetime.date(2024, 5, 1 + n),
        )
        if n == 7:
            continue  # no set
        spans = spans_of(text)
        spans[0]["actor"] = actor.pk
        stances = [
            stance("t1", "s0", "s1", AGAINST, cue="s2"),
            concept_stance("t2", "s1", law.pk, "SUPPORT", cue="all"),
        ]
        categories = [SECURITY, ECONOMY] if n % 2 else [ECONOMY]
        annotate(document, users["ana"], spans, stances, categories=categories)
        if n % 2:
            annotate(document, users["ben"], [span_of("b1", text, text.split(" ")[1], "ORG")])
        if n % 3 != 2:
            add_gold(document, spans=spans[:3], stances=stances[:1], categories=[SECURITY])
        if n % 3 == 0:
            scored = [
                {**s, "score": [0.5, 1.0, 1e-05, 0.3333333333333333][k]}
                for k, s in enumerate(spans)
            ]
            add_prediction(document, "modèle ü", scored, stances, categories=[SECURITY])
    return project


SOURCES = ["all", "gold", "prediction"]


@pytest.mark.postgres  # the PostgreSQL reader
@pytest.mark.parametrize("label", [None, PERSON, AGAINST, SECURITY])
@pytest.mark.parametrize("source", SOURCES)
def test_the_chunk_reader_builds_what_the_plain_loader_does(awkward, source, label):
    exporter = Exporter(awkward, ExportOptions(source=source, label=label))
    exporter.documents()  # reads the label's kind
    ids = list(Document.objects.filter(project=awkward).order_by("id").values_list("id", flat=True))
    for chunk in (ids, ids[:3], ids[3:], ids[::2]):
        loaded, by_id = exporter._sets_loaded(chunk)
        if label:
            for record in by_id.values():
                exporter.keep_label(record, label, exporter.label_kind)
        read = pg_contents.ChunkSets(exporter, chunk)
        assert {pk: read(pk) for pk in chunk} == {pk: loaded.get(pk, []) for pk in chunk}
    whole = pg_contents.ChunkSets(exporter, ids)
    kept = [s for pk in ids for s in whole(pk)]
    assert any(s.spans or s.stances or s.categories for s in kept)
    if label is None:
        assert any(s.spans and s.stances for s in kept)


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("chunk_size", [1, 3, 500])
def test_the_export_reads_what_a_plain_read_does(awkward, source, chunk_size):
    for extra in ({}, {"documents": "every"}, {"published_from": datetime.date(2024, 5, 3)}):
        options = ExportOptions(source=source, chunk_size=chunk_size, **extra)
        assert list(Exporter(awkward, options)) == plain_records(awkward, options)


@pytest.mark.parametrize("format_name", [n for n, f in FORMATS.items() if f.available()])
@pytest.mark.parametrize("source", SOURCES)
def test_every_format_writes_the_plain_reads_bytes(awkward, format_name, source):
    fmt = FORMATS[format_name]
    for extra in ({}, {"include_text": False}) if not fmt.needs_text else ({},):
        options = ExportOptions(source=source, chunk_size=3, **extra)
        exported, _ = export(awkward, format_name, options)
        exported = b"".join(exported)
        plain = plain_records(awkward, options)
        written = b"".join(buffered(fmt.write(iter(plain), Exporter(awkward, options).context())))
        assert exported == written and len(exported) > 100


@pytest.mark.parametrize("label", [PERSON, AGAINST, SECURITY])
def test_a_unicode_label_keeps_the_same_annotations_whatever_the_chunks(awkward, label):
    def exported(size):
        options = ExportOptions(source="all", label=label, chunk_size=size)
        return b"".join(export(awkward, "jsonl", options)[0])

    one = exported(1)
    assert one == exported(500)
    assert label.encode() in one
