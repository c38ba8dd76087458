"""brat standoff: a zip of ``.txt`` and ``.ann`` files per document.

``T`` lines for spans (``T1<TAB>LABEL start end<TAB>covered text``, offsets
in code points of the ``.txt``, which holds the text exactly), ``R`` lines for
stances (``R1<TAB>POLARITY Arg1:T1 Arg2:T2``), and ``#`` AnnotatorNotes for
actor ids (``actor:5 Russia``) and stance cues. brat's covered text must be
one line, so a span over a line break is written as fragments
(``start end;start end``) around the break, as brat itself writes it.
``annotation.conf`` declares the labels; ``documents.tsv`` maps file names to
external ids, URLs and text hashes. With ``source=all`` each annotator's files
are in a folder of their own. In standoff mode no ``.txt`` is written.

brat's relations join two annotations, so a stance on a concept of the
codebook is an AnnotatorNotes on its holder:
``claim:s3 SUPPORT concept:7 UN Charter`` (stance id, polarity, concept id and
name), with ``cue:T4`` appended when it has a cue. brat has no document-level
annotation: the categories are a ``categories`` column of ``documents.tsv``
(names joined by ``|``).
"""

import re
from collections.abc import Iterable, Iterator

from .records import DocumentRecord, ExportContext, FileNames, sets_of, stream_zip

_BREAK = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The pieces of text[start:end] between line breaks (empty pieces dropped)."""
    out, position = [], start
    for match in _BREAK.finditer(text, start, end):
        if match.start() > position:
            out.append((position, match.start()))
        position = match.end()
    if end > position:
        out.append((position, end))
    return out or [(start, end)]


def ann(document: DocumentRecord, aset, context: ExportContext) -> str:
    text = document.text
    lines, t_of, note = [], {}, 0
    for number, span in enumerate(aset.spans, start=1):
        t_of[span.id] = f"T{number}"
        pieces = fragments(text, span.start, span.end)
        where = ";".join(f"{a} {b}" for a, b in pieces)
        covered = " ".join(text[a:b] for a, b in pieces)
        line = f"T{number}\t{span.label} {where}"
        lines.append(f"{line}\t{covered}" if context.include_text else f"{line}\t")
        if span.actor is not None:
            note += 1
            actor = context.actors.get(span.actor)
            name = f" {actor.name}" if actor else ""
            lines.append(f"#{note}\tAnnotatorNotes T{number}\tactor:{span.actor}{name}")
    number = 0
    for t in aset.stances:
        if t.concept is not None:
            note += 1
            claim = (
                f"claim:{t.id} {t.polarity} concept:{t.concept} {context.concept_name(t.concept)}"
            )
            cue = f" cue:{t_of[t.cue]}" if t.cue else ""
            lines.append(f"#{note}\tAnnotatorNotes {t_of[t.holder]}\t{claim.strip()}{cue}")
            continue
        number += 1
        lines.append(f"R{number}\t{t.polarity} Arg1:{t_of[t.holder]} Arg2:{t_of[t.target]}")
        if t.cue:
            note += 1
            lines.append(f"#{note}\tAnnotatorNotes R{number}\tcue:{t_of[t.cue]}")
    return "".join(line + "\n" for line in lines)


def annotation_conf(context: ExportContext) -> str:
    entities = "\n".join(context.entity_labels)
    relations = "\n".join(f"{name}\tArg1:<ENTITY>, Arg2:<ENTITY>" for name in context.stance_labels)
    return f"[entities]\n{entities}\n[relations]\n{relations}\n[events]\n[attributes]\n"


def members(documents: Iterable[DocumentRecord], context: ExportContext):
    names = FileNames()
    index = ["file\texternal_id\turl\ttext_sha256\tsplit\tlayer\tcategories\n"]
    yield "annotation.conf", annotation_conf(context)
    for document in documents:
        for aset in sets_of(document):
            folder = f"{FileNames()(aset.owner)}/" if context.multi_layer and aset.owner else ""
            name = folder + names(document.external_id, folder)
            if context.include_text:
                yield f"{name}.txt", document.text
            yield f"{name}.ann", ann(document, aset, context)
            cells = (name, document.external_id, document.url, document.text_sha256)
            cells = (*cells, document.split or "", aset.owner, "|".join(aset.categories))
            index.append("\t".join(c.replace("\t", " ").replace("\n", " ") for c in cells) + "\n")
    yield "documents.tsv", "".join(index)


def write(documents: Iterable[DocumentRecord], context: ExportContext) -> Iterator[bytes]:
    return stream_zip(members(documents, context))
