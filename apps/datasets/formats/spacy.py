"""spaCy: character-offset JSON always, and ``.spacy`` DocBin files when spaCy is installed.

JSON (``spacy``): one JSON object a line, ``{"text", "entities": [[start, end,
label], ...], "id", "split"}`` (plus ``annotator`` with ``source=all``), offsets
in code points (Python ``str`` indices, as spaCy's ``Doc.char_span`` takes
them). Overlapping spans are all kept; it is the user's choice how to resolve them.
``cats`` is one-hot over the project's category labels (1.0 for those chosen,
0.0 for the others), as ``doc.cats`` and spaCy's textcat components take it.
Neither form carries stances (on spans or on concepts).

DocBin (``spacy-docbin``): a zip of ``.spacy`` files of at most ``PART_SIZE``
documents each (``spacy train`` reads a folder of them). Each ``Doc`` is built
on Accord's own tokens (apps/documents/text.py), with the whitespace between
tokens kept as spaCy keeps it, so ``doc.text`` is the text exactly and spans on
token boundaries become ``doc.ents``. Misaligned or overlapping spans cannot
be ents: they are counted in the report, and every span (aligned) is also in
``doc.spans["sc"]`` with its id and actor in ``span.id_``/``kb_id_``; the
categories are ``doc.cats``, one-hot as in the JSON.
"""

from collections.abc import Iterable, Iterator

import orjson

from apps.documents.text import iob2_tags, token_index_for_spans, tokenize

from .records import DocumentRecord, ExportContext, sets_of, stream_zip

PART_SIZE = 500


def cats(aset, context: ExportContext) -> dict[str, float]:
    """One-hot over the project's category labels."""
    chosen = set(aset.categories)
    return {name: 1.0 if name in chosen else 0.0 for name in context.category_groups}


def write(documents: Iterable[DocumentRecord], context: ExportContext) -> Iterator[bytes]:
    for document in documents:
        for aset in sets_of(document):
            item = {
                "id": document.external_id,
                "text": document.text,
                "entities": [[s.start, s.end, s.label] for s in aset.spans],
                "cats": cats(aset, context),
                "split": document.split,
            }
            if context.multi_layer:
                item["annotator"] = aset.owner
            yield orjson.dumps(item) + b"\n"


def words_and_spaces(text: str, tokens) -> tuple[list[str], list[bool], list[int]]:
    """spaCy words and trailing-space flags reproducing ``text`` exactly.

    A single space after a token is its trailing space; any other gap (line
    breaks, several spaces, invisible format characters, leading whitespace)
    becomes a token of its own, as spaCy's tokenizer does with whitespace.
    Returns also, for each Accord token, its index among the words.
    """
    words, spaces, index = [], [], []

    def gap(piece):
        if piece and words and piece[0] == " ":
            spaces[-1] = True
            piece = piece[1:]
        if piece:
            words.append(piece)
            spaces.append(False)

    position = 0
    for token in tokens:
        gap(text[position : token.start])
        index.append(len(words))
        words.append(token.text)
        spaces.append(False)
        position = token.end
    gap(text[position:])
    return words, spaces, index


def make_doc(vocab, document: DocumentRecord, aset, context: ExportContext):
    from spacy.tokens import Doc

    text = document.text
    tokens = tokenize(text)
    words, spaces, index = words_and_spaces(text, tokens)
    spans = [(s.start, s.end, s.label) for s in aset.spans]
    tags, skipped = iob2_tags(tokens, spans)
    word_tags = ["O"] * len(words)
    for k, tag in enumerate(tags):
        word_tags[index[k]] = tag
    doc = Doc(vocab, words=words, spaces=spaces, ents=word_tags)
    positions, misaligned = token_index_for_spans(tokens, spans)
    group = []
    for span, position in zip(aset.spans, positions, strict=True):
        if position is not None:
            i, j = position
            piece = doc[index[i] : index[j - 1] + 1]
            piece.label_ = span.label
            piece.id_ = span.id
            if span.actor is not None:
                piece.kb_id_ = str(span.actor)
            group.append(piece)
    doc.spans["sc"] = group
    doc.cats = cats(aset, context)
    misaligned = set(misaligned)
    for k in skipped:
        span = aset.spans[k]
        key = "misaligned_spans" if k in misaligned else "overlapping_spans"
        context.count(key, example={"document": document.external_id, "span": span.id})
    doc.user_data["id"] = document.external_id
    doc.user_data["split"] = document.split
    if context.multi_layer:
        doc.user_data["annotator"] = aset.owner
    return doc


def write_docbin(documents: Iterable[DocumentRecord], context: ExportContext) -> Iterator[bytes]:
    return stream_zip(_parts(documents, context))


def _parts(documents, context):
    import spacy
    from spacy.tokens import DocBin

    vocab = spacy.blank("xx").vocab
    part, number = DocBin(store_user_data=True), 0
    for document in documents:
        for aset in sets_of(document):
            part.add(make_doc(vocab, document, aset, context))
            if len(part) >= PART_SIZE:
                number += 1
                yield f"part-{number:05d}.spacy", part.to_bytes()
                part = DocBin(store_user_data=True)
    if len(part) or number == 0:
        yield f"part-{number + 1:05d}.spacy", part.to_bytes()
