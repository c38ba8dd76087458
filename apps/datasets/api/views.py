"""The export and release endpoints. Thin: parsing here, the work in export.py and releases.py."""

from django.core.files.storage import default_storage
from django.db.models.fields.json import KeyTransform
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.projects.api.schema import SCOPED, errors
from apps.projects.errors import Invalid
from apps.projects.models import Role
from apps.projects.permissions import ProjectScopedMixin

from ..export import check_names_allowed, export
from ..formats import FORMATS
from ..models import Release
from ..options import SOURCES, parse_export
from ..releases import carries_names, check_may_read, create_release, release_state
from . import schema


class IgnoreFormatParameter(DefaultContentNegotiation):
    """``?format=`` names the export format here, not DRF's renderer: errors
    are always JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def export_request(params, view):
    """(format name, ExportOptions) from the query string, or a ValidationError."""
    format_name, options = parse_export(params)
    if options.annotators == "names":
        check_names_allowed(view.membership)
    return format_name, options


class ExportView(ProjectScopedMixin, APIView):
    """Stream the project's annotations in one format (reviewers and owners)."""

    roles = {"GET": Role.REVIEWER}

    content_negotiation_class = IgnoreFormatParameter

    @extend_schema(
        operation_id="export_retrieve",
        parameters=[
            OpenApiParameter("format", str, description="A format name; default jsonl."),
            OpenApiParameter("source", str, enum=list(SOURCES), default="gold"),
            OpenApiParameter("annotators", str, enum=["pseudonyms", "names"]),
            OpenApiParameter("label", str),
            OpenApiParameter("published_from", OpenApiTypes.DATE),
            OpenApiParameter("published_to", OpenApiTypes.DATE),
            OpenApiParameter("include_text", bool, default=True),
            OpenApiParameter("seed", int),
            OpenApiParameter("ratios", str, description='e.g. "train:0.8,dev:0.1,test:0.1"'),
            OpenApiParameter("split", str),
            OpenApiParameter("slice", str, enum=["none", "year", "month"]),
            OpenApiParameter(
                "start", OpenApiTypes.DATE, description="claims-network: window start"
            ),
            OpenApiParameter(
                "end", OpenApiTypes.DATE, description="claims-network: window end (exclusive)"
            ),
        ],
        responses={
            (200, "*/*"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, as an attachment."
            ),
            **errors(400, *SCOPED),
        },
    )
    def get(self, request, project_pk):
        format_name, options = export_request(request.query_params, self)
        stream, _ = export(self.project, format_name, options)
        fmt = FORMATS[format_name]
        response = StreamingHttpResponse(stream, content_type=fmt.content_type)
        name = slugify(self.project.name) or f"project-{self.project.pk}"
        split = f"-{options.split}" if options.split else ""
        filename = f"{name}-{options.source}{split}.{fmt.suffix}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def release_payload(release, with_manifest=True):
    status, error = release_state(release)
    payload = {
        "id": release.pk,
        "name": release.name,
        "status": status,
        "progress": release.job.progress if release.job else 0.0,
        "job": release.job_id,
        "error": error or None,
        "seed": release.seed,
        "ratios": release.ratios,
        "formats": release.formats,
        "source": release.source,
        "include_text": release.include_text,
        "annotators": release.annotators,
        "carries_names": carries_names(release),
        "licence_text": release.licence_text,
        "licence_annotations": release.licence_annotations,
        "claims_window": release.claims_window or {},
        "created_at": release.created_at,
        "created_by": release.created_by.username if release.created_by else None,
        "finished_at": release.finished_at,
        "manifest_sha256": release.manifest_sha256 or None,
    }
    if with_manifest:
        payload["manifest"] = release.manifest
    return payload


def list_payload(release):
    """A release in the list: no manifest, but its counts per split once ready."""
    return {**release_payload(release, with_manifest=False), "splits": release.split_counts}


