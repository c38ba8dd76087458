"""Labels get a position; existing labels keep the order they had (kind, then name)."""

from django.db import migrations, models


def number_existing(apps, schema_editor):
    Label = apps.get_model("projects", "Label")
    labels = list(Label.objects.order_by("project_id", "kind", "name").only("id", "project_id"))
    position, project = 0, None
    for label in labels:
        if label.project_id != project:
            position, project = 0, label.project_id
        label.position = position
        position += 1
    Label.objects.bulk_update(labels, ["position"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_job_heartbeat")]

    operations = [
        migrations.AddField(
            model_name="label",
            name="position",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AlterModelOptions(
            name="label",
            options={"ordering": ["position", "kind", "name"]},
        ),
        migrations.RunPython(number_existing, migrations.RunPython.noop),
    ]
