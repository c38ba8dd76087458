"""The datasets app's one endpoint outside a project: restoring an archive as
a new project (it has no project yet). Mounted at the API root."""

from django.urls import path

from .archive import RestoreView

app_name = "restore"

urlpatterns = [
    path("projects/restore/", RestoreView.as_view(), name="project-restore"),
]
