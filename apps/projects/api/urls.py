"""The projects app's API: sign-in tokens, projects, jobs, and a project's labels
and members. Mounted at the API root: it owns `projects/` itself."""

from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import SimpleRouter

from .views import GuidelinesPreviewView, JobViewSet, LabelViewSet, ProjectViewSet

app_name = "projects"

router = SimpleRouter()
router.register("projects", ProjectViewSet, basename="project")
router.register("jobs", JobViewSet, basename="job")
router.register(r"projects/(?P<project_pk>[0-9]+)/labels", LabelViewSet, basename="label")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="auth-token"),
    path("guidelines/preview/", GuidelinesPreviewView.as_view(), name="guidelines-preview"),
    *router.urls,
]
