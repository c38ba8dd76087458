"""The codebook in the database: its hierarchy as plain data, storing an
import, and saying what keeps a concept from being deleted. The rules
themselves are `codebook_rules` (pure); merging two concepts, which
rewrites stances, is `apps.mentions.merge.merge_concepts`.

Every write that can change the hierarchy (create, edit, import, merge)
first locks the project row (`lock_codebook`), so two of them never check
against the same old tree and together make a cycle.

Re-importing updates: a row names an existing (not merged) concept by its
exact name (case and accents count, as the name's uniqueness does). That
concept takes the row's description and parent where the row gives them,
and gains the row's keywords it lacks; no keyword is removed and an empty
parent cell leaves the concept where it is. Other rows create concepts.
All or nothing: one transaction, and any bad row stores nothing.
"""

from django.db import IntegrityError, transaction
from django.db.models import Count

from apps.projects.errors import Conflict
from apps.projects.models import Project

from .codebook_io import ConceptRecord
from .codebook_rules import CodebookError, clean_keywords, cycle_of, tree_order
from .models import Concept
from .registry import _row_error, create_named
from .search import search_key

FIELDS = ("id", "name", "description", "parent", "keywords")


class CodebookConflict(Conflict):
    """The codebook changed during the import; nothing was stored."""


class _Refused(Exception):  # rolls an import back, carrying its errors
    def __init__(self, errors):
        self.errors = errors


def lock_codebook(project):
    """Inside a transaction: wait for any other hierarchy change of the project."""
    Project.objects.select_for_update().filter(pk=project.pk).first()


def hierarchy(project):
    """``({id: parent id}, {id: name})`` of the project's current concepts, one query."""
    parents, names = {}, {}
    rows = Concept.objects.filter(project=project, merged_into=None).values_list(
        "id", "parent_id", "name"
    )
    for concept_id, parent_id, name in rows:
        parents[concept_id] = parent_id
        names[concept_id] = name
    return parents, names


EXPORT_CHUNK = 500


def codebook_concepts(project, chunk=EXPORT_CHUNK):
    """The current concepts as dicts (id, name, description, parent name or
    None, keywords), parents first: what an export writes, one at a time.

    The order needs the whole tree, so one query reads the hierarchy (ids,
    parents, names: small); the rest of each concept (description, keywords)
    is read `chunk` concepts a query, in that order, so what is held at once
    is the tree and one chunk, not the whole codebook."""
    current = Concept.objects.filter(project=project, merged_into=None)
    tree = [
        {"id": pk, "parent": parent, "name": name}
        for pk, parent, name in current.values_list("id", "parent", "name").order_by("id")
    ]
    names = {c["id"]: c["name"] for c in tree}
    parents = {c["id"]: c["parent"] for c in tree}
    ordered = [c["id"] for c in tree_order(tree)]
    del tree
    for start in range(0, len(ordered), chunk):
        ids = ordered[start : start + chunk]
        rows = {
            row["id"]: row
            for row in current.filter(pk__in=ids).values("id", "description", "keywords")
        }
        for pk in ids:
            row = rows.get(pk)
            if row is None:  # merged since the tree was read
                continue
            yield {
                "id": pk,
                "name": names[pk],
                "description": row["description"],
                "parent": names.get(parents[pk]),
                "keywords": row["keywords"],
            }


def _plan(records, current):
    """Errors, and each record's parent name after the import."""
    by_name = {r.name: r for r in records}
    known = set(current) | set(by_name)
    errors = []
    for record in records:
        if record.parent and record.parent not in known:
            errors.append(
                _row_error(
                    record,
                    "parent",
                    f"there is no concept named {record.parent!r} in the file or the codebook",
                )
            )
    if errors:
        return errors
    name_of = {c["id"]: c["name"] for c in current.values()}
    final = {name: name_of.get(c["parent"]) for name, c in current.items()}
    for record in records:
        if record.parent or record.name not in final:
            final[record.name] = record.parent or None
    cycle = cycle_of(final)
    if cycle:
        # Named from the first row of the file on the loop, whatever the walk found.
        record = next(r for r in records if r.name in cycle)
        start = cycle.index(record.name)
        cycle = cycle[start:] + cycle[:start]
        # Written as paths are, each name under the one before it.
        loop = " › ".join([cycle[0], *reversed(cycle[1:]), cycle[0]])
        errors.append(_row_error(record, "parent", f"the parents would make a loop: {loop}"))
    return errors


