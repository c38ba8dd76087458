"""A job's file is kept in chunks (JobFileChunk), so that a worker reads a
large upload a piece at a time; the files of jobs still waiting are moved
into chunks before their one column goes."""

import django.db.models.deletion
from django.db import migrations, models

# jobs.FILE_CHUNK when this was written; a migration does not import app code.
FILE_CHUNK = 1 << 20


def into_chunks(apps, schema_editor):
    JobFile = apps.get_model("projects", "JobFile")
    JobFileChunk = apps.get_model("projects", "JobFileChunk")
    for job_id in JobFile.objects.values_list("job_id", flat=True):
        data = bytes(JobFile.objects.filter(job_id=job_id).values_list("data", flat=True).get())
        JobFileChunk.objects.bulk_create(
            JobFileChunk(file_id=job_id, number=n, data=data[start : start + FILE_CHUNK])
            for n, start in enumerate(range(0, len(data), FILE_CHUNK))
        )


def back_to_one(apps, schema_editor):
    JobFile = apps.get_model("projects", "JobFile")
    JobFileChunk = apps.get_model("projects", "JobFileChunk")
    for job_file in JobFile.objects.all():
        chunks = JobFileChunk.objects.filter(file_id=job_file.pk).order_by("number")
        job_file.data = b"".join(bytes(c) for c in chunks.values_list("data", flat=True))
        job_file.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0016_least_certain_first_order"),
    ]

    operations = [
        migrations.CreateModel(
            name="JobFileChunk",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField()),
                ("data", models.BinaryField()),
                (
                    "file",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="chunks",
                        to="projects.jobfile",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("file", "number"), name="job_file_chunk_once")
                ],
            },
        ),
        migrations.RunPython(into_chunks, back_to_one),
        migrations.RemoveField(model_name="jobfile", name="data"),
    ]
