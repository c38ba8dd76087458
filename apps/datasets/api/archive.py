"""The project archive endpoints: the whole project as one file (owners only),
and such a file restored as a new project (anyone signed in, as a job)."""

import json
import tempfile

from django.http import FileResponse
from django.utils import timezone
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.projects.api.schema import SCOPED, JobStartedSerializer, errors
from apps.projects.api.uploads import check_request_size, check_upload_size
from apps.projects.errors import Invalid
from apps.projects.models import Project, Role
from apps.projects.permissions import ProjectScopedMixin

from ..archive import write_archive
from ..archive.background import start_restore

CONTENT_TYPE = "application/gzip"


class ArchiveView(ProjectScopedMixin, APIView):
    """Download the project's archive (docs/formats.md), for `manage.py
    restore_project` on this or another instance.

    The archive is written in one snapshot of the database to a temporary
    file on the server, then streamed from it: the snapshot lasts as long as
    the writing, never as long as a slow download (on SQLite a transaction
    holds the write lock)."""

    roles = {"GET": Role.OWNER}

    @extend_schema(
        operation_id="archive_retrieve",
        responses={
            (200, CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="The archive, gzip'd JSON Lines, as an attachment."
            ),
            **errors(*SCOPED),
        },
    )
    def get(self, request, project_pk):
        handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
        write_archive(self.project, handle)
        handle.seek(0)
        name = slugify(self.project.name) or f"project-{self.project.pk}"
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"{name}-{stamp}.accord.jsonl.gz",
            content_type=CONTENT_TYPE,
        )


def _user_map(value):
    """The `user_map` field: a JSON object of archive username → username here."""
    if value in (None, ""):
        return {}
    try:
        mapping = json.loads(value) if isinstance(value, str) else value
    except json.JSONDecodeError:
        mapping = None
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and k and v for k, v in mapping.items()
    ):
        raise Invalid(
            'must be a JSON object of usernames, {"in the archive": "here"}.', field="user_map"
        )
    return mapping


class RestoreView(APIView):
    """Restore an archive (written by GET …/archive/) as a new project, in a
    background job. Any signed-in user may: the restore creates a project of
    which the caller is an owner, and touches no existing project. Multipart:
    `file`, optional `name` (the new project's; default the archive's) and
    `user_map` (a JSON object: archive username → username here). An archive
    user who is no user here (by the same username or the map) is refused
    with 400 before the job starts, every such user listed in `errors`."""

    @extend_schema(
        operation_id="project_restore",
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "name": {"type": "string"},
                    "user_map": {"type": "string", "description": "A JSON object."},
                },
                "required": ["file"],
            }
        },
        responses={202: JobStartedSerializer, **errors(400, 401, 413)},
    )
    def post(self, request):
        check_request_size(request)
        upload = request.FILES.get("file")
        if upload is None:
            raise Invalid("upload the archive as this multipart field.", field="file")
        check_upload_size(upload)
        name = request.data.get("name") or None
        if name is not None and len(name) > Project._meta.get_field("name").max_length:
            raise Invalid("is too long.", field="name")
        job = start_restore(
            request.user,
            upload.name,
            upload.read(),
            name=name,
            user_map=_user_map(request.data.get("user_map")),
        )
        return Response({"job": job.pk}, status=status.HTTP_202_ACCEPTED)
