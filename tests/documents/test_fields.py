"""The document's content fields are listed once, in apps/documents/models.py."""

import dataclasses

from apps.datasets.formats.records import DocumentRecord
from apps.documents.models import CONTENT_FIELDS, METADATA_FIELDS, STRING_FIELDS, Document


def test_the_content_fields_are_the_models_fields():
    names = {f.name for f in Document._meta.get_fields()}
    assert set(CONTENT_FIELDS) <= names
    assert set(STRING_FIELDS) <= set(METADATA_FIELDS) <= set(CONTENT_FIELDS)
    for name in STRING_FIELDS:
        assert Document._meta.get_field(name).get_internal_type() in ("CharField", "URLField")


def test_an_export_record_carries_every_metadata_field():
    record_fields = {f.name for f in dataclasses.fields(DocumentRecord)}
    assert set(METADATA_FIELDS) <= record_fields
