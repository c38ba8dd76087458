"""The export's chunked loader against a plain read of each document, on a
varied corpus: emoji, combining marks, CRLF, right-to-left text, overlapping
spans, stances on spans and on concepts with cues, categories, gold,
annotators' sets and predictions. What the loader builds must be what one
reads document by document through the ORM, so every format writes the
same bytes from either."""

import datetime

import pytest

from apps.actors.models import Concept
from apps.datasets.export import Exporter, buffered, pseudonym
from apps.datasets.formats import FORMATS
from apps.datasets.formats.records import (
    DocumentRecord,
    SetRecord,
    SpanRecord,
    StanceRecord,
    text_sha256,
)
from apps.datasets.options import ExportOptions
from apps.documents.models import Document
from tests.builders import (
    add_gold,
    add_prediction,
    annotate,
    concept_stance,
    make_category_group,
    span,
    span_of,
    stance,
    tricky_payloads,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 5, 1)


@pytest.fixture
def corpus(project, users):
    """Twelve documents in id order whose dates are not in id order; each
    kind of set on some, none on others."""
    make_category_group(project, "TOPIC", ["ECONOMY", "SECURITY"], multiple=True)
    law = Concept.objects.create(project=project, name="International law")
    texts = tricky_payloads()
    overlapping = "Moscow and Caracas talk.\r\nThen Moscow left."
    texts.append(
        (
            "overlap",
            overlapping,
            [
                span("s1", 0, 6, "GPE"),
                span("s2", 0, 18, "ORG"),  # overlaps s1
                span_of("s3", overlapping, "Caracas", "GPE"),
                span_of("s4", overlapping, "Moscow", "GPE", occurrence=1),
                span_of("s5", overlapping, "talk", "PERSON"),
            ],
            [
                stance("t1", "s1", "s3", "OPPOSE", cue="s5"),
                concept_stance("t2", "s4", law.pk, "SUPPORT"),
            ],
        )
    )
    for n in range(12):
        external_id, text, spans, stances = texts[n % len(texts)]
        document = Document.objects.create(
            project=project,
            external_id=f"{external_id}-{n}",
            text=text,
            url=f"https://news.example/{n}",
            meta={"n": n, "tags": ["ü", "🇻🇪"]},
            # Dates out of id order, and one document without a date.
            published=None if n == 5 else DAY + datetime.timedelta(days=(7 * n) % 5),
        )
        if n % 4 == 3:
            continue  # no set at all: only documents=every has it
        categories = ["ECONOMY"] if n % 2 else ["ECONOMY", "SECURITY"]
        annotate(document, users["ana"], spans, stances, categories=categories)
        if n % 3:
            annotate(document, users["ben"], spans[:1])
        if n % 2 == 0:
            add_gold(document, spans=spans, stances=stances, categories=categories[:1])
        if n % 3 == 0:
            scored = [{**s, "score": 0.5} for s in spans]
            add_prediction(document, "model", scored, stances)
    return project


def plain_records(project, options):
    """The records of the export, read document by document through the ORM."""
    kind = {"gold": "gold", "all": "annotator", "prediction": "prediction"}[options.source]
    documents = Document.objects.filter(project=project)
    if options.published_from:
        documents = documents.filter(published__gte=options.published_from)
    if options.published_to:
        documents = documents.filter(published__lte=options.published_to)
    windowed = options.published_from or options.published_to
    splitter = Exporter(project, options).splitter
    out = []
    for document in documents.order_by(*(("published", "id") if windowed else ("id",))):
        sets = document.annotation_sets.filter(kind=kind).order_by("id")
        if options.source == "all":
            sets = sets.filter(status="submitted")
        if options.source == "gold" and document.adjudicated_at is None:
            sets = sets.none()
        records = []
        for aset in sets:
            owner = {
                "gold": "gold",
                "prediction": aset.source or "prediction",
                "all": aset.author_id and pseudonym(project.pk, aset.author_id),
            }[options.source]
            spans = aset.spans.order_by("start", "-end", "id")
            records.append(
                SetRecord(
                    owner=owner,
                    kind=kind,
                    spans=[
                        SpanRecord(s.sid, s.start, s.end, s.label.name, s.actor_id, s.score)
                        for s in spans
                    ],
                    stances=[
                        StanceRecord(
                            t.sid,
                            t.holder.sid,
                            t.target.sid if t.target else None,
                            t.polarity.name,
                            t.cue.sid if t.cue else None,
                            t.concept_id,
                        )
                        for t in aset.stances.order_by("id")
                    ],
                    categories=sorted(c.label.name for c in aset.categories.all()),
                )
            )
        if not records and options.documents != "every":
            continue
        submitted = document.annotation_sets.filter(kind="annotator", status="submitted")
        annotators = [pseudonym(project.pk, a.author_id) for a in submitted.order_by("id")]
        out.append(
            DocumentRecord(
                id=document.pk,
                external_id=document.external_id,
                text=document.text,
                text_sha256=text_sha256(document.text),
                length=len(document.text),
                title=document.title,
                meta=document.meta,
                outlet=document.outlet,
                author=document.author,
                section=document.section,
                url=document.url,
                published=document.published.isoformat() if document.published else None,
                split=splitter(document.external_id),
                sets=records,
                annotators=[r.owner for r in records] if options.source == "all" else annotators,
            )
        )
    return out


