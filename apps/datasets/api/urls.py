from django.urls import path

from .views import (
    ExportView,
    ReleaseDetailView,
    ReleaseFileView,
    ReleaseListView,
    ReleaseManifestView,
)

project = "projects/<int:project_pk>/"
release = f"{project}releases/<int:release_pk>/"
urlpatterns = [
    path(f"{project}export/", ExportView.as_view(), name="export"),
    path(f"{project}releases/", ReleaseListView.as_view(), name="release-list"),
    path(release, ReleaseDetailView.as_view(), name="release-detail"),
    path(f"{release}files/manifest/", ReleaseManifestView.as_view(), name="release-manifest"),
    path(f"{release}files/<str:format_name>/", ReleaseFileView.as_view(), name="release-file"),
]
