"""The documents API, under projects/<project_pk>/."""

from apps.projects.ids import Router

from .views import DocumentViewSet

app_name = "documents"

router = Router()
router.register("documents", DocumentViewSet, basename="document")

urlpatterns = router.urls
