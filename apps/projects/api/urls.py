"""The projects app's API: sign-in tokens, projects, jobs, and a project's labels
and members. Mounted at the API root: it owns `projects/` itself."""

from django.urls import path

from ..ids import Router
from .tokens import CurrentTokenView, ObtainTokenView, TokenDetailView, TokenListView
from .views import (
    CategoryGroupViewSet,
    GuidelinesPreviewView,
    JobRetryView,
    JobViewSet,
    LabelViewSet,
    ProjectViewSet,
)

app_name = "projects"

router = Router()
router.register("projects", ProjectViewSet, basename="project")
router.register("jobs", JobViewSet, basename="job")
router.register("projects/<id:project_pk>/labels", LabelViewSet, basename="label")
router.register(
    "projects/<id:project_pk>/category-groups", CategoryGroupViewSet, basename="category-group"
)

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="auth-token"),
    path("auth/tokens/", TokenListView.as_view(), name="token-list"),
    path("auth/tokens/current/", CurrentTokenView.as_view(), name="token-current"),
    path("auth/tokens/<id:pk>/", TokenDetailView.as_view(), name="token-detail"),
    path("guidelines/preview/", GuidelinesPreviewView.as_view(), name="guidelines-preview"),
    path("projects/<id:project_pk>/jobs/<id:pk>/retry/", JobRetryView.as_view(), name="job-retry"),
    *router.urls,
]
