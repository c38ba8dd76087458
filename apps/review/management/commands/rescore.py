from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q

from apps.annotations.models import AnnotationSet
from apps.documents.models import Document, repair_reviewable_count
from apps.projects.cli import find_project
from apps.projects.models import Project

from ...queue import RESCORE_CHUNK, refresh_model_scores, rescore


class Command(BaseCommand):
    help = (
        "Compute every document's disagreement score (the review queue's order) "
        "and its model disagreement (sort=model) again from its sets, and count "
        "each project's queue again (ReviewableCount): after upgrading, or to "
        "repair rows edited by hand."
    )

    def add_arguments(self, parser):
        parser.add_argument("--project", help="Only this project (id or exact name).")

    def handle(self, project=None, **options):
        # A document with fewer than two submitted sets has no score: only
        # those with one, right or wrong, and those with sets to compare.
        documents = Document.objects.filter(
            Q(submitted_count__gt=1) | Q(disagreement__isnull=False)
        )
        projects = Project.objects.order_by("pk")
        if project is not None:
            project = find_project(project)
            documents = documents.filter(project=project)
            projects = projects.filter(pk=project.pk)
        ids = list(documents.order_by("pk").values_list("pk", flat=True))
        for first in range(0, len(ids), RESCORE_CHUNK):
            chunk = ids[first : first + RESCORE_CHUNK]
            # Under the rows' locks, as a submission scores its document, so
            # a set submitted meanwhile is not scored away.
            with transaction.atomic():
                list(Document.objects.select_for_update().filter(pk__in=chunk).values_list("pk"))
                rescore(chunk)
        self.stdout.write(f"Rescored {len(ids)} document{'' if len(ids) == 1 else 's'}.")
        # The model's scores of the documents with a prediction set and
        # nothing to rescore above (rescore stored those of the others).
        predicted = AnnotationSet.objects.filter(kind=AnnotationSet.Kind.PREDICTION)
        if project is not None:
            predicted = predicted.filter(document__project=project)
        rescored = set(ids)
        others = sorted(set(predicted.values_list("document_id", flat=True)) - rescored)
        for first in range(0, len(others), RESCORE_CHUNK):
            chunk = others[first : first + RESCORE_CHUNK]
            with transaction.atomic():
                list(Document.objects.select_for_update().filter(pk__in=chunk).values_list("pk"))
                refresh_model_scores(chunk)
        for each in projects:
            before, counted = repair_reviewable_count(each)
            if before != counted:
                self.stdout.write(
                    f"Project {each.pk}: the review queue counted {before}, holds {counted}; "
                    "corrected."
                )
