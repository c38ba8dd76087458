"""Jobs name their handler by dotted path; pre-annotation moved from
apps.annotations to apps.mentions, so stored jobs are pointed at its new home."""

from django.db import migrations

MOVED = {"apps.annotations.preannotate.run": "apps.mentions.preannotate.run"}


def forwards(apps, schema_editor):
    Job = apps.get_model("projects", "Job")
    for old, new in MOVED.items():
        Job.objects.filter(handler=old).update(handler=new)


def backwards(apps, schema_editor):
    Job = apps.get_model("projects", "Job")
    for old, new in MOVED.items():
        Job.objects.filter(handler=new).update(handler=old)


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
