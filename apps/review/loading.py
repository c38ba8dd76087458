"""Submitted annotator sets, loaded in bulk as plain data for agreement and merge.

Three queries whatever the number of documents: the sets, then their spans
and stances through annotations.sets.load_contents (holders and targets
resolved in Python from the spans already read).
"""

from collections import defaultdict

from django.db.models import Q

from apps.annotations.models import AnnotationSet, Span
from apps.annotations.sets import load_contents


def submitted_sets(documents):
    """The submitted annotator sets of `documents` (a Document queryset or ids).

    Returns ``{document_id: {username: {"spans": [...], "stances": [...]}}}``
    with annotators in set-id order; spans are ``{"id", "start", "end",
    "label", "actor"}`` (id: the span's primary key) and stances ``{"holder":
    span, "target": span, "polarity", "cue": span id or None}`` with holder and
    target inline, which agreement.py and merge.py both take; and the
    suggestions each annotator rejected (``rejected_predictions``).
    """
    sets = AnnotationSet.objects.filter(
        document__in=documents,
        kind=AnnotationSet.Kind.ANNOTATOR,
        status=AnnotationSet.Status.SUBMITTED,
    )
    rows = list(
        sets.order_by("id").values_list(
            "id", "document_id", "author__username", "rejected_predictions"
        )
    )
    out = defaultdict(dict)
    by_set = {}
    for set_id, document_id, username, rejected in rows:
        payload = {"spans": [], "stances": [], "categories": [], "rejected_predictions": rejected}
        out[document_id][username] = payload
        by_set[set_id] = payload
    if not rows:
        return {}
    for set_id, (span_rows, stance_rows, categories) in load_contents(
        sets, chunk_size=10_000
    ).items():
        payload = by_set.get(set_id)
        if payload is None:
            continue  # submitted after the sets were read
        by_sid = {}
        for _, pk, sid, start, end, label, actor, _score in span_rows:
            span = {"id": pk, "start": start, "end": end, "label": label, "actor": actor}
            by_sid[sid] = span
            payload["spans"].append(span)
        payload["stances"] = [
            {
                "holder": by_sid[holder],
                "target": by_sid[target] if target else None,
                "concept": concept,
                "polarity": polarity,
                "cue": by_sid[cue]["id"] if cue else None,
            }
            for _, _, holder, target, polarity, cue, concept in stance_rows
        ]
        payload["categories"] = categories
    return dict(out)


def prediction_spans(documents, sources=None):
    """The prediction sets' spans of `documents`, in one query:
    ``{document_id: {source: [{"start", "end", "label"}]}}`` ("" for a set
    stored without a source); only those of `sources` when given."""
    rows = Span.objects.filter(set__document__in=documents, set__kind=AnnotationSet.Kind.PREDICTION)
    if sources is not None:
        rows = rows.filter(set__source__in=list(sources))
    rows = rows.order_by("set__document_id", "set_id", "start", "-end", "id").values_list(
        "set__document_id", "set__source", "start", "end", "label__name"
    )
    out = defaultdict(lambda: defaultdict(list))
    for document_id, source, start, end, label in rows.iterator(10_000):
        out[document_id][source or ""].append({"start": start, "end": end, "label": label})
    return {doc: dict(by_source) for doc, by_source in out.items()}


def reviewing_sets(documents):
    """The sets that took a stand on the suggestions of `documents`: each
    submitted annotator set and the gold set (whatever its state: gold is
    the reviewers' word), in two queries:
    ``{document_id: {set name: {"spans": [{"start", "end", "label"}],
    "rejected_predictions": [...]}}}``, a set named ``annotator:<username>``
    or ``gold``."""
    sets = AnnotationSet.objects.filter(document__in=documents).filter(
        Q(kind=AnnotationSet.Kind.ANNOTATOR, status=AnnotationSet.Status.SUBMITTED)
        | Q(kind=AnnotationSet.Kind.GOLD)
    )
    rows = sets.order_by("id").values_list(
        "id", "document_id", "kind", "author__username", "rejected_predictions"
    )
    by_set, out = {}, defaultdict(dict)
    for set_id, document_id, kind, username, rejected in rows.iterator(10_000):
        name = "gold" if kind == AnnotationSet.Kind.GOLD else f"annotator:{username}"
        payload = {"spans": [], "rejected_predictions": rejected}
        by_set[set_id] = out[document_id][name] = payload
    if not by_set:
        return {}
    spans = (
        Span.objects.filter(set__in=sets)
        .order_by("set_id", "start", "-end", "id")
        .values_list("set_id", "start", "end", "label__name")
    )
    for set_id, start, end, label in spans.iterator(10_000):
        payload = by_set.get(set_id)
        if payload is not None:  # a set that appeared since its query is left out
            payload["spans"].append({"start": start, "end": end, "label": label})
    return dict(out)
