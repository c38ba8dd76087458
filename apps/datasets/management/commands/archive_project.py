import sys

from django.core.management.base import BaseCommand

from apps.projects.cli import find_project
from apps.projects.progress import ProgressBar

from ...archive import write_archive


class Command(BaseCommand):
    help = "Write everything of a project to one archive file (gzip'd JSON Lines)."

    def add_arguments(self, parser):
        parser.add_argument("project", help="Project id or exact name.")
        parser.add_argument(
            "file", help="The archive to write, e.g. project.accord.jsonl.gz, or -."
        )

    def handle(self, project, file, **options):
        project = find_project(project)
        total = project.documents.count()
        progress = ProgressBar(self.stderr._out, total, label="archive")
        out = sys.stdout.buffer if file == "-" else open(file, "wb")  # noqa: SIM115
        try:
            counts = write_archive(project, out, progress=progress.update)
        finally:
            if out is not sys.stdout.buffer:
                out.close()
        progress.update(total)
        progress.close()
        summary = ", ".join(f"{n:,} {name}" for name, n in counts.items())
        self.stderr.write(f"archived {project.name!r} to {file}: {summary}")
