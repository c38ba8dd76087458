"""CoNLL-2003 style: one token a line, IOB2 tags, a blank line between sentences.

Tokens and sentences come from apps/documents/text.py, the one tokenizer of
Accord (token-level agreement uses the same tokens). Each line has the four
CoNLL-2003 columns ``token -X- -X- TAG`` (no part-of-speech or chunk tags are
made up); each document (each annotator's layer with ``source=all``) starts
with ``-DOCSTART- -X- -X- O`` and a blank line, as in CoNLL-2003.

IOB2 cannot hold a span that does not start and end on token boundaries, nor
two overlapping spans: such spans are left out and counted in the report
(``misaligned_spans``, ``overlapping_spans``, with examples), never shifted
to the nearest token. A span running over a sentence end keeps its tags and is
counted as ``spans_across_sentences``. When spans were left out the file
ends with one comment line saying how many and which first
(``dropped_trailer``): a streamed download cannot add a header after it
started, and the line names them without opening the release manifest.
CoNLL holds tokens and tags only: stances (on spans or concepts) are not
written, and document categories neither — sets with categories are counted
in the report (``categories_dropped``).
"""

from collections.abc import Iterable, Iterator
from operator import add

from apps.documents.text import iob2_tags, sentence_ends, token_index_for_spans, token_texts

from .records import DocumentRecord, ExportContext, sets_of

DOCSTART = "-DOCSTART- -X- -X- O\n\n"


def tokens_of(text: str) -> tuple[list[tuple[int, int]], list[str], list[int]]:
    """A text's token offsets, their texts and the indexes of the tokens that end a sentence:
    what every layer of a document shares (tokenizing is most of a CoNLL export's time)."""
    offsets, texts = token_texts(text)
    return offsets, texts, sentence_ends(text, offsets)


def document_lines(document: DocumentRecord, aset, context: ExportContext, tokens=None) -> str:
    """One layer's block; `tokens` (``tokens_of`` the text) when the caller has them already."""
    text = document.text
    if aset.categories:
        context.count("categories_dropped", len(aset.categories), example=document.external_id)
    offsets, words, ends = tokens_of(text) if tokens is None else tokens
    spans = [(s.start, s.end, s.label) for s in aset.spans]
    tags, skipped = iob2_tags(offsets, spans)
    if skipped:
        _, misaligned = token_index_for_spans(offsets, spans)
        misaligned = set(misaligned)
        for index in skipped:
            span = aset.spans[index]
            key = "misaligned_spans" if index in misaligned else "overlapping_spans"
            context.count(
                key,
                example={
                    "document": document.external_id,
                    "layer": aset.owner,
                    "span": span.id,
                    "start": span.start,
                    "end": span.end,
                    "label": span.label,
                    "text": text[span.start : span.end],
                },
            )
    # Each token's line is its text and its tag's columns, one line per distinct tag made once;
    # a sentence's last line takes the blank line after it.
    columns = {tag: f" -X- -X- {tag}\n" for tag in set(tags)}
    lines = list(map(columns.__getitem__, tags))
    first = 0
    for k in ends:
        lines[k] += "\n"
        if tags[first].startswith("I-"):
            context.count("spans_across_sentences", example=document.external_id)
        first = k + 1
    return DOCSTART + "".join(map(add, words, lines))


DROPPED = (("overlapping_spans", "overlapping"), ("misaligned_spans", "misaligned"))


def dropped_trailer(report: dict) -> str:
    """The comment line that ends a file from which spans were left out, so
    a download says so itself (its headers are sent before the spans are
    read): ``# accord-dropped: 2 spans IOB2 cannot hold (1 overlapping, 1
    misaligned); first: d1 gold [0:6] GPE``. Empty when nothing was dropped."""
    counts = [(report.get(key, 0), word) for key, word in DROPPED if report.get(key)]
    if not counts:
        return ""
    total = sum(n for n, _ in counts)
    parts = ", ".join(f"{n} {word}" for n, word in counts)
    first = next(report[f"{key}_examples"][0] for key, _ in DROPPED if report.get(key))
    # One line whatever an external id holds: its whitespace becomes spaces.
    span = f"[{first['start']}:{first['end']}] {first['label']}"
    where = " ".join(f"{first['document']} {first['layer']} {span}".split())
    noun = "span" if total == 1 else "spans"
    return f"# accord-dropped: {total} {noun} IOB2 cannot hold ({parts}); first: {where}\n"


def write(documents: Iterable[DocumentRecord], context: ExportContext) -> Iterator[str]:
    for document in documents:
        tokens = tokens_of(document.text)
        for aset in sets_of(document):
            yield document_lines(document, aset, context, tokens)
    trailer = dropped_trailer(context.report)
    if trailer:
        yield trailer
