from django.core.management.base import BaseCommand

from apps.documents.models import Document
from apps.projects.cli import find_project

from ...counters import recount

SHOWN = 50


class Command(BaseCommand):
    help = (
        "Recompute every document's annotator_count and submitted_count from its "
        "annotation sets and correct those that are wrong; prints what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--project", help="Only this project (id or exact name).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what is wrong; change nothing."
        )
        parser.add_argument(
            "--show",
            type=int,
            default=SHOWN,
            help=f"List at most this many documents (default: {SHOWN}).",
        )

    def handle(self, project=None, dry_run=False, show=SHOWN, **options):
        documents = Document.objects.all()
        if project is not None:
            documents = documents.filter(project=find_project(project))
        checked, changes = recount(documents, dry_run=dry_run)
        if not changes:
            self.stdout.write(
                f"Checked {_documents(checked)}: every count is right; nothing changed."
            )
            return
        verb = "Would correct" if dry_run else "Corrected"
        self.stdout.write(f"{verb} the counts of {len(changes)} of {_documents(checked)}:")
        for change in changes[:show]:
            self.stdout.write(f"  {_describe(change)}")
        if len(changes) > show:
            self.stdout.write(f"  … and {len(changes) - show} more.")
        if dry_run:
            self.stdout.write("Dry run: nothing changed.")


def _documents(n):
    return f"{n} document{'' if n == 1 else 's'}"


def _describe(change):
    parts = [
        f"{name} {old} → {new}"
        for name, old, new in zip(
            ("annotator_count", "submitted_count"), change.old, change.new, strict=True
        )
        if old != new
    ]
    return (
        f"project {change.project_id}, document {change.external_id} "
        f"(id {change.document_id}): {', '.join(parts)}"
    )
