"""The REST API, /api/v1/: each app's API mounted once, each in its own URL namespace.

The projects app owns `projects/` itself (and `jobs/`, `auth/token/`), but for
`projects/restore/`, the datasets app's (an archive restored as a new project);
every other app's endpoints are those of one project, under projects/<project_pk>/.
"""

from django.urls import include, path

project_apis = [
    path("", include("apps.actors.api.urls")),
    path("", include("apps.documents.api.urls")),
    path("", include("apps.imports.api.urls")),
    path("", include("apps.annotations.api.urls")),
    path("", include("apps.mentions.api.urls")),
    path("", include("apps.review.api.urls")),
    path("", include("apps.datasets.api.urls")),
    path("", include("apps.recommender.api.urls")),
]

urlpatterns = [
    path("", include("apps.datasets.api.root_urls")),
    path("", include("apps.projects.api.urls")),
    path("projects/<id:project_pk>/", include(project_apis)),
]
