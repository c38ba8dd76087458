from django.urls import include, path

urlpatterns = [
    path("", include("apps.projects.api.urls")),
    path("", include("apps.actors.api.urls")),
    path("", include("apps.annotations.api.urls")),
    path("", include("apps.review.api.urls")),
    path("", include("apps.datasets.api.urls")),
]
