from rest_framework.routers import SimpleRouter

from .views import ActorViewSet

router = SimpleRouter()
router.register(r"projects/(?P<project_pk>[0-9]+)/actors", ActorViewSet, basename="actor")

urlpatterns = router.urls
