from django.urls import path

from . import views

urlpatterns = [
    path("projects/<int:project_pk>/review/", views.queue_page, name="review-queue-page"),
    path(
        "projects/<int:project_pk>/review/<int:document_pk>/",
        views.adjudicate_page,
        name="adjudicate-page",
    ),
    path("projects/<int:project_pk>/dashboard/", views.dashboard_page, name="dashboard-page"),
]
