"""Every page's URL. The API is mounted separately, under /api/v1/ (config/api_urls.py)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from .views import actors, datasets, project_settings, projects, review, workspace

project = "projects/<int:project_pk>/"

urlpatterns = [
    path("", projects.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("projects/", projects.project_list, name="project-list-page"),
    path("projects/new/", project_settings.new_project, name="project-new-page"),
    path(project, projects.project_detail, name="project-page"),
    path(f"{project}settings/", project_settings.project_settings, name="project-settings-page"),
    path(f"{project}documents/<int:document_pk>/", workspace.workspace, name="workspace"),
    path(f"{project}next/", workspace.next_document_page, name="next-document"),
    path(f"{project}actors/", actors.registry, name="actor-registry"),
    path(f"{project}review/", review.queue_page, name="review-queue-page"),
    path(f"{project}review/<int:document_pk>/", review.adjudicate_page, name="adjudicate-page"),
    path(f"{project}dashboard/", review.dashboard_page, name="dashboard-page"),
    path(f"{project}datasets/", datasets.datasets_page, name="datasets-page"),
]
