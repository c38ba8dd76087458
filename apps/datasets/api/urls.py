from django.urls import path

from .archive import ArchiveView
from .networks import NetworkStatementsView, NetworkView
from .views import (
    ExportView,
    ReleaseDetailView,
    ReleaseFileView,
    ReleaseListView,
    ReleaseManifestView,
)

release = "releases/<id:release_pk>/"
app_name = "datasets"

urlpatterns = [
    path("export/", ExportView.as_view(), name="export"),
    path("archive/", ArchiveView.as_view(), name="archive"),
    path("networks/", NetworkView.as_view(), name="network"),
    path("networks/statements/", NetworkStatementsView.as_view(), name="network-statements"),
    path("releases/", ReleaseListView.as_view(), name="release-list"),
    path(release, ReleaseDetailView.as_view(), name="release-detail"),
    path(f"{release}files/manifest/", ReleaseManifestView.as_view(), name="release-manifest"),
    path(f"{release}files/<str:format_name>/", ReleaseFileView.as_view(), name="release-file"),
]
