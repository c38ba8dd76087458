from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(exceptions.APIException):
    """The request collides with the current state (a stale version, a frozen set)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "This conflicts with the current state of the resource."
    default_code = "conflict"


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
    """DRF's handler, plus a readable `detail` on every validation error.

    Validation errors keep DRF's field structure under `errors`, so a client
    finds the field at fault, and a person reads `detail`.
    """
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError) and not (
        isinstance(response.data, dict) and "detail" in response.data
    ):
        errors = response.data
        response.data = {"detail": _first_message(errors) or "Invalid input.", "errors": errors}
    return response
