"""One pure writer per export format (and readers' counterparts in apps/imports/parsers).

Each module has ``write(documents, context)``, yielding ``str`` or ``bytes``
pieces from an iterable of ``records.DocumentRecord`` and an
``records.ExportContext``, and ``MEDIA_TYPE``, ``EXTENSION`` and ``NEEDS_TEXT``
(whether the format cannot work in standoff mode, ``include_text=false``).
"""

from dataclasses import dataclass
from importlib import import_module


@dataclass(frozen=True)
class Format:
    name: str
    module: str
    writer: str = "write"
    media_type: str | None = None
    extension: str | None = None

    def load(self):
        return import_module(f"{__name__}.{self.module}")

    @property
    def write(self):
        return getattr(self.load(), self.writer)

    @property
    def content_type(self):
        return self.media_type or self.load().MEDIA_TYPE

    @property
    def suffix(self):
        return self.extension or self.load().EXTENSION

    @property
    def needs_text(self):
        return self.load().NEEDS_TEXT

    def available(self):
        """Whether the format's optional dependency is installed."""
        if self.name == "spacy-docbin":
            return self.load().available()
        if self.name == "xmi":
            try:
                import cassis  # noqa: F401
            except ImportError:
                return False
        return True


FORMATS = {
    f.name: f
    for f in (
        Format("jsonl", "jsonl"),
        Format("conll", "conll"),
        Format("spacy", "spacy"),
        Format("spacy-docbin", "spacy", "write_docbin", "application/zip", "zip"),
        Format("brat", "brat"),
        Format("doccano", "doccano"),
        Format("label-studio", "label_studio"),
        Format("xmi", "xmi"),
        Format("stances-csv", "stances_csv"),
        Format("network", "network"),
    )
}
