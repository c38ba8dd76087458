"""The registry in the database: reading it as plain data (for export and
for suggesters) and storing an import.

Re-importing updates: a row names an existing (not merged) actor by its
Wikidata id when it gives one that is known, else by its exact name. That
actor takes the row's kind, and its country, Wikidata id and description
where the row gives them, and gains the row's aliases it lacks (an alias it
already has takes the row's case rule); no alias is ever removed. Other
rows create actors. All or nothing: one transaction, and any bad row stores
nothing.
"""

from django.db import IntegrityError, transaction

from apps.projects.errors import Conflict

from .models import Actor, Alias
from .registry_io import ActorRecord
from .suggesters import Registry

FIELDS = ("id", "name", "kind", "country", "wikidata_id", "description")


class RegistryConflict(Conflict):
    """The registry changed during the import; nothing was stored."""


def registry_actors(project):
    """Every current (not merged) actor of the project with its aliases, as
    dicts, in two queries whatever their number."""
    actors = list(
        Actor.objects.filter(project=project, merged_into=None)
        .order_by("name", "id")
        .values(*FIELDS)
    )
    by_id = {actor["id"]: actor for actor in actors}
    for actor in actors:
        actor["aliases"] = []
    rows = (
        Alias.objects.filter(actor__project=project, actor__merged_into=None)
        .order_by("actor_id", "text")
        .values_list("actor_id", "text", "case_sensitive")
    )
    for actor_id, text, case_sensitive in rows.iterator(chunk_size=5000):
        by_id[actor_id]["aliases"].append({"text": text, "case_sensitive": case_sensitive})
    return actors


def load_registry(project):
    """The `Registry` a suggester receives."""
    return Registry(registry_actors(project), dict(project.actor_kind_labels or {}))


def _conflicts(records, current):
    """Rows whose Wikidata id and name point at two different actors."""
    by_name = {a["name"]: a for a in current}
    by_wikidata = {a["wikidata_id"]: a for a in current if a["wikidata_id"]}
    errors, targets, claimed = [], {}, {}
    for record in records:
        named = by_name.get(record.name)
        found = by_wikidata.get(record.wikidata_id) if record.wikidata_id else None
        if found and named and found["id"] != named["id"]:
            errors.append(
                _row_error(
                    record,
                    "name",
                    f"Wikidata id {record.wikidata_id} belongs to {found['name']!r}, but "
                    f"{record.name!r} is another actor; rename one of them first",
                )
            )
            continue
        target = found or named
        if target is None:
            continue
        if target["id"] in claimed:
            errors.append(
                _row_error(
                    record,
                    "name",
                    f"names the same actor {target['name']!r} as {claimed[target['id']]}",
                )
            )
            continue
        claimed[target["id"]] = record.where
        if found and record.name != found["name"] and record.name in by_name:
            errors.append(
                _row_error(record, "name", f"there is already another actor named {record.name!r}")
            )
            continue
        targets[record.where] = target
    return errors, targets


def create_named(model, project, objects):
    """bulk_create registry rows (actors, concepts) of `project`, each with
    its pk: read back by name where the backend returns none."""
    made = model.objects.bulk_create(objects)
    if made and made[0].pk is None:  # backends without RETURNING
        ids = dict(
            model.objects.filter(
                project=project, merged_into=None, name__in=[o.name for o in made]
            ).values_list("name", "id")
        )
        for row in made:
            row.pk = ids[row.name]
    return made


def _row_error(record, column, message):
    return {
        "where": record.where,
        "field": column,
        "message": f"{record.where}, {column}: {message}",
    }


def import_registry(project, records: list[ActorRecord]):
    """Store checked records. Returns ``{"created", "updated", "unchanged",
    "aliases_added", "errors"}``; when `errors` is not empty nothing changed."""
    try:
        with transaction.atomic():
            current = registry_actors(project)
            errors, targets = _conflicts(records, current)
            if errors:
                return {
                    "created": 0,
                    "updated": 0,
                    "unchanged": 0,
                    "aliases_added": 0,
                    "errors": errors,
                }
            created, updated, unchanged = [], [], 0
            new_aliases, changed_aliases = [], []
            for record in records:
                target = targets.get(record.where)
                if target is None:
                    created.append(record)
                    continue
                actor = Actor(
                    pk=target["id"], project=project, **{k: target[k] for k in FIELDS[1:]}
                )
                changed = False
                values = {"name": record.name, "kind": record.kind}
                for column in ("country", "wikidata_id", "description"):
                    if getattr(record, column):
                        values[column] = getattr(record, column)
                for column, value in values.items():
                    if getattr(actor, column) != value:
                        setattr(actor, column, value)
                        changed = True
                known = {a["text"]: a["case_sensitive"] for a in target["aliases"]}
                for text, case_sensitive in record.aliases:
                    if text not in known:
                        new_aliases.append(
                            Alias(actor_id=actor.pk, text=text, case_sensitive=case_sensitive)
                        )
                        changed = True
                    elif known[text] != case_sensitive:
                        changed_aliases.append((actor.pk, text, case_sensitive))
                        changed = True
                if changed:
                    updated.append(actor)
                else:
                    unchanged += 1
            if updated:
                name_key = Actor._meta.get_field("name_key")
                for actor in updated:
                    name_key.refresh(actor)
                Actor.objects.bulk_update(
                    updated,
                    ["name", "name_key", "kind", "country", "wikidata_id", "description"],
                    batch_size=500,
                )
            actors = create_named(
                Actor,
                project,
                [
                    Actor(
                        project=project,
                        name=r.name,
                        kind=r.kind,
                        country=r.country,
                        wikidata_id=r.wikidata_id,
                        description=r.description,
                    )
                    for r in created
                ],
            )
            for actor, record in zip(actors, created, strict=True):
                new_aliases += [
                    Alias(actor_id=actor.pk, text=text, case_sensitive=cs)
                    for text, cs in record.aliases
                ]
            Alias.objects.bulk_create(new_aliases, batch_size=1000)
            for actor_id, text, case_sensitive in changed_aliases:
                Alias.objects.filter(actor_id=actor_id, text=text).update(
                    case_sensitive=case_sensitive
                )
    except IntegrityError as exc:
        raise RegistryConflict(
            "The registry changed while importing (another import or edit added the "
            "same actor); nothing was stored. Run the import again."
        ) from exc
    return {
        "created": len(created),
        "updated": len(updated),
        "unchanged": unchanged,
        "aliases_added": len(new_aliases),
        "errors": [],
    }
