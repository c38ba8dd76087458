"""An annotated document's text never changes, whatever path tries: the model
itself refuses, so the admin and the shell are covered, not only the API."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from apps.documents.models import Document
from tests.builders import add_prediction, annotate, make_document, span_of

pytestmark = pytest.mark.django_db

TEXT = "Moscow condemned the operation."


def test_an_unannotated_text_may_change(project):
    document = make_document(project, text=TEXT)
    assert not document.text_is_annotated()
    document.text = "Caracas answered."
    document.save()
    assert Document.objects.get(pk=document.pk).text == "Caracas answered."


@pytest.mark.parametrize("kind", ["annotator", "prediction"])
def test_an_annotated_text_is_frozen(project, users, kind):
    document = make_document(project, text=TEXT)
    spans = [span_of("s1", TEXT, "Moscow", "GPE")]
    if kind == "annotator":
        annotate(document, users["ana"], spans, submit=False)
    else:
        add_prediction(document, spans=spans)
    document.refresh_from_db()
    assert document.text_is_annotated()

    document.title = "Other fields still change"
    document.save()
    document.text = "Caracas answered."
    with pytest.raises(ValidationError, match="cannot change"):
        document.save()
    assert Document.objects.get(pk=document.pk).text == TEXT


def test_the_admin_shows_an_annotated_text_read_only(project, users, django_user_model):
    annotated = make_document(project, "a", text=TEXT)
    annotate(annotated, users["ana"], [span_of("s1", TEXT, "Moscow", "GPE")], submit=False)
    plain = make_document(project, "b", text=TEXT)
    admin = django_user_model.objects.create_superuser("root", password="pw")
    client = Client()
    client.force_login(admin)
    frozen = client.get(f"/admin/documents/document/{annotated.pk}/change/")
    editable = client.get(f"/admin/documents/document/{plain.pk}/change/")
    assert frozen.status_code == editable.status_code == 200
    assert b'name="text"' not in frozen.content
    assert b'name="text"' in editable.content
