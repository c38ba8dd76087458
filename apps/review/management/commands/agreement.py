import json

from django.core.management.base import BaseCommand, CommandError

from apps.projects.cli import find_project

from ...report import ReportError, agreement_report


def figure(result):
    """A result dict as table cells: value (3 decimals or "—"), items, reason."""
    value = "—" if result["value"] is None else f"{result['value']:.3f}"
    return [value, str(result["items"]), result["reason"] or ""]


def table(header, rows):
    """Plain-text columns, left-aligned text and right-aligned figures."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells):
        out = []
        for cell, width in zip(cells, widths, strict=True):
            cell = str(cell)
            numeric = cell.replace(".", "", 1).replace("-", "", 1).isdigit() or cell == "—"
            out.append(cell.rjust(width) if numeric else cell.ljust(width))
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


class Command(BaseCommand):
    help = (
        "Print a project's inter-annotator agreement (documents with two or more "
        "submitted annotator sets) as tables, or as JSON with --json."
    )

    def add_arguments(self, parser):
        parser.add_argument("project", help="Project id or exact name.")
        parser.add_argument("--label", help="Only this label (entity: spans; stance: stances).")
        parser.add_argument("--annotator", help="Only documents and pairs of this username.")
        parser.add_argument(
            "--document", type=int, action="append", help="Only these document ids (repeatable)."
        )
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, project, label=None, annotator=None, document=None, **options):
        project = find_project(project)
        try:
            report = agreement_report(project, label, annotator, document)
        except ReportError as exc:
            raise CommandError(f"--{exc.field}: {exc.message}") from None
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2, default=str))
            return
        self.stdout.write(self.render(project, report))

    def render(self, project, report):
        spans, tokens, stances = report["spans"], report["tokens"], report["stances"]
        overall = [
            ["spans: F1 exact", *figure(spans["f1_exact"])],
            ["spans: F1 partial", *figure(spans["f1_partial"])],
            ["tokens: Krippendorff's alpha", *figure(tokens["krippendorff_alpha"])],
            ["tokens: Fleiss' kappa", *figure(tokens["fleiss_kappa"])],
            ["tokens: Cohen's kappa (mean of pairs)", *figure(tokens["cohen_kappa"])],
            ["stances: F1", *figure(stances["f1"])],
            ["stances: polarity kappa", *figure(stances["polarity_kappa"])],
            ["actors: link agreement", *figure(report["actors"]["link_agreement"])],
            ["stances on concepts: F1", *figure(report["concept_stances"]["f1"])],
            [
                "stances on concepts: polarity kappa",
                *figure(report["concept_stances"]["polarity_kappa"]),
            ],
        ]
        parts = [
            f"{project.name}: {report['documents']} documents, "
            f"annotators {', '.join(report['annotators']) or '(none)'}",
            "",
            table(["measure", "value", "items", "note"], overall),
        ]
        if spans["per_label"]:
            rows = [
                [name, figure(r["f1_exact"])[0], figure(r["f1_partial"])[0], str(r["support"])]
                for name, r in spans["per_label"].items()
            ]
            parts += ["", table(["label", "F1 exact", "F1 partial", "support"], rows)]
        if report["categories"]:
            rows = [
                [
                    group,
                    "several" if r["multiple"] else "one",
                    figure(r["alpha"])[0],
                    r["alpha"]["distance"],
                    figure(r["kappa"])[0],
                    r["kappa"]["measure"] or "—",
                    str(r["documents"]),
                ]
                for group, r in report["categories"].items()
            ]
            header = [
                "category group",
                "takes",
                "alpha",
                "distance",
                "kappa",
                "kappa of",
                "documents",
            ]
            parts += ["", table(header, rows)]
        if spans["pairs"]:
            stance_f1 = {(p["a"], p["b"]): p["f1"] for p in stances["pairs"]}
            rows = [
                [
                    p["a"],
                    p["b"],
                    figure(p["f1_exact"])[0],
                    figure(p["f1_partial"])[0],
                    figure(stance_f1[p["a"], p["b"]])[0] if (p["a"], p["b"]) in stance_f1 else "—",
                    str(p["documents"]),
                ]
                for p in spans["pairs"]
            ]
            header = ["a", "b", "span F1 exact", "span F1 partial", "stance F1", "documents"]
            parts += ["", table(header, rows)]
        return "\n".join(parts) + "\n"
