"""The order of a project's label schema.

A label's `position` is its place in the project's list of labels (both
kinds in one list); palettes, key lists and the schema editor show labels in
that order. Moving a label renumbers the project's labels 0..n-1 under a row
lock, so two owners reordering at once cannot leave two labels in one place.

Saving or deleting a label or a category group advances the project's
`schema_version` (`schema_changed`, connected in apps.py): what is cached per
process about a project's labels, and the ETags of its documents and sets,
key on that number. A path that writes labels without saving each one
(`bulk_create`, `QuerySet.update`) calls `schema_changed` itself, unless the
project is new in the same transaction (nothing can have cached it).
"""

from django.db import transaction
from django.db.models import F, Max

from .models import Label, Project


def schema_changed(project_id):
    """Advance the project's schema version: every cached label map and ETag
    of the project is stale from the next request on."""
    Project.objects.filter(pk=project_id).update(schema_version=F("schema_version") + 1)


def on_schema_row_saved(sender, instance, **kwargs):
    """post_save / post_delete of a Label or CategoryGroup. The project object
    the row was saved with, when it holds one, learns the new version too, so
    code that goes on with that object reads the labels it just wrote."""
    origin = kwargs.get("origin")
    model = getattr(origin, "model", type(origin))
    if model is Project:
        return  # the project itself is being deleted: nothing is left to cache
    schema_changed(instance.project_id)
    project = instance._state.fields_cache.get("project")
    if project is not None:
        project.schema_version = (
            Project.objects.filter(pk=project.pk).values_list("schema_version", flat=True).first()
            or project.schema_version
        )


ORDER = ("position", "kind", "name", "id")

# The one-character keys the workspace (static/accord/workspace.js, onKey) and
# the adjudication screen (static/accord/review.js, COMMANDS) act on before
# they look for a label's shortcut: a label given one could never be applied
# with it. The API refuses them; the schema editor is handed this map.
RESERVED_SHORTCUTS = {
    "?": "opens the keyboard help",
    "]": "selects the next span in the workspace",
    "[": "selects the previous span in the workspace",
    ".": "selects the next stance in the workspace",
    ",": "selects the previous stance in the workspace",
    "/": "starts a stance in the workspace",
    "A": "accepts all suggestions (Shift + A)",
    "G": "shows the guidelines (Shift + G)",
    "j": "moves to the next candidate in adjudication",
    "k": "moves to the previous candidate in adjudication",
    "a": "accepts a candidate into gold in adjudication",
    "r": "rejects an item in adjudication",
    "e": "edits an item in adjudication",
    "c": "sets a gold stance's cue in adjudication",
}


def reserved_message(key):
    return f'The key "{key}" is reserved: it {RESERVED_SHORTCUTS[key]}.'


def next_position(project):
    """The position after the project's last label."""
    last = Label.objects.filter(project=project).aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


def move_label(label, position):
    """Put `label` at index `position` of its project's labels (clamped to the
    end), the others keeping their order; returns the label's new position."""
    rows = Label.objects.filter(project_id=label.project_id).order_by(*ORDER)
    return move_row(rows, label, position)


def move_row(rows, item, position):
    """Put `item` at index `position` of `rows` (an ordered queryset of a
    model with a `position`, which holds it), clamped to the end, the others
    keeping their order; renumbers them 0..n-1 under a row lock. Returns the
    item's new position."""
    with transaction.atomic():
        locked = list(rows.select_for_update().only("id", "position"))
        others = [row for row in locked if row.pk != item.pk]
        position = max(0, min(position, len(others)))
        moving = next(row for row in locked if row.pk == item.pk)
        others.insert(position, moving)
        changed = []
        for index, row in enumerate(others):
            if row.position != index:
                row.position = index
                changed.append(row)
        rows.model.objects.bulk_update(changed, ["position"])
    item.position = position
    return position
