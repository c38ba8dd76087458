"""Merging two actors of the registry.

The merged actor stays as a record (`merged_into`, who and when); every span
that linked it now links the survivor, its name and aliases become the
survivor's aliases, and every set that changed gets a new version, so an
editor still holding the old links gets a conflict instead of writing them
back.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.actors.models import Actor, Alias
from apps.annotations.models import AnnotationSet, Span
from apps.annotations.sets import documents_of, refresh_sort_keys
from apps.projects.errors import Conflict


class MergeError(Conflict):
    """The two actors cannot be merged as they are."""


def merge_actors(source, survivor, user):
    """Merge `source` into `survivor`; returns the number of spans re-pointed."""
    if source.pk == survivor.pk:
        raise MergeError("An actor cannot be merged into itself.")
    if source.project_id != survivor.project_id:
        raise MergeError("Both actors must belong to the same project.")
    with transaction.atomic():
        locked = {
            a.pk: a
            for a in Actor.objects.select_for_update().filter(pk__in=[source.pk, survivor.pk])
        }
        source, survivor = locked[source.pk], locked[survivor.pk]
        for actor in (source, survivor):
            if actor.merged_into_id is not None:
                raise MergeError(
                    f"{actor.name} was already merged into actor {actor.merged_into_id}."
                )
        spans = Span.objects.filter(actor=source)
        set_ids = list(spans.values_list("set_id", flat=True).distinct())
        moved = spans.update(actor=survivor)
        now = timezone.now()
        AnnotationSet.objects.filter(pk__in=set_ids).update(
            version=F("version") + 1, updated_at=now
        )
        refresh_sort_keys(documents_of(set_ids))
        # Keep every way of naming the source as a way of naming the survivor.
        known = set(survivor.aliases.values_list("text", flat=True)) | {survivor.name}
        carried = [Alias(actor=survivor, text=source.name, case_sensitive=True)]
        carried += [
            Alias(actor=survivor, text=a.text, case_sensitive=a.case_sensitive)
            for a in source.aliases.all()
        ]
        new_aliases = []
        for alias in carried:
            if alias.text not in known:
                known.add(alias.text)
                new_aliases.append(alias)
        Alias.objects.bulk_create(new_aliases)
        source.merged_into = survivor
        source.merged_at = timezone.now()
        source.merged_by = user
        source.save(update_fields=["merged_into", "merged_at", "merged_by"])
    return moved
