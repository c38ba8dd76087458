import datetime
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from apps.projects.cli import find_project
from apps.projects.progress import ProgressBar

from ...export import SOURCES, Exporter, ExportOptions, buffered
from ...formats import FORMATS
from ...releases import format_problem
from ...splits import SplitError, parse_ratios


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f'Dates are written like 2024-05-31, got "{value}".') from None


class Command(BaseCommand):
    help = "Export a project's annotations in one format to a file (or - for standard output)."

    def add_arguments(self, parser):
        parser.add_argument("project", help="Project id or exact name.")
        parser.add_argument("--format", required=True, choices=sorted(FORMATS))
        parser.add_argument("--out", required=True, help="Output file, or - for standard output.")
        parser.add_argument("--source", default="gold", choices=SOURCES)
        parser.add_argument("--split", help="Only documents of this split.")
        parser.add_argument("--label", help="Only spans (entity label) or stances (stance label).")
        parser.add_argument("--published-from", type=_date)
        parser.add_argument("--published-to", type=_date)
        parser.add_argument(
            "--no-text", action="store_true", help="Standoff: offsets, URL and text SHA-256 only."
        )
        parser.add_argument("--annotators", default="pseudonyms", choices=["pseudonyms", "names"])
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--ratios", help="e.g. train:0.8,dev:0.1,test:0.1")
        parser.add_argument("--slice", choices=["none", "year", "month"], help="network only")

    def handle(self, project, **o):
        project = find_project(project)
        problem = format_problem(o["format"], not o["no_text"])
        if problem:
            raise CommandError(problem)
        options = ExportOptions(
            source=o["source"],
            split=o["split"],
            label=o["label"],
            published_from=o["published_from"],
            published_to=o["published_to"],
            include_text=not o["no_text"],
            seed=o["seed"],
            annotators=o["annotators"],
        )
        if o["ratios"]:
            try:
                options.ratios = parse_ratios(o["ratios"])
            except SplitError as exc:
                raise CommandError(str(exc)) from None
        if options.split and options.split not in options.ratios:
            raise CommandError(f"--split must be one of {', '.join(options.ratios)}.")
        if o["slice"]:
            options.format_options["slice"] = o["slice"]
        exporter = Exporter(project, options)
        context = exporter.context()
        total = exporter.documents().count()
        progress = ProgressBar(self.stderr._out, total, label=f"export {o['format']}")
        pieces = FORMATS[o["format"]].write(iter(exporter), context)
        out = sys.stdout.buffer if o["out"] == "-" else open(o["out"], "wb")  # noqa: SIM115
        written = 0
        try:
            for block in buffered(pieces):
                out.write(block)
                written += len(block)
                progress.update(exporter.documents_seen)
        finally:
            if out is not sys.stdout.buffer:
                out.close()
        progress.update(total)
        progress.close()
        self.stderr.write(f"{written:,} bytes written to {o['out']}")
        if context.report:
            self.stderr.write("report: " + json.dumps(context.report, ensure_ascii=False, indent=2))
