from django.core.management.base import BaseCommand, CommandError

from apps.actors.suggesters import DEFAULT
from apps.projects.cli import find_project
from apps.projects.progress import ProgressBar

from ...preannotate import PreannotateError, preannotate


class Command(BaseCommand):
    help = (
        "Pre-annotate a project's documents: run a suggester (default: the actor "
        "registry's alias matcher) and store its spans as prediction sets, replacing "
        "the previous ones of that suggester. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("project", help="Project id or exact name.")
        parser.add_argument(
            "--suggester", default=DEFAULT, help=f"Suggester name (default: {DEFAULT})."
        )
        parser.add_argument(
            "--documents", nargs="+", type=int, help="Only these document ids (default: all)."
        )
        parser.add_argument(
            "--filter",
            action="append",
            dest="filters",
            metavar="NAME=VALUE",
            help="Only the documents this filter of the documents list matches, e.g. "
            "--filter q=Caracas --filter status=new (repeat to combine).",
        )
        parser.add_argument(
            "--unannotated", action="store_true", help="Only the documents nobody has taken."
        )

    def handle(self, project, suggester, documents=None, filters=None, **options):
        project = find_project(project)
        document_filter = None
        if filters:
            document_filter = {}
            for item in filters:
                name, sep, value = item.partition("=")
                if not sep:
                    raise CommandError(f"--filter {item!r}: write NAME=VALUE, e.g. status=new.")
                document_filter[name] = value
        bar = None

        def progress(done, total):
            nonlocal bar
            if bar is None:
                bar = ProgressBar(self.stdout, total, "Pre-annotating")
            bar.update(done)

        try:
            report = preannotate(
                project,
                suggester,
                documents,
                progress=progress,
                unannotated=options["unannotated"],
                document_filter=document_filter,
            )
        except PreannotateError as exc:
            # "field: message", the API's detail: a bad --filter is named.
            raise CommandError(exc.payload()["detail"]) from None
        if bar is not None:
            bar.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"{report['suggester']}: {report['documents']} document(s), "
                f"{report['spans']} span(s); prediction sets created {report['created']}, "
                f"replaced {report['replaced']}, deleted {report['deleted']}."
            )
        )
