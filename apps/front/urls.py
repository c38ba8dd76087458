"""Every page's URL. The API is mounted separately, under /api/v1/ (config/api_urls.py)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from apps.projects.logins import SignInForm, answers_throttled

from .views import (
    actors,
    codebook,
    datasets,
    documents,
    imports,
    jobs,
    labels,
    members,
    network,
    preannotate,
    project_settings,
    projects,
    recommender,
    review,
    workspace,
)

project = "projects/<id:project_pk>/"

urlpatterns = [
    path("", projects.home, name="home"),
    path(
        "accounts/login/",
        answers_throttled(
            auth_views.LoginView.as_view(
                redirect_authenticated_user=True, authentication_form=SignInForm
            )
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The one-time link a staff owner hands a new account (members page).
    path(
        "accounts/set-password/<uidb64>/<token>/",
        members.SetPasswordView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "accounts/set-password/done/",
        members.PasswordSetView.as_view(),
        name="password-reset-complete",
    ),
    path("projects/", projects.project_list, name="project-list-page"),
    path("projects/new/", project_settings.new_project, name="project-new-page"),
    path(project, projects.project_detail, name="project-page"),
    path(f"{project}documents/", documents.documents_page, name="documents-page"),
    path(
        f"{project}documents/<id:document_pk>/view/",
        documents.document_view_page,
        name="document-view-page",
    ),
    path(f"{project}import/", imports.import_page, name="import-page"),
    path(f"{project}preannotate/", preannotate.preannotate_page, name="preannotate-page"),
    path(f"{project}recommender/", recommender.recommender_page, name="recommender-page"),
    path(f"{project}settings/", project_settings.project_settings, name="project-settings-page"),
    path(f"{project}documents/<id:document_pk>/", workspace.workspace, name="workspace"),
    path(f"{project}next/", workspace.next_document_page, name="next-document"),
    path(f"{project}actors/", actors.registry, name="actor-registry"),
    path(f"{project}codebook/", codebook.codebook_page, name="codebook-page"),
    path(f"{project}review/", review.queue_page, name="review-queue-page"),
    path(f"{project}review/<id:document_pk>/", review.adjudicate_page, name="adjudicate-page"),
    path(f"{project}dashboard/", review.dashboard_page, name="dashboard-page"),
    path(f"{project}members/", members.members_page, name="members-page"),
    path(f"{project}datasets/", datasets.datasets_page, name="datasets-page"),
    path(f"{project}network/", network.network_page, name="network-page"),
    path(f"{project}jobs/", jobs.jobs_page, name="jobs-page"),
    path(f"{project}labels/", labels.labels_page, name="labels-page"),
]
