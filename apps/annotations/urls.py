from django.urls import path

from . import views

urlpatterns = [
    path(
        "projects/<int:project_pk>/documents/<int:document_pk>/",
        views.workspace,
        name="workspace",
    ),
    path("projects/<int:project_pk>/next/", views.next_document_page, name="next-document"),
]
