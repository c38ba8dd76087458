"""The plain records every format writer takes, and what they share.

Pure Python: export.py builds these from value rows, tests build them by hand.
Offsets are code points of ``Document.text`` (start inclusive, end exclusive),
as everywhere in Accord; each writer converts to its tool's unit.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field


@dataclass(slots=True)
class SpanRecord:
    id: str
    start: int
    end: int
    label: str
    actor: int | None = None
    # A prediction span's confidence (0 to 1), where its model gave one.
    score: float | None = None


@dataclass(slots=True)
class StanceRecord:
    id: str
    holder: str  # span ids of the same set
    target: str | None  # None for a stance on a concept
    polarity: str
    cue: str | None = None
    concept: int | None = None  # a concept id (ExportContext.concepts)


@dataclass(slots=True)
class SetRecord:
    """One layer of annotation on a document: the gold set, or one annotator's set."""

    owner: str  # "gold", an annotator's name or pseudonym, or a prediction's source
    kind: str = "gold"
    spans: list[SpanRecord] = field(default_factory=list)
    stances: list[StanceRecord] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)  # category label names


@dataclass(slots=True)
class DocumentRecord:
    id: int
    external_id: str
    # Always the full text (writers need it to convert offsets); in standoff
    # mode (context.include_text false) writers leave it out of the output.
    text: str
    text_sha256: str
    length: int  # code points, so standoff consumers can check offsets
    title: str = ""
    meta: dict = field(default_factory=dict)
    outlet: str = ""
    author: str = ""
    section: str = ""
    url: str = ""
    published: str | None = None  # ISO date
    split: str | None = None
    sets: list[SetRecord] = field(default_factory=list)
    annotators: list[str] = field(default_factory=list)  # who annotated it (provenance)


@dataclass(slots=True)
class ActorRecord:
    id: int
    name: str
    kind: str = "other"
    country: str = ""
    wikidata_id: str = ""


@dataclass(slots=True)
class ConceptRecord:
    id: int
    name: str
    parent: int | None = None
    description: str = ""


@dataclass
class ExportContext:
    """What a writer needs besides the documents, and where it reports problems."""

    actors: dict[int, ActorRecord] = field(default_factory=dict)
    concepts: dict[int, ConceptRecord] = field(default_factory=dict)
    entity_labels: list[str] = field(default_factory=list)
    stance_labels: list[str] = field(default_factory=list)
    # Category label name -> its group's name; groups in schema order.
    category_groups: dict[str, str] = field(default_factory=dict)
    # The names of the groups that take several categories.
    multiple_groups: set[str] = field(default_factory=set)
    include_text: bool = True
    # Several layers per document (source=all): writers keep them apart by owner.
    multi_layer: bool = False
    project: str = ""
    # Format options, e.g. {"slice": "year"} for the network.
    options: dict = field(default_factory=dict)
    # Filled by the writers while they run: counts and a few examples of what
    # a format could not express (misaligned spans, stances without actors ...).
    report: dict = field(default_factory=dict)

    def concept_name(self, concept_id: int | None) -> str:
        concept = self.concepts.get(concept_id)
        return concept.name if concept else ""

    def concept_path(self, concept_id: int) -> list[str]:
        """The concept's names from the top of the codebook down to it."""
        path, seen = [], set()
        while concept_id in self.concepts and concept_id not in seen:
            seen.add(concept_id)
            concept = self.concepts[concept_id]
            path.append(concept.name)
            concept_id = concept.parent
        return path[::-1]

    def count(self, key: str, n: int = 1, example=None, limit: int = 20) -> None:
        self.report[key] = self.report.get(key, 0) + n
        if example is not None:
            examples = self.report.setdefault(f"{key}_examples", [])
            if len(examples) < limit:
                examples.append(example)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def layers(documents: Iterable[DocumentRecord]) -> Iterator[tuple[DocumentRecord, SetRecord]]:
    """Every (document, set) pair, in order."""
    for document in documents:
        for aset in document.sets:
            yield document, aset


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class FileNames:
    """Safe, unique file names from external ids (which may hold any character)."""

    def __init__(self):
        self.used: set[str] = set()

    def __call__(self, external_id: str, prefix: str = "") -> str:
        base = _UNSAFE.sub("_", external_id).strip("._") or "document"
        base = base[:100]
        name, n = base, 1
        while (prefix, name.lower()) in self.used:
            n += 1
            name = f"{base}-{n}"
        self.used.add((prefix, name.lower()))
        return name


# --------------------------------------------------------------------------- streaming csv


def csv_pieces(header, rows_of: Callable, documents: Iterable[DocumentRecord], limit=65536):
    """A CSV file (CRLF lines) in pieces of about `limit` characters: the
    header, then ``rows_of(document, aset)`` for every layer of every document."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for document in documents:
        for aset in document.sets:
            writer.writerows(rows_of(document, aset))
        if buffer.tell() > limit:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# --------------------------------------------------------------------------- streaming zip


class _Sink:
    """A write-only file for zipfile that hands out what was written so far."""

    def __init__(self):
        self.parts: list[bytes] = []
        self.position = 0

    def write(self, data) -> int:
        data = bytes(data)
        self.parts.append(data)
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self.parts)
        self.parts = []
        return data


def stream_zip(members: Iterable[tuple[str, bytes | str]]) -> Iterator[bytes]:
    """Zip ``(name, content)`` members, yielding bytes after each member.

    zipfile writes to an unseekable stream with data descriptors, so only one
    member is ever held in memory.
    """
    import zipfile

    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            if isinstance(content, str):
                content = content.encode("utf-8")
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
            data = sink.drain()
            if data:
                yield data
    data = sink.drain()
    if data:
        yield data
