"""Fill the documents' new sort keys from their sets: one UPDATE for every
document, as the annotations app keeps them from now on."""

from django.db import migrations
from django.db.models import Max, OuterRef, Subquery


def backfill(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    AnnotationSet = apps.get_model("annotations", "AnnotationSet")
    sets = AnnotationSet.objects.filter(document=OuterRef("pk")).order_by().values("document")
    Document.objects.update(
        last_activity=Subquery(sets.annotate(latest=Max("updated_at")).values("latest")),
        last_submitted_at=Subquery(
            sets.filter(kind="annotator")
            .annotate(latest=Max("submitted_at"))
            .values("latest")
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0002_set_rejected_predictions"),
        ("documents", "0002_document_sort_keys"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
