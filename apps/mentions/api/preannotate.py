"""`POST /projects/{p}/preannotate/`: run a suggester as a background job;
`POST …/preannotate/count/`: how many documents the same request would read."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.actors.suggesters import DEFAULT
from apps.projects.api.schema import SCOPED, JobStartedSerializer, errors
from apps.projects.inputs import fits_id
from apps.projects.jobs import start_job
from apps.projects.models import Role
from apps.projects.permissions import ProjectScopedMixin

from ..preannotate import check_ready, check_selection, count_selected
from .schema import (
    PreannotateCountSerializer,
    PreannotateRequestSerializer,
    PreannotateSelectionSerializer,
)


def _body(request):
    if not isinstance(request.data, dict):
        raise ValidationError(
            {"documents": "Send an object: {documents?, filter?, unannotated?, suggester?}."}
        )
    return request.data


def _selection(body):
    """``{"document_ids", "unannotated", "document_filter"}`` from a request
    body; the filter's names and values are checked against the documents
    list by check_selection."""
    documents = body.get("documents")
    if documents is not None:
        if not isinstance(documents, list) or not all(fits_id(d) for d in documents):
            raise ValidationError({"documents": "must be a list of document ids."})
        if not documents:
            raise ValidationError({"documents": "is empty; leave it out for every document."})
    unannotated = body.get("unannotated", False)
    if not isinstance(unannotated, bool):
        raise ValidationError({"unannotated": "must be true or false."})
    return {
        "document_ids": documents,
        "unannotated": unannotated,
        "document_filter": body.get("filter"),
    }


class PreannotateView(ProjectScopedMixin, APIView):
    """Pre-annotate the project's documents (owner only): `{"documents": [ids]?,
    "filter": {…}?, "unannotated": bool?, "suggester": "aliases" | name?}`.
    `filter` takes the documents list's filters (`q`, `status`,
    `assigned_to`, `outlet`, …, as text) and is applied when the job runs;
    with `unannotated`, only the documents nobody has taken. Answers 202
    `{"job": id}`; the job's result counts the documents read and the
    prediction sets created, replaced and deleted."""

    roles = {"POST": Role.OWNER}

    @extend_schema(
        request=PreannotateRequestSerializer,
        responses={202: JobStartedSerializer, **errors(400, *SCOPED)},
    )
    def post(self, request, *args, **kwargs):
        body = _body(request)
        suggester = body.get("suggester") or DEFAULT
        if not isinstance(suggester, str):
            raise ValidationError({"suggester": "must be the name of a suggester."})
        selection = _selection(body)
        check_ready(
            self.project, suggester, selection["document_ids"], selection["document_filter"]
        )
        job = start_job(
            self.project,
            "preannotate",
            "apps.mentions.preannotate.run",
            {
                "suggester": suggester,
                "documents": selection["document_ids"],
                "unannotated": selection["unannotated"],
                "document_filter": selection["document_filter"],
            },
            request.user,
        )
        return Response({"job": job.pk}, status=status.HTTP_202_ACCEPTED)


class PreannotateCountView(ProjectScopedMixin, APIView):
    """How many documents a pre-annotation with this selection would read now
    (owner only): the same `documents`, `filter` and `unannotated` as
    `POST …/preannotate/`, refused the same way; the suggester is not needed."""

    roles = {"POST": Role.OWNER}

    @extend_schema(
        request=PreannotateSelectionSerializer,
        responses={200: PreannotateCountSerializer, **errors(400, *SCOPED)},
    )
    def post(self, request, *args, **kwargs):
        selection = _selection(_body(request))
        check_selection(self.project, selection["document_ids"], selection["document_filter"])
        return Response({"documents": count_selected(self.project, **selection)})
