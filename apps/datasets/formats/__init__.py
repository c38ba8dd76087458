"""The catalog of export formats: one entry per format, the only place its facts live.

Each writer module has ``write(documents, context)`` (or another function
named by ``writer``), yielding ``str`` or ``bytes`` pieces from an iterable of
``records.DocumentRecord`` and a ``records.ExportContext``. Everything else
about a format (file extension, media type, offset unit, what it carries,
whether it needs the text, its optional dependency) is its entry below, read
by the export API, the command, the release manifest and the datasets page.
The readers' counterparts are in apps/imports/parsers.
"""

from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec

# The offset units a format may count in, as the manifest names them, and as
# the datasets page says them to people choosing a format.
UNITS = {
    "code_point": "offsets in code points",
    "utf16_code_unit": "offsets in UTF-16 code units",
    "token": "token positions",
    "token (spaCy Doc built on Accord's tokens)": "token positions",
}
NO_OFFSETS = "no offsets (actors and counts)"


@dataclass(frozen=True)
class Format:
    name: str
    module: str
    extension: str
    media_type: str
    # How its offsets count (a key of UNITS), or None when it has no offsets.
    offset_unit: str | None
    # What the format keeps, in a word or two per layer.
    carries: str
    # One line for people choosing a format: what reads it.
    description: str
    # Whether it cannot be written in standoff mode (include_text=false).
    needs_text: bool = False
    writer: str = "write"
    # The optional package it needs (its import name), None when none.
    requires: str | None = None
    # What a download of it may leave out, and how the file says so (shown
    # on the datasets page before anyone downloads), or "" when nothing.
    drops: str = ""
    # Whether it writes one entry per document, so that a document without
    # annotations has a place in it (documents=every); False for the tables
    # and networks made of stances or actors, where it would add nothing.
    per_document: bool = True

    def load(self):
        return import_module(f"{__name__}.{self.module}")

    @property
    def write(self):
        return getattr(self.load(), self.writer)

    # The names the export code has always used for the two file facts.
    @property
    def content_type(self):
        return self.media_type

    @property
    def suffix(self):
        return self.extension

    @property
    def unit_name(self):
        """The offset unit in words, for the datasets page."""
        return UNITS[self.offset_unit] if self.offset_unit else NO_OFFSETS

    def available(self):
        """Whether the format's optional dependency is installed."""
        return self.requires is None or find_spec(self.requires) is not None


NDJSON, ZIP = "application/x-ndjson", "application/zip"

FORMATS = {
    f.name: f
    for f in (
        Format(
            "jsonl",
            "jsonl",
            "jsonl",
            NDJSON,
            "code_point",
            "text, metadata, spans, stances (on spans and concepts), categories, actors, "
            "concepts, provenance",
            "One JSON object a line: text (or its SHA-256), spans, stances and actors; "
            "Accord imports it back.",
        ),
        Format(
            "conll",
            "conll",
            "conll",
            "text/plain; charset=utf-8",
            "token",
            "tokens and aligned, non-overlapping spans (IOB2)",
            "CoNLL IOB2, one token a line, blank line between sentences; "
            "misaligned or overlapping spans are reported.",
            needs_text=True,
            drops="IOB2 cannot hold a span that overlaps another or does not fit token "
            "boundaries: such spans are left out, and the file then ends with a comment "
            "line “# accord-dropped: …” that counts them and names the first. "
            "Document categories have no place in CoNLL: the report counts them "
            "(categories_dropped).",
        ),
        Format(
            "spacy",
            "spacy",
            "jsonl",
            NDJSON,
            "code_point",
            "text, spans and categories (cats, one-hot)",
            "spaCy's character-offset JSON lines (text, entities, cats), for training pipelines.",
            needs_text=True,
        ),
        Format(
            "spacy-docbin",
            "spacy",
            "zip",
            ZIP,
            "token (spaCy Doc built on Accord's tokens)",
            "tokens, aligned spans as ents, every span in doc.spans with its actor, doc.cats",
            "A .spacy DocBin that spacy.tokens.DocBin loads directly.",
            needs_text=True,
            writer="write_docbin",
            requires="spacy",
        ),
        Format(
            "brat",
            "brat",
            "zip",
            ZIP,
            "code_point",
            "text, spans, stances, actors, cues and claims on concepts as notes; "
            "categories in documents.tsv",
            "A zip of brat standoff .txt/.ann files: T lines for spans, R lines for stances.",
        ),
        Format(
            "doccano",
            "doccano",
            "jsonl",
            NDJSON,
            "utf16_code_unit",
            "text, spans, stances, claims and categories (no cues, no actors)",
            "doccano's JSONL (entities, relations, cats); its offsets count UTF-16 code units.",
            drops="Cues and actor links; stances on concepts go in Accord's own `claims` key "
            "(by concept name), which doccano keeps as metadata.",
        ),
        Format(
            "label-studio",
            "label_studio",
            "json",
            "application/json",
            "code_point",
            "text, metadata, spans with actors, stances (on concepts as a per-region "
            "taxonomy; no cues), categories as choices",
            "Label Studio task JSON: one annotation per set, its results, and who completed it.",
        ),
        Format(
            "xmi",
            "xmi",
            "zip",
            ZIP,
            "utf16_code_unit",
            "text, spans with actors, stances (on spans and concepts) with cues, categories",
            "A zip of UIMA CAS XMI files and the type system, loadable by INCEpTION.",
            needs_text=True,
            requires="cassis",
        ),
        Format(
            "stances-csv",
            "stances_csv",
            "csv",
            "text/csv; charset=utf-8",
            "code_point",
            "stances with their holder, target or concept, cue, actors and evidence sentences",
            "One row per stance: holder, target, polarity, cue and their actors.",
            per_document=False,
        ),
        Format(
            "network",
            "network",
            "zip",
            ZIP,
            None,
            "actors and signed stance counts between them",
            "The signed actor network: GraphML and a CSV edge list (support − oppose).",
            drops="Stances on concepts have no target actor: they are counted in "
            "report.json (concept_stances) and make the claims network instead.",
            per_document=False,
        ),
        Format(
            "statements",
            "statements",
            "csv",
            "text/csv; charset=utf-8",
            "code_point",
            "claims (stances on concepts) with holder actor, concept, agreement and cue",
            "The statements table of discourse network analysis: one row per claim, "
            "with document, date, outlet, actor, concept and agreement.",
            drops="A claim whose holder is linked to no actor is listed with the actor "
            "empty and counted (statements_without_actor); stances on spans are not listed.",
            per_document=False,
        ),
        Format(
            "claims-network",
            "claims_network",
            "zip",
            ZIP,
            None,
            "actor–concept affiliation, actor congruence and conflict networks of the gold claims",
            "Discourse networks of the gold claims: affiliation (signed, bipartite), "
            "congruence and conflict, as GraphML and CSV, optionally per year or month.",
            drops="Claims whose holder is linked to no actor cannot be in a network: "
            "report.json counts them (statements_without_actor), and, with the "
            "export's start/end window, those outside it.",
            per_document=False,
        ),
    )
}
