"""The project archive endpoint: the whole project as one file (owners only)."""

import tempfile

from django.http import FileResponse
from django.utils import timezone
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.views import APIView

from apps.projects.api.schema import SCOPED, errors
from apps.projects.models import Role
from apps.projects.permissions import ProjectScopedMixin

from ..archive import write_archive

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
