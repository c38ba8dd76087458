"""The actor registry's API, under projects/<project_pk>/."""

from django.urls import path

from apps.projects.ids import Router

from .registry_views import RegistryExportView, RegistryImportView
from .views import ActorViewSet

app_name = "actors"

router = Router()
router.register("actors", ActorViewSet, basename="actor")

urlpatterns = [
    path("actors/export/", RegistryExportView.as_view(), name="actor-registry-export"),
    path("actors/import/", RegistryImportView.as_view(), name="actor-registry-import"),
    *router.urls,
]
