from django.urls import path

from . import views

urlpatterns = [
    path("projects/<int:project_pk>/actors/", views.registry, name="actor-registry"),
]