def import_codebook(project, records: list[ConceptRecord]):
    """Store checked records. Returns ``{"created", "updated", "unchanged",
    "errors"}``; when `errors` is not empty nothing changed."""
    try:
        with transaction.atomic():
            lock_codebook(project)
            current = {
                c["name"]: c
                for c in Concept.objects.filter(project=project, merged_into=None).values(*FIELDS)
            }
            errors = _plan(records, current)
            if errors:
                return {"created": 0, "updated": 0, "unchanged": 0, "errors": errors}
            fresh = [r for r in records if r.name not in current]
            made = create_named(
                Concept,
                project,
                [
                    Concept(
                        project=project,
                        name=r.name,
                        description=r.description,
                        keywords=r.keywords,
                    )
                    for r in fresh
                ],
            )
            id_of = {name: c["id"] for name, c in current.items()}
            id_of.update((c.name, c.pk) for c in made)
            changed, placed, late, unchanged = [], [], [], 0
            for record in records:
                old = current.get(record.name)
                parent = id_of[record.parent] if record.parent else None
                if old is None:
                    if parent is not None:  # new concepts get their parents once all exist
                        placed.append(Concept(pk=id_of[record.name], parent_id=parent))
                    continue
                keys = {search_key(k) for k in old["keywords"]}
                keywords = old["keywords"] + [
                    k for k in record.keywords if search_key(k) not in keys
                ]
                try:
                    keywords = clean_keywords(keywords)
                except CodebookError as exc:
                    late.append(_row_error(record, "keywords", f"with the codebook's own, {exc}"))
                    continue
                values = {
                    "description": record.description or old["description"],
                    "parent_id": parent if parent is not None else old["parent"],
                    "keywords": keywords,
                }
                if values == {
                    "description": old["description"],
                    "parent_id": old["parent"],
                    "keywords": old["keywords"],
                }:
                    unchanged += 1
                    continue
                changed.append(Concept(pk=old["id"], name=record.name, **values))
            if late:
                raise _Refused(late)
            key_field = Concept._meta.get_field("keywords_key")
            for concept in changed:
                key_field.refresh(concept)  # bulk_update does not call pre_save
            Concept.objects.bulk_update(
                changed, ["description", "parent", "keywords", "keywords_key"], batch_size=500
            )
            Concept.objects.bulk_update(placed, ["parent"], batch_size=500)
    except _Refused as refused:
        return {"created": 0, "updated": 0, "unchanged": 0, "errors": refused.errors}
    except IntegrityError as exc:
        raise CodebookConflict(
            "The codebook changed while importing (another import or edit added the "
            "same concept); nothing was stored. Run the import again."
        ) from exc
    return {"created": len(made), "updated": len(changed), "unchanged": unchanged, "errors": []}


def delete_problem(concept):
    """Why `concept` cannot be deleted (its uses named), or None."""
    stances = concept.stances.aggregate(n=Count("id"), sets=Count("set_id", distinct=True))
    children = list(
        concept.children.filter(merged_into=None).order_by("name").values_list("name", flat=True)
    )
    merged = concept.merged_from.count()
    reasons = []
    if stances["n"]:
        reasons.append(
            f"{stances['n']} stance{'s' if stances['n'] != 1 else ''} in "
            f"{stances['sets']} set{'s' if stances['sets'] != 1 else ''} take a position on it"
        )
    if children:
        shown = ", ".join(children[:5])
        if len(children) > 5:
            shown += f" and {len(children) - 5} more"
        reasons.append(
            f"it has {len(children)} sub-concept{'s' if len(children) != 1 else ''} ({shown})"
        )
    if merged:
        reasons.append(
            f"it is the survivor of a merge ({merged} concept{'s' if merged != 1 else ''} "
            f"{'were' if merged != 1 else 'was'} merged into it)"
        )
    if not reasons:
        return None
    return (
        f"{concept.name} cannot be deleted: {'; '.join(reasons)}. "
        "Merge it into another concept, or move its sub-concepts first."
    )
