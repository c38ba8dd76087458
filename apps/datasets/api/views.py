"""The export and release endpoints. Thin: parsing here, the work in export.py and releases.py."""

from django.core.files.storage import default_storage
from django.db.models.fields.json import KeyTransform
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils.text import slugify
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.projects.models import Role
from apps.projects.permissions import ProjectScopedMixin

from ..export import export
from ..formats import FORMATS
from ..models import Release
from ..options import OptionsError, parse_export
from ..releases import create_release


class IgnoreFormatParameter(DefaultContentNegotiation):
    """``?format=`` names the export format here, not DRF's renderer: errors
    are always JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _bad(field, message):
    return ValidationError({field: [message]})


def export_request(params, view):
    """(format name, ExportOptions) from the query string, or a ValidationError."""
    try:
        format_name, options = parse_export(params)
    except OptionsError as exc:
        raise _bad(exc.field, exc.message) from None
    if options.annotators == "names" and not view.is_owner:
        raise PermissionDenied("Only a project owner may export annotators' names.")
    return format_name, options


class ExportView(ProjectScopedMixin, APIView):
    """Stream the project's annotations in one format (reviewers and owners)."""

    content_negotiation_class = IgnoreFormatParameter

    def get(self, request, project_pk):
        self.require(Role.REVIEWER, "export the project's annotations")
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
    payload = {
        "id": release.pk,
        "name": release.name,
        "status": release.status,
        "progress": release.job.progress if release.job else 0.0,
        "job": release.job_id,
        "error": release.error or None,
        "seed": release.seed,
        "ratios": release.ratios,
        "formats": release.formats,
        "source": release.source,
        "include_text": release.include_text,
        "annotators": release.annotators,
        "licence_text": release.licence_text,
        "licence_annotations": release.licence_annotations,
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
        release = self.releases().filter(pk=release_pk).first()
        if release is None:
            raise Http404
        return release


class ReleaseListView(ReleaseMixin, APIView):
    """List the releases (reviewers and owners); build a new one (owners)."""

    def get(self, request, project_pk):
        self.require(Role.REVIEWER, "see the releases")
        # The counts per split come out of the manifest in the query: a
        # manifest lists every document, too much to load for a list.
        releases = (
            self.releases()
            .defer("manifest")
            .annotate(split_counts=KeyTransform("splits", "manifest"))
        )
        return Response([list_payload(r) for r in releases])

    def post(self, request, project_pk):
        self.require(Role.OWNER, "build a release")
        try:
            release, job = create_release(self.project, request.data, request.user)
        except OptionsError as exc:
            field = exc.field or "non_field_errors"
            raise _bad(field, exc.message) from None
        release = self.get_release(release.pk)
        return Response(
            {"job": job.pk, "release": release_payload(release)}, status=status.HTTP_202_ACCEPTED
        )


class ReleaseDetailView(ReleaseMixin, APIView):
    def get(self, request, project_pk, release_pk):
        self.require(Role.REVIEWER, "see the releases")
        return Response(release_payload(self.get_release(release_pk)))


def _download(name, content_type, filename):
    response = FileResponse(
        default_storage.open(name, "rb"), content_type=content_type, as_attachment=True
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ReleaseFileView(ReleaseMixin, APIView):
    """One file of a ready release: ``?split=`` picks the split."""

    content_negotiation_class = IgnoreFormatParameter

    def get(self, request, project_pk, release_pk, format_name):
        self.require(Role.REVIEWER, "download release files")
        release = self.get_release(release_pk)
        if release.status != Release.Status.READY:
            raise _bad("release", f"This release is {release.status}, not ready.")
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
                raise _bad("split", f"Choose a split: {splits}.")
        filename = f"{slugify(release.name) or release.pk}-{chosen.name.replace('/', '-')}"
        response = _download(chosen.file.name, chosen.content_type, filename)
        response["X-Content-SHA256"] = chosen.sha256
        return response


class ReleaseManifestView(ReleaseMixin, APIView):
    def get(self, request, project_pk, release_pk):
        self.require(Role.REVIEWER, "download release files")
        release = self.get_release(release_pk)
        if release.status != Release.Status.READY:
            raise _bad("release", f"This release is {release.status}, not ready.")
        response = _download(release.manifest_file.name, "application/json", "manifest.json")
        response["X-Content-SHA256"] = release.manifest_sha256
        return response
