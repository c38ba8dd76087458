"""Which annotation sets a member may see.

Reviewers and owners see every set. Annotators never see gold; in a blind
project they see only their own sets and the predictions (which exist to be
accepted or rejected by annotators).
"""

from django.db.models import Q

from apps.actors.codebook_rules import paths as concept_paths
from apps.actors.models import Actor, Concept
from apps.projects.models import Role

from .models import AnnotationSet, Span, Stance

# What a member sees (sight_of): every set; all but gold; in a blind
# project, only their own sets and the predictions.
EVERY_SET, NO_GOLD, OWN_SETS = "every set", "no gold", "own sets"
SIGHTS = (EVERY_SET, NO_GOLD, OWN_SETS)


def sight_of(membership):
    """Which of SIGHTS the member has."""
    if membership.has_role(Role.REVIEWER):
        return EVERY_SET
    return OWN_SETS if membership.project.blind else NO_GOLD


def restrict(queryset, sight, user_id):
    """The sets of ``queryset`` seen with `sight` by the user `user_id`."""
    if sight == EVERY_SET:
        return queryset
    queryset = queryset.exclude(kind=AnnotationSet.Kind.GOLD)
    if sight == OWN_SETS:
        queryset = queryset.filter(Q(kind=AnnotationSet.Kind.PREDICTION) | Q(author_id=user_id))
    return queryset


def sets_visible_to(membership, queryset):
    """The sets of ``queryset`` the member may see: the one rule, for API views
    and server-rendered pages alike."""
    return restrict(queryset, sight_of(membership), membership.user_id)


def visibility_key(membership):
    """What decides which sets, and which names, a member sees: part of the
    ETag of anything showing sets, so it differs between callers who may
    see different things."""
    project = membership.project
    return (membership.user_id, membership.role, project.blind, project.anonymous_review)


def visible_sets(view, queryset):
    """sets_visible_to() for a ProjectScopedMixin view."""
    return sets_visible_to(view.membership, queryset)


def linked_actor_names(membership, document):
    """``{actor id (str): name}`` of the actors linked from the document's sets
    that the member may see, in one query: a page hands them to its script up
    front, saving a request per actor, and never names an actor only another
    annotator's hidden set links to."""
    sets = sets_visible_to(membership, AnnotationSet.objects.filter(document=document))
    actor_ids = Span.objects.filter(set__in=sets, actor__isnull=False).values("actor_id")
    return {
        str(pk): name
        for pk, name in Actor.objects.filter(
            project_id=membership.project_id, pk__in=actor_ids
        ).values_list("id", "name")
    }


def linked_concepts(membership, document):
    """``{concept id (str): {"name", "path"}}`` of the concepts the stances
    of the document's sets the member may see are on, as linked_actor_names()
    does for actors: in two queries (the second, the codebook's names and
    parents for the paths, only when there is such a stance)."""
    sets = sets_visible_to(membership, AnnotationSet.objects.filter(document=document))
    wanted = set(
        Stance.objects.filter(set__in=sets, concept__isnull=False).values_list(
            "concept_id", flat=True
        )
    )
    if not wanted:
        return {}
    parents, names = {}, {}
    for pk, name, parent in Concept.objects.filter(project_id=membership.project_id).values_list(
        "id", "name", "parent_id"
    ):
        parents[pk], names[pk] = parent, name
    paths = concept_paths(parents, names)
    return {str(pk): {"name": names[pk], "path": paths[pk]} for pk in wanted & names.keys()}
