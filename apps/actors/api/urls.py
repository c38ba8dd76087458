from django.urls import path
from rest_framework.routers import SimpleRouter

from .registry_views import RegistryExportView, RegistryImportView
from .views import ActorViewSet

router = SimpleRouter()
router.register(r"projects/(?P<project_pk>[0-9]+)/actors", ActorViewSet, basename="actor")

urlpatterns = [
    path(
        "projects/<int:project_pk>/actors/export/",
        RegistryExportView.as_view(),
        name="actor-registry-export",
    ),
    path(
        "projects/<int:project_pk>/actors/import/",
        RegistryImportView.as_view(),
        name="actor-registry-import",
    ),
    *router.urls,
]
