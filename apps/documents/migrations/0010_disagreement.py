"""Document.disagreement: the review queue's score, stored on the document
and ordered by the partial index document_review_queue.

The scores review cached in ReviewScore (dropped by review/0004) are copied
over where they are current (computed over the document's submitted sets as
they are now); any other document keeps a null score until
``manage.py rescore`` computes it from its sets.
"""

import django.db.models.functions.comparison
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery


def copy_current_scores(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    ReviewScore = apps.get_model("review", "ReviewScore")
    current = ReviewScore.objects.filter(document=OuterRef("pk"), sets=OuterRef("submitted_count"))
    Document.objects.filter(review_score__sets=F("submitted_count")).update(
        disagreement=Subquery(current.values("score")[:1])
    )


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0009_search_filled_later'),
        ('projects', '0017_job_file_in_chunks'),
        ('review', '0003_model_disagreement'),
    ]

    operations = [
        migrations.AddField(
            model_name='document',
            name='disagreement',
            field=models.FloatField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(copy_current_scores, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='document',
            index=models.Index(models.F('project'), models.OrderBy(django.db.models.functions.comparison.Coalesce(models.F('disagreement'), models.Value(-1.0), output_field=models.FloatField()), descending=True), models.F('id'), condition=models.Q(('reviewable', True)), name='document_review_queue'),
        ),
    ]
