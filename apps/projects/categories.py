"""Document categories on the owner's side: the rules for changing a
category group once annotators use it.

A group's categories are labels of kind category (Label.group). The rules
here keep every stored set valid against the schema it is read with:

- a group with labels cannot be deleted (its labels go first, and a label
  in use cannot be deleted: the labels API refuses it);
- a group that takes several categories may become single-choice only
  while no set holds two of its categories; otherwise the next save of that
  set would be refused. The refusal names a document that holds two.
"""

from django.db.models import Count

from .errors import Conflict
from .labels import move_row
from .models import CategoryGroup, Label

GROUP_ORDER = ("position", "name", "id")


def move_group(group, position):
    """Put `group` at index `position` of its project's groups, the others
    keeping their order (as labels move: labels.move_row)."""
    rows = CategoryGroup.objects.filter(project_id=group.project_id).order_by(*GROUP_ORDER)
    return move_row(rows, group, position)


def label_names(group):
    """The names of the group's labels, in the schema's order (prefetched
    `labels` are used as they are)."""
    return [label.name for label in group.labels.all()]


def refuse_delete(group):
    """Raise Conflict when the group still has labels."""
    names = label_names(group)
    if names:
        raise Conflict(
            f"The category group {group.name} has labels ({', '.join(names)}); "
            "delete them or move them to another group first."
        )


def set_holding_several(group):
    """(document id, document title or external id, label names) of one set
    that holds two or more categories of `group`, or None. Read through the
    labels' set categories (Label.set_categories): this app sits below the
    annotations app and does not import it."""
    labels = Label.objects.filter(group=group)
    row = (
        labels.filter(set_categories__isnull=False)
        .values("set_categories__set")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("set_categories__set")
        .values(
            "set_categories__set",
            "set_categories__set__document",
            "set_categories__set__document__title",
            "set_categories__set__document__external_id",
        )
        .first()
    )
    if row is None:
        return None
    names = labels.filter(set_categories__set=row["set_categories__set"]).order_by("name")
    title = row["set_categories__set__document__title"]
    return (
        row["set_categories__set__document"],
        title or row["set_categories__set__document__external_id"],
        list(names.values_list("name", flat=True)),
    )


def check_multiple_change(group: CategoryGroup, multiple: bool):
    """Raise Conflict when `group` (several categories) cannot become
    single-choice because a set holds two of its categories."""
    if multiple or not group.multiple:
        return
    found = set_holding_several(group)
    if found is None:
        return
    document_id, title, names = found
    raise Conflict(
        f"{group.name} cannot take only one category: document {document_id} ({title}) "
        f"has {' and '.join(names)} in one set. Change those sets first.",
        field="multiple",
    )
