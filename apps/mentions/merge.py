"""Merging two actors of the registry, or two concepts of the codebook.

The merged actor stays as a record (`merged_into`, who and when); every span
that linked it now links the survivor, its name and aliases become the
survivor's aliases, and every set that changed gets a new version, so an
editor still holding the old links gets a conflict instead of writing them
back. A concept merge does the same for the stances on a concept, and the
merged concept's name and keywords become the survivor's keywords.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.actors.codebook import hierarchy, lock_codebook
from apps.actors.codebook_rules import doubled_claims, merged_keywords
from apps.actors.models import Actor, Alias, Concept
from apps.annotations.models import AnnotationSet, Span, Stance
from apps.annotations.sets import documents_of, refresh_sort_keys
from apps.projects.errors import Conflict


class MergeError(Conflict):
    """The two actors (or concepts) cannot be merged as they are."""


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


def merge_concepts(source, survivor, user):
    """Merge `source` into `survivor`. Every stance on `source` is then on
    `survivor`; a set left holding the same claim twice (same holder, concept
    and polarity) keeps one (`doubled_claims` says which). The sub-concepts
    of `source` move under `survivor` (when `survivor` was itself under
    `source`, it first takes the place of `source`); `source` leaves the
    tree and stays as the record of the merge. Every set that changed gets
    a new version, so an editor holding the old stances gets a conflict.
    Returns ``{"stances_moved", "stances_dropped", "children_moved"}``."""
    if source.pk == survivor.pk:
        raise MergeError("A concept cannot be merged into itself.")
    if source.project_id != survivor.project_id:
        raise MergeError("Both concepts must belong to the same project.")
    with transaction.atomic():
        lock_codebook(source.project)
        locked = {
            c.pk: c
            for c in Concept.objects.select_for_update().filter(pk__in=[source.pk, survivor.pk])
        }
        source, survivor = locked[source.pk], locked[survivor.pk]
        for concept in (source, survivor):
            if concept.merged_into_id is not None:
                raise MergeError(
                    f"{concept.name} was already merged into concept {concept.merged_into_id}."
                )
        stances = Stance.objects.filter(concept=source)
        set_ids = list(stances.values_list("set_id", flat=True).distinct())
        moved = stances.update(concept=survivor)
        rows = Stance.objects.filter(set_id__in=set_ids, concept=survivor).values_list(
            "id", "set_id", "holder_id", "concept_id", "polarity_id", "cue_id"
        )
        doomed = doubled_claims(list(rows))
        Stance.objects.filter(pk__in=doomed).delete()
        parents, _ = hierarchy(source.project)
        above = parents.get(survivor.pk)
        while above is not None and above != source.pk:
            above = parents.get(above)
        if above == source.pk:  # survivor is under source: it takes source's place
            survivor.parent_id = source.parent_id
        survivor.keywords = merged_keywords(
            survivor.name, survivor.keywords, source.name, source.keywords
        )
        survivor.save(update_fields=["parent", "keywords"])
        children = Concept.objects.filter(parent=source).exclude(pk=survivor.pk)
        children_moved = children.filter(merged_into=None).count()
        children.update(parent=survivor)
        if set_ids:
            AnnotationSet.objects.filter(pk__in=set_ids).update(
                version=F("version") + 1, updated_at=timezone.now()
            )
            refresh_sort_keys(documents_of(set_ids))
        source.parent = None
        source.merged_into = survivor
        source.merged_at = timezone.now()
        source.merged_by = user
        source.save(update_fields=["parent", "merged_into", "merged_at", "merged_by"])
    return {
        "stances_moved": moved,
        "stances_dropped": len(doomed),
        "children_moved": children_moved,
    }