class ReleaseMixin(ProjectScopedMixin):
    def releases(self):
        return Release.objects.filter(project=self.project).select_related("job", "created_by")

    def get_release(self, release_pk):
        """The release, once the caller may read it (one naming annotators: owners)."""
        release = self.releases().filter(pk=release_pk).first()
        if release is None:
            raise Http404
        check_may_read(self.membership, release)
        return release


class ReleaseListView(ReleaseMixin, APIView):
    """List the releases (reviewers and owners; `carries_names` marks those
    only owners may open); build a new one (owners)."""

    roles = {"GET": Role.REVIEWER, "POST": Role.OWNER}

    @extend_schema(
        operation_id="releases_list",
        responses={200: schema.ReleaseListItemSerializer(many=True), **errors(*SCOPED)},
    )
    def get(self, request, project_pk):
        # The counts per split come out of the manifest in the query: a
        # manifest lists every document, too much to load for a list.
        releases = (
            self.releases()
            .defer("manifest")
            .annotate(split_counts=KeyTransform("splits", "manifest"))
        )
        return Response([list_payload(r) for r in releases])

    @extend_schema(
        operation_id="releases_create",
        request=schema.ReleaseCreateSerializer,
        responses={202: schema.ReleaseStartedSerializer, **errors(400, *SCOPED)},
    )
    def post(self, request, project_pk):
        release, job = create_release(self.project, request.data, request.user)
        release = self.get_release(release.pk)
        return Response(
            {"job": job.pk, "release": release_payload(release)}, status=status.HTTP_202_ACCEPTED
        )


class ReleaseDetailView(ReleaseMixin, APIView):
    roles = {"GET": Role.REVIEWER}

    @extend_schema(
        operation_id="releases_retrieve",
        responses={200: schema.ReleaseSerializer, **errors(*SCOPED)},
    )
    def get(self, request, project_pk, release_pk):
        return Response(release_payload(self.get_release(release_pk)))


def _download(name, content_type, filename):
    response = FileResponse(
        default_storage.open(name, "rb"), content_type=content_type, as_attachment=True
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ReleaseFileView(ReleaseMixin, APIView):
    """One file of a ready release: ``?split=`` picks the split."""

    roles = {"GET": Role.REVIEWER}

    content_negotiation_class = IgnoreFormatParameter

    @extend_schema(
        operation_id="release_files_retrieve",
        parameters=[OpenApiParameter("split", str)],
        responses={
            (200, "*/*"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, as an attachment."
            ),
            **errors(400, *SCOPED),
        },
    )
    def get(self, request, project_pk, release_pk, format_name):
        release = self.get_release(release_pk)
        if release.status != Release.Status.READY:
            raise Invalid(f"This release is {release.status}, not ready.", field="release")
        files = list(release.files.filter(format=format_name))
        if not files:
            raise Http404(f"This release has no {format_name} files.")
        split = request.query_params.get("split")
        if split is None and len(files) == 1:
            chosen = files[0]
        else:
            chosen = next((f for f in files if f.split == split), None)
            if chosen is None:
                splits = ", ".join(f.split for f in files)
                raise Invalid(f"Choose a split: {splits}.", field="split")
        filename = f"{slugify(release.name) or release.pk}-{chosen.name.replace('/', '-')}"
        response = _download(chosen.file.name, chosen.content_type, filename)
        response["X-Content-SHA256"] = chosen.sha256
        return response


class ReleaseManifestView(ReleaseMixin, APIView):
    roles = {"GET": Role.REVIEWER}

    @extend_schema(
        operation_id="release_manifest_retrieve",
        responses={200: schema.ManifestSerializer, **errors(400, *SCOPED)},
    )
    def get(self, request, project_pk, release_pk):
        release = self.get_release(release_pk)
        if release.status != Release.Status.READY:
            raise Invalid(f"This release is {release.status}, not ready.", field="release")
        response = _download(release.manifest_file.name, "application/json", "manifest.json")
        response["X-Content-SHA256"] = release.manifest_sha256
        return response