VARIANTS = [
    {"source": "all"},
    {"source": "gold"},
    {"source": "prediction"},
    {"source": "all", "documents": "every"},
    {"source": "all", "published_from": DAY + datetime.timedelta(days=1)},
    {"source": "gold", "published_to": DAY + datetime.timedelta(days=3), "documents": "every"},
]


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: "-".join(map(str, v.values())))
@pytest.mark.parametrize("chunk_size", [1, 5, 500])
def test_the_loader_builds_what_a_plain_read_does(corpus, variant, chunk_size):
    options = ExportOptions(**variant, chunk_size=chunk_size)
    loaded = list(Exporter(corpus, options))
    plain = plain_records(corpus, options)
    assert [r.id for r in loaded] == [r.id for r in plain]
    assert loaded == plain
    assert any(s.spans for r in loaded for s in r.sets) or variant.get("documents")


@pytest.mark.parametrize("format_name", [n for n, f in FORMATS.items() if f.available()])
def test_every_format_writes_the_same_bytes_from_the_loader_and_a_plain_read(corpus, format_name):
    options = ExportOptions(source="all")
    fmt = FORMATS[format_name]
    exporter = Exporter(corpus, options)
    loaded = b"".join(buffered(fmt.write(iter(exporter), exporter.context())))
    plain = plain_records(corpus, options)
    written = b"".join(buffered(fmt.write(iter(plain), Exporter(corpus, options).context())))
    assert loaded == written and len(loaded) > 100


def test_a_date_window_comes_in_date_order_within_the_window(corpus):
    window = ExportOptions(
        source="all",
        published_from=DAY + datetime.timedelta(days=1),
        published_to=DAY + datetime.timedelta(days=3),
        chunk_size=2,
    )
    records = list(Exporter(corpus, window))
    keys = [(r.published, r.id) for r in records]
    assert keys == sorted(keys) and len(keys) >= 3
    assert {r.published for r in records} <= {"2024-05-02", "2024-05-03", "2024-05-04"}
    assert [r.id for r in records] != sorted(r.id for r in records)  # not id order


@pytest.mark.parametrize(
    "variant", [{}, {"published_from": DAY}, {"documents": "every"}], ids=["id", "window", "every"]
)
def test_each_chunk_costs_the_same_queries(corpus, variant, django_assert_max_num_queries):
    # source=gold: the sets, their spans, stances and categories, and who annotated.
    for size, chunks in ((2, None), (500, 1)):
        exporter = Exporter(corpus, ExportOptions(source="gold", chunk_size=size, **variant))
        documents = exporter.documents().count()
        chunks = chunks or -(-documents // size) + (documents % size == 0)
        with django_assert_max_num_queries(6 * chunks):
            assert len(list(exporter)) == documents


@pytest.mark.parametrize("label", ["ORG", "SUPPORT", "SECURITY"])
def test_a_label_selects_the_same_documents_whatever_the_chunks(corpus, label):
    def exported(size):
        return list(Exporter(corpus, ExportOptions(source="all", label=label, chunk_size=size)))

    having = {
        r.id
        for r in plain_records(corpus, ExportOptions(source="all"))
        if any(
            label
            in [s.label for s in aset.spans] + [t.polarity for t in aset.stances] + aset.categories
            for aset in r.sets
        )
    }
    one, all_at_once = exported(1), exported(500)
    assert one == all_at_once
    assert {r.id for r in one} == having and having
