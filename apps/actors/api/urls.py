"""The actor registry's and the codebook's API, under projects/<project_pk>/."""

from django.urls import path

from apps.projects.ids import Router

from .codebook_views import (
    CodebookExportView,
    CodebookImportView,
    ConceptMergeView,
    ConceptViewSet,
)
from .registry_views import RegistryExportView, RegistryImportView
from .views import ActorViewSet

app_name = "actors"

router = Router()
router.register("actors", ActorViewSet, basename="actor")
router.register("concepts", ConceptViewSet, basename="concept")

urlpatterns = [
    path("actors/export/", RegistryExportView.as_view(), name="actor-registry-export"),
    path("actors/import/", RegistryImportView.as_view(), name="actor-registry-import"),
    path("concepts/export/", CodebookExportView.as_view(), name="concept-export"),
    path("concepts/import/", CodebookImportView.as_view(), name="concept-import"),
    path("concepts/<id:concept_pk>/merge/", ConceptMergeView.as_view(), name="concept-merge"),
    *router.urls,
]
