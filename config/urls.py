from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

from apps.projects.logins import AdminSignInForm, answers_throttled

# The admin's login page behind the sign-in throttle: its form shows a
# throttled attempt, and the page answers 429 (matched before the admin's own).
admin.site.login_form = AdminSignInForm

urlpatterns = [
    path("", include("apps.front.urls")),
    path("admin/login/", answers_throttled(admin.site.login)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path(
        "api/redoc/",
        SpectacularRedocView.as_view(url_name="schema", template_name="api/redoc.html"),
        name="api-redoc",
    ),
]
