"""The documents API, under projects/<project_pk>/."""

from rest_framework.routers import SimpleRouter

from .views import DocumentViewSet

app_name = "documents"

router = SimpleRouter()
router.register("documents", DocumentViewSet, basename="document")

urlpatterns = router.urls
