"""The import endpoint, under projects/<project_pk>/."""

from django.urls import path

from .views import ImportPreviewView, ImportView

app_name = "imports"

urlpatterns = [
    path("documents/import/", ImportView.as_view(), name="document-import"),
    path("documents/import/preview/", ImportPreviewView.as_view(), name="document-import-preview"),
]
