"""`POST /projects/{p}/documents/import/`: many documents at once, atomically."""

from collections.abc import Mapping

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.documents.api.schema import IMPORT_PROBLEM, IMPORT_REFUSAL, DocumentCreateSerializer
from apps.projects.api.schema import SCOPED, JobStartedSerializer, errors
from apps.projects.api.uploads import check_request_size, check_upload_size, upload_limit
from apps.projects.models import Role
from apps.projects.parsers import JSONParser
from apps.projects.permissions import ProjectScopedMixin

from ..background import runs_in_background, start_import
from ..destination import CHOICES, Destination
from ..parsers import FORMATS, ImportFormatError, detect_format, parse, parse_records
from ..store import import_file, import_records, preview_records, refusal, unreadable
from .schema import DESTINATION_PARAMETERS, ImportPreviewSerializer, ImportSetsSerializer

IMPORT_RESULT = inline_serializer(
    "ImportResult",
    {
        "created": serializers.IntegerField(),
        "skipped": serializers.IntegerField(help_text="Already there (same external id)."),
        "errors": serializers.ListField(child=IMPORT_PROBLEM, help_text="Always empty here."),
        "sets": ImportSetsSerializer(help_text="The sets stored, by kind."),
    },
)


UPLOAD = {
    "multipart/form-data": inline_serializer(
        "ImportUpload",
        {
            "file": serializers.FileField(),
            "format": serializers.ChoiceField(choices=list(FORMATS), required=False),
            "annotations": serializers.ChoiceField(
                choices=list(CHOICES),
                required=False,
                help_text="Where the annotations in the file land (default prediction).",
            ),
            "user_map": serializers.CharField(
                required=False,
                help_text='With annotations=annotators: a JSON object {"peer author": '
                '"accord username"}.',
            ),
        },
    ),
    "application/json": DocumentCreateSerializer(many=True),
}


def destination_of(request):
    """The request's Destination: `annotations` and `user_map` from the
    multipart form, else the query string (a JSON list body has no room)."""
    # Any other JSON body (a number, a string) has no form fields either.
    form = request.data if isinstance(request.data, Mapping) else {}
    return Destination.from_data(
        {
            name: form.get(name) or request.query_params.get(name)
            for name in ("annotations", "user_map")
        }
    )


def upload_of(request):
    """(file, format) of a multipart import request, both checked (size,
    format), the file not read; (None, None) for a JSON list of records."""
    check_request_size(request)
    if isinstance(request.data, list):
        return None, None
    if "file" not in request.FILES:
        raise ValidationError(
            {"file": "Send a file as multipart field `file`, or a JSON list of documents."}
        )
    upload = request.FILES["file"]
    check_upload_size(upload)
    fmt = detect_format(
        upload.name, request.data.get("format") or request.query_params.get("format")
    )
    return upload, fmt


def parse_upload(request, upload, fmt):
    """The ParseResult of an import request (see upload_of); ImportFormatError
    when the whole input cannot be read."""
    if upload is None:
        return parse_records(request.data)
    return parse(upload.read(), upload.name, fmt, max_bytes=upload_limit())


def unreadable_response(exc):
    return Response(unreadable(str(exc)), status=status.HTTP_400_BAD_REQUEST)


class ImportPreviewView(ProjectScopedMixin, APIView):
    """What an import of this file would store, storing nothing: the detected
    format, how many documents are new or already there, every problem (each
    naming its record and field), and the first records as they would be stored."""

    roles = {"POST": Role.OWNER}
    parser_classes = [MultiPartParser, JSONParser]

    @extend_schema(
        request=UPLOAD,
        parameters=DESTINATION_PARAMETERS,
        responses={200: ImportPreviewSerializer, 400: IMPORT_REFUSAL, **errors(*SCOPED, 413)},
    )
    def post(self, request, *args, **kwargs):
        destination = destination_of(request)
        try:
            upload, fmt = upload_of(request)
            parsed = parse_upload(request, upload, fmt)
        except ImportFormatError as exc:
            return unreadable_response(exc)
        preview = preview_records(self.project, parsed, destination=destination, user=request.user)
        return Response({"format": fmt, **preview})


class ImportView(ProjectScopedMixin, APIView):
    roles = {"POST": Role.OWNER}

    parser_classes = [MultiPartParser, JSONParser]

    @extend_schema(
        request=UPLOAD,
        parameters=DESTINATION_PARAMETERS,
        responses={
            201: IMPORT_RESULT,
            200: IMPORT_RESULT,
            202: OpenApiResponse(
                JobStartedSerializer,
                description="A file over ACCORD_IMPORT_BACKGROUND_BYTES: imported by a "
                "background job. Its result is this endpoint's 200/201 body when done; when "
                "nothing was stored the job is failed, its error the refusal's `detail` and "
                "its result the refusal (ImportRefusal).",
            ),
            400: IMPORT_REFUSAL,
            **errors(*SCOPED, 409, 413),
        },
    )
    def post(self, request, *args, **kwargs):
        """Import many documents atomically: a file (JSONL, JSON, CSV, TXT or a
        ZIP of them) or a JSON list of records. Nothing is stored if any record
        is bad; every bad record is listed. A file larger than
        ACCORD_IMPORT_BACKGROUND_BYTES (5 MiB unless configured) is imported
        by a background job: 202 `{"job": id}`, follow it at `/api/v1/jobs/{id}/`.

        The annotations that come with the file land as `annotations` says:
        prediction sets, gold, or the sets of the annotators named in the file
        (through `user_map`)."""
        destination = destination_of(request)
        try:
            upload, fmt = upload_of(request)
            if upload is not None and runs_in_background(upload.size):
                job = start_import(
                    self.project, upload.name, fmt, upload.read(), request.user, destination
                )
                return Response({"job": job.pk}, status=status.HTTP_202_ACCEPTED)
            if upload is None:
                report = import_records(
                    self.project,
                    parse_records(request.data),
                    destination=destination,
                    user=request.user,
                )
            else:
                report = import_file(
                    self.project,
                    upload.read(),
                    upload.name,
                    fmt,
                    destination=destination,
                    user=request.user,
                    max_bytes=upload_limit(),
                )
        except ImportFormatError as exc:
            return unreadable_response(exc)
        if report["errors"]:
            return Response(refusal(report), status=status.HTTP_400_BAD_REQUEST)
        del report["documents"]
        code = status.HTTP_201_CREATED if report["created"] else status.HTTP_200_OK
        return Response(report, status=code)
