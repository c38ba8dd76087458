from django.urls import path

from . import views

urlpatterns = [
    path("projects/<int:project_pk>/datasets/", views.datasets_page, name="datasets-page"),
]
