"""`POST /projects/{p}/preannotate/`: run a suggester as a background job."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.actors.suggesters import DEFAULT
from apps.projects.api.schema import SCOPED, JobStartedSerializer, errors
from apps.projects.jobs import start_job
from apps.projects.models import Role
from apps.projects.permissions import ProjectScopedMixin

from ..preannotate import check_ready
from .schema import PreannotateRequestSerializer


class PreannotateView(ProjectScopedMixin, APIView):
    """Pre-annotate the project's documents (owner only): `{"documents": [ids]?,
    "suggester": "aliases" | name?, "unannotated": bool?}` (with `unannotated`,
    only the documents nobody has taken). Answers 202 `{"job": id}`; the job's
    result counts the prediction sets created, replaced and deleted."""

    roles = {"POST": Role.OWNER}

    @extend_schema(
        request=PreannotateRequestSerializer,
        responses={202: JobStartedSerializer, **errors(400, *SCOPED)},
    )
    def post(self, request, *args, **kwargs):
        body = request.data if isinstance(request.data, dict) else None
        if body is None:
            raise ValidationError({"documents": "Send an object: {documents?, suggester?}."})
        suggester = body.get("suggester") or DEFAULT
        if not isinstance(suggester, str):
            raise ValidationError({"suggester": "must be the name of a suggester."})
        documents = body.get("documents")
        if documents is not None:
            if not isinstance(documents, list) or not all(
                isinstance(d, int) and not isinstance(d, bool) for d in documents
            ):
                raise ValidationError({"documents": "must be a list of document ids."})
            if not documents:
                raise ValidationError({"documents": "is empty; leave it out for every document."})
        unannotated = body.get("unannotated", False)
        if not isinstance(unannotated, bool):
            raise ValidationError({"unannotated": "must be true or false."})
        check_ready(self.project, suggester, documents)
        job = start_job(
            self.project,
            "preannotate",
            "apps.mentions.preannotate.run",
            {"suggester": suggester, "documents": documents, "unannotated": unannotated},
            request.user,
        )
        return Response({"job": job.pk}, status=status.HTTP_202_ACCEPTED)
