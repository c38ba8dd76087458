"""Which annotation sets a member may see.

Reviewers and owners see every set. Annotators never see gold; in a blind
project they see only their own sets and the predictions (which exist to be
accepted or rejected by annotators).
"""

from django.db.models import Q

from ..models import AnnotationSet


def visible_sets(view, queryset):
    if view.can_review:
        return queryset
    queryset = queryset.exclude(kind=AnnotationSet.Kind.GOLD)
    if view.project.blind:
        queryset = queryset.filter(
            Q(kind=AnnotationSet.Kind.PREDICTION) | Q(author=view.request.user)
        )
    return queryset
