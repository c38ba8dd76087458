import json
import sys

from django.core.management.base import BaseCommand, CommandError

from apps.projects.cli import find_project
from apps.projects.progress import ProgressBar

from ...export import Exporter, buffered
from ...formats import FORMATS
from ...options import ANNOTATOR_NAMING, SLICES, SOURCES, OptionsError, parse_export


class Command(BaseCommand):
    help = "Export a project's annotations in one format to a file (or - for standard output)."

    def add_arguments(self, parser):
        # The values are checked by the export options parser, as the API's are.
        parser.add_argument("project", help="Project id or exact name.")
        parser.add_argument("--format", required=True, help=", ".join(FORMATS))
        parser.add_argument("--out", required=True, help="Output file, or - for standard output.")
        parser.add_argument("--source", help=f"{', '.join(SOURCES)} (default gold)")
        parser.add_argument("--split", help="Only documents of this split.")
        parser.add_argument("--label", help="Only spans (entity label) or stances (stance label).")
        parser.add_argument("--published-from", help="e.g. 2024-05-31")
        parser.add_argument("--published-to", help="e.g. 2024-05-31")
        parser.add_argument(
            "--no-text", action="store_true", help="Standoff: offsets, URL and text SHA-256 only."
        )
        parser.add_argument(
            "--annotators", help=f"{' or '.join(ANNOTATOR_NAMING)} (default pseudonyms)"
        )
        parser.add_argument("--seed", help="default 0")
        parser.add_argument("--ratios", help="e.g. train:0.8,dev:0.1,test:0.1")
        parser.add_argument("--slice", help=f"{', '.join(SLICES)} (network, claims-network)")
        parser.add_argument("--start", help="claims-network window start, e.g. 2024-01-01")
        parser.add_argument("--end", help="claims-network window end (exclusive)")

    def handle(self, project, **o):
        project = find_project(project)
        o["include_text"] = not o.pop("no_text")
        try:
            format_name, options = parse_export(o)
        except OptionsError as exc:
            raise CommandError(f"--{exc.field.replace('_', '-')}: {exc.message}") from None
        exporter = Exporter(project, options)
        context = exporter.context()
        total = exporter.documents().count()
        progress = ProgressBar(self.stderr._out, total, label=f"export {format_name}")
        pieces = FORMATS[format_name].write(iter(exporter), context)
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
