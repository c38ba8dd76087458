"""Where every API error becomes a response: DRF's own exceptions, and the
domain's, from the one vocabulary in `apps.projects.errors`."""

from django.http import JsonResponse
from django.views import defaults
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from .errors import AccordError


def _first_message(errors, path=""):
    """The first message in DRF's nested error structure, with its field path."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            if key == "non_field_errors":
                key = ""
            found = _first_message(value, f"{path}.{key}" if path and key else key or path)
            if found:
                return found
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            sub = path if not isinstance(value, dict | list) else f"{path}[{index}]"
            found = _first_message(value, sub)
            if found:
                return found
    elif errors:
        return f"{path}: {errors}" if path else str(errors)
    return None


def exception_handler(exc, context):
    """Render a domain error from its own payload, and a DRF one with a readable
    `detail` on every validation error.

    Validation errors keep DRF's field structure under `errors`, so a client
    finds the field at fault, and a person reads `detail`.
    """
    if isinstance(exc, AccordError):
        set_rollback()
        retry_after = getattr(exc, "retry_after", None)
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        return Response(exc.payload(), status=exc.status, headers=headers)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError) and not (
        isinstance(response.data, dict) and "detail" in response.data
    ):
        errors = response.data
        response.data = {"detail": _first_message(errors) or "Invalid input.", "errors": errors}
    return response


def not_found(request, exception):
    """A URL no route matches. Under /api/ it answers as the API does, in JSON
    (a client asking for /api/v1/projects/abc/ parses every answer); elsewhere
    it is the site's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
