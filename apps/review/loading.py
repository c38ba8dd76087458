"""Submitted annotator sets, loaded in bulk as plain data for agreement and merge.

Three queries whatever the number of documents: the sets, their spans, their
stances (holders and targets resolved in Python from the spans already read).
"""

from collections import defaultdict

from apps.annotations.models import AnnotationSet, Span, Stance


def submitted_sets(documents):
    """The submitted annotator sets of `documents` (a Document queryset or ids).

    Returns ``{document_id: {username: {"spans": [...], "stances": [...]}}}``
    with annotators in set-id order; spans are ``{"id", "start", "end",
    "label", "actor"}`` (id: the span's primary key) and stances ``{"holder":
    span, "target": span, "polarity", "cue": span id or None}`` with holder and
    target inline, which agreement.py and merge.py both take.
    """
    sets = AnnotationSet.objects.filter(
        document__in=documents,
        kind=AnnotationSet.Kind.ANNOTATOR,
        status=AnnotationSet.Status.SUBMITTED,
    )
    rows = list(sets.order_by("id").values_list("id", "document_id", "author__username"))
    out = defaultdict(dict)
    by_set = {}
    for set_id, document_id, username in rows:
        payload = {"spans": [], "stances": []}
        out[document_id][username] = payload
        by_set[set_id] = payload
    if not rows:
        return {}
    # Subqueries, not lists of ids: a large project has more sets than
    # SQLite takes parameters.
    spans = {}
    span_rows = (
        Span.objects.filter(set__in=sets)
        .order_by("set_id", "start", "-end", "id")
        .values_list("id", "set_id", "start", "end", "label__name", "actor_id")
    )
    for pk, set_id, start, end, label, actor in span_rows.iterator(chunk_size=10_000):
        if set_id not in by_set:
            continue  # submitted after the sets were read
        span = {"id": pk, "start": start, "end": end, "label": label, "actor": actor}
        spans[pk] = span
        by_set[set_id]["spans"].append(span)
    stance_rows = (
        Stance.objects.filter(set__in=sets)
        .order_by("set_id", "id")
        .values_list("set_id", "holder_id", "target_id", "polarity__name", "cue_id")
    )
    for set_id, holder, target, polarity, cue in stance_rows.iterator(chunk_size=10_000):
        if set_id not in by_set:
            continue
        by_set[set_id]["stances"].append(
            {"holder": spans[holder], "target": spans[target], "polarity": polarity, "cue": cue}
        )
    return dict(out)
