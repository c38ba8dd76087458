from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from apps.projects.csp import csp_override
from apps.projects.logins import AdminSignInForm, answers_throttled

# Swagger UI and Redoc write <style> elements at run time, and Redoc searches
# in a worker made from a blob: the API docs relax exactly these two rules.
# Their scripts are still only the app's own files (the split Swagger view
# serves its start-up script as a file, not inline).
API_DOCS_CSP = {
    **settings.SECURE_CSP,
    "style-src": ["'self'", "'unsafe-inline'"],
    "worker-src": ["'self'", "blob:"],
}

# The admin's login page behind the sign-in throttle: its form shows a
# throttled attempt, and the page answers 429 (matched before the admin's own).
admin.site.login_form = AdminSignInForm

handler404 = "apps.projects.exceptions.not_found"

urlpatterns = [
    path("", include("apps.front.urls")),
    path("admin/login/", answers_throttled(admin.site.login)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        csp_override(API_DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        csp_override(API_DOCS_CSP)(
            SpectacularRedocView.as_view(url_name="schema", template_name="api/redoc.html")
        ),
        name="api-redoc",
    ),
]
