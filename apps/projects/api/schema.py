"""Serializers used only by the OpenAPI schema: the error shape every app
answers with, and the page envelope of views that page by hand.

The views build plain dicts for speed; these only describe them.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words.")
    errors = serializers.JSONField(
        required=False,
        help_text="What is at fault, field by field (DRF's structure: an object of "
        "field names to messages), or a list of problems each naming its `field`.",
    )
    field = serializers.CharField(required=False, help_text="The field at fault.")
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="On every conflict: the current version of what was written, "
        "or null where it has none.",
    )

    class Meta:
        ref_name = "Error"


class JobStartedSerializer(serializers.Serializer):
    job = serializers.IntegerField(help_text="Follow it at /api/v1/jobs/{id}/.")

    class Meta:
        ref_name = "JobStarted"


class VersionConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    version = serializers.IntegerField(help_text="The current version: reload, then retry.")

    class Meta:
        ref_name = "VersionConflict"


ERROR_DESCRIPTIONS = {
    400: "The request is invalid; `detail` says why, `errors` where.",
    401: "Not signed in.",
    403: "Signed in, but the caller's role does not allow this.",
    404: "No such object (or page of a list), or the caller is not a member of the project.",
    409: "The request conflicts with the current state.",
    412: "`If-Match` names another version than the current one; `version` is the current one.",
    413: "The upload is larger than the import limit.",
    429: "Too many failed sign-in attempts; try again after `Retry-After` seconds.",
}


IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description="The ETag of the representation held: 304, no body, while it is current.",
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description="The set's ETag, instead of `version` in the body: 412 when the set "
    "has changed since (a body `version` is still checked, 409 when stale).",
)
NOT_MODIFIED = OpenApiResponse(
    description="Not modified: `If-None-Match` names the current ETag; no body."
)


def errors(*codes, **overrides):
    """Error responses for `extend_schema(responses=...)`: the Error component
    under each code, unless `overrides` (e.g. ``e409=VersionConflict``) says otherwise."""
    out = {}
    for code in codes:
        schema = overrides.get(f"e{code}", ErrorSerializer)
        out[code] = OpenApiResponse(schema, description=ERROR_DESCRIPTIONS[code])
    return out


# The errors any endpoint under /projects/{project_pk}/ can answer.
SCOPED = (401, 403, 404)


def page(name, item):
    """The envelope of PageNumberPagination around `item`."""
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
        },
    )


def model_viewset_errors(
    serializer,
    list_codes=SCOPED,
    write=(400, *SCOPED),
    conflict=False,
    read_only=False,
    delete=None,
):
    """extend_schema_view for a ModelViewSet: its own serializer plus the
    errors of each action (a delete may answer 409 when `conflict`, or the
    codes `delete` lists)."""
    delete = delete or ((*SCOPED, 409) if conflict else SCOPED)
    actions = {
        "list": extend_schema(responses={200: serializer(many=True), **errors(*list_codes)}),
        "retrieve": extend_schema(responses={200: serializer, **errors(*SCOPED)}),
    }
    if not read_only:
        actions.update(
            create=extend_schema(responses={201: serializer, **errors(*write)}),
            update=extend_schema(responses={200: serializer, **errors(*write)}),
            partial_update=extend_schema(responses={200: serializer, **errors(*write)}),
            destroy=extend_schema(responses={204: None, **errors(*delete)}),
        )
    return extend_schema_view(**actions)
