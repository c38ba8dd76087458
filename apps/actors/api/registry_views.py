"""Import and export of the actor registry (CSV or JSON)."""

from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.projects.api.schema import SCOPED, errors
from apps.projects.api.uploads import check_request_size, check_upload_size
from apps.projects.models import Role
from apps.projects.parsers import JSONParser
from apps.projects.permissions import ProjectScopedMixin

from .. import registry_io
from ..registry import import_registry, registry_actors
from .schema import (
    RegistryImportResultSerializer,
    RegistryRecordSerializer,
    RegistryUploadSerializer,
)
from .serializers import ActorSerializer

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


class JSONErrorsMixin:
    """`?format=csv` is ours, not DRF's renderer override: always negotiate the
    default (JSON) renderer, so errors stay JSON whatever format is asked."""

    def perform_content_negotiation(self, request, force=False):
        renderer = self.get_renderers()[0]
        return renderer, renderer.media_type


def file_response(request, io, items, stem):
    """`items()` written by `io` as the CSV or JSON file `?format=` asks for.
    An `io` with streamed writers (`PIECES`: format -> writer of pieces)
    answers as a stream, the file never whole in memory; else whole."""
    fmt = request.query_params.get("format", "csv").lower()
    if fmt not in CONTENT_TYPES:
        raise ValidationError({"format": f"{fmt!r} is not csv or json."})
    pieces = getattr(io, "PIECES", None)
    if pieces is not None:
        body = (piece.encode("utf-8") for piece in pieces[fmt](items()))
        response = StreamingHttpResponse(body, content_type=CONTENT_TYPES[fmt])
    else:
        body = io.write_csv(items()) if fmt == "csv" else io.write_json(items())
        response = HttpResponse(body.encode("utf-8"), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


def run_import(request, io, key, store, project):
    """An import's request read by `io` (a multipart `file`, or a JSON list of
    `key` or ``{key: [...]}``) and stored by `store(project, records)`: the
    answer is its report (201 when it created something), or a 400 listing
    every bad row with its field."""
    check_request_size(request)
    try:
        if "file" not in request.FILES:
            # A JSON body: a list, or {key: [...]}. Anything else (a form
            # without a file, a JSON string) names `file`.
            data = request.data
            if not isinstance(data, list) and not (
                isinstance(data, dict) and not isinstance(data, QueryDict) and key in data
            ):
                raise ValidationError(
                    {
                        "file": "Send a .csv or .json file as multipart field `file`, "
                        f"or a JSON list of {key}."
                    }
                )
            parsed = io.parse_items(data)
        else:
            upload = request.FILES["file"]
            check_upload_size(upload)
            fmt = request.data.get("format") or request.query_params.get("format")
            parsed = io.parse(upload.read(), upload.name, fmt)
    except registry_io.RegistryFormatError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    if parsed.errors:
        return _refused(parsed.errors)
    if not parsed.records:
        raise ValidationError({"file": f"The file holds no {key}."})
    report = store(project, parsed.records)
    if report["errors"]:
        return _refused(report["errors"])
    del report["errors"]
    code = status.HTTP_201_CREATED if report["created"] else status.HTTP_200_OK
    return Response(report, status=code)


def _refused(errors):
    more = f" ({len(errors) - 1} more listed in `errors`)" if len(errors) > 1 else ""
    return Response(
        {"detail": f"Nothing was imported. {errors[0]['message']}{more}", "errors": errors},
        status=status.HTTP_400_BAD_REQUEST,
    )


class RegistryExportView(JSONErrorsMixin, ProjectScopedMixin, APIView):
    """The project's registry (actors not merged away, with their aliases) as a
    CSV or JSON file, in two queries whatever its size."""

    roles = {"GET": Role.ANNOTATOR}

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["csv", "json"], default="csv")],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, "application/json"): RegistryRecordSerializer(many=True),
            **errors(400, *SCOPED),
        },
    )
    def get(self, request, *args, **kwargs):
        return file_response(
            request,
            registry_io,
            lambda: registry_actors(self.project),
            f"actors-project-{self.project.pk}",
        )


class RegistryImportView(JSONErrorsMixin, ProjectScopedMixin, APIView):
    """Import actors: a multipart `file` (.csv or .json, or `format`) or a JSON
    list. All or nothing; every bad row is listed with its field. Rows naming
    an existing actor (by Wikidata id, else by name) update it and add
    aliases; the others create actors."""

    roles = {"POST": Role.REVIEWER}

    parser_classes = [MultiPartParser, JSONParser]

    @extend_schema(
        request={
            "multipart/form-data": RegistryUploadSerializer,
            "application/json": ActorSerializer(many=True),
        },
        responses={
            200: RegistryImportResultSerializer,
            201: RegistryImportResultSerializer,
            **errors(400, *SCOPED, 409, 413),
        },
    )
    def post(self, request, *args, **kwargs):
        return run_import(request, registry_io, "actors", import_registry, self.project)
