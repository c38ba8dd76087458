from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.imports.parsers import ImportFormatError, ParseResult, RecordError, parse
from apps.projects.cli import find_project
from apps.projects.progress import ProgressBar

from ...store import ImportConflict, import_records


class Command(BaseCommand):
    help = (
        "Import documents into a project from JSONL, JSON, CSV, TXT or ZIP files. "
        "All files are one import: if any record is bad, nothing is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("project", help="Project id or exact name.")
        parser.add_argument("files", nargs="+", help="Files to import.")
        parser.add_argument(
            "--format", help="Format of every file (default: from each file's extension)."
        )

    def handle(self, project, files, format=None, **options):
        project = find_project(project)
        combined = ParseResult(records=[], errors=[])
        first_seen = {}
        for name in files:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{name}: no such file.")
            try:
                parsed = parse(path.read_bytes(), path.name, format)
            except ImportFormatError as exc:
                raise CommandError(f"{name}: {exc}") from None
            for error in parsed.errors:
                error.where = f"{path.name} {error.where}"
                error.message = f"{path.name} {error.message}"
            combined.errors += parsed.errors
            for record in parsed.records:
                record.where = f"{path.name} {record.where}"
                if record.external_id in first_seen:
                    combined.errors.append(
                        RecordError(
                            record.where,
                            "id",
                            f"{record.where}: id {record.external_id!r} repeats "
                            f"{first_seen[record.external_id]}",
                        )
                    )
                    continue
                first_seen[record.external_id] = record.where
                combined.records.append(record)
        bar = ProgressBar(self.stdout, len(combined.records), "Storing")
        try:
            # The store reports (done, total); the bar was told the total.
            report = import_records(
                project, combined, progress=lambda done, total: bar.update(done)
            )
        except ImportConflict as exc:
            raise CommandError(str(exc)) from None
        if report["errors"]:
            for error in report["errors"]:
                self.stderr.write(error["message"])
            raise CommandError(
                f"Nothing was imported: {len(report['errors'])} problem(s) listed above."
            )
        bar.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {report['created']} document(s) into {project.name!r}; "
                f"skipped {report['skipped']} already there."
            )
        )
