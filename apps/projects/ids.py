"""Ids in URLs: one path converter, `<id:…>`, for every urlconf and router.

A database id is a signed 64-bit integer. Django's `<int:…>` matches any
run of digits, and SQLite raises OverflowError on a larger number, so an id
past the range is no match here: a 404, like any id that names nothing.
"""

from django.urls import register_converter
from rest_framework.routers import SimpleRouter

from .inputs import MAX_ID


class IdConverter:
    regex = "[0-9]+"

    def to_python(self, value):
        number = int(value)
        if number > MAX_ID:
            raise ValueError(f"{value} is past the largest id")  # Django answers 404
        return number

    def to_url(self, value):
        return str(value)


def register():
    """Called once, when the projects app is ready, before any URL is read."""
    register_converter(IdConverter, "id")


class Router(SimpleRouter):
    """The API's router: routes written with path converters, so a viewset's
    `lookup_value_converter = "id"` and prefixes like
    ``projects/<id:project_pk>/labels`` hold the same rule as every urlconf."""

    def __init__(self):
        super().__init__(use_regex_path=False)
