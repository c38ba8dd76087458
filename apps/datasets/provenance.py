"""How the gold of a release was made, from review's records.

Four aggregate queries on review's Decision rows of the released adjudicated
documents, whatever their number, plus the per-item origins that review's own
``merge.provenance`` gives for each gold set (computed on sets the release
builder has already read, so no query of its own).
"""

from collections import Counter

from django.db.models import Count, Q

from apps.review import merge
from apps.review.models import Decision

SOURCES = {
    "reviewer": "a reviewer's decision on one item",
    "auto": "auto-merge of the candidates enough annotators made",
    "set": "a whole-set write (PUT), recorded as the decisions it amounts to",
    "import": "gold imported with its document, each item recorded as an add",
}
ORIGINS = ("annotators", "changed", "added")


def gold_provenance(documents, gold_sets, annotator_sets) -> dict:
    """The ``gold`` section of a manifest.

    ``documents``: a queryset of the released adjudicated documents (used as a
    subquery); ``gold_sets``: document id -> its gold set as ``{"spans",
    "stances"}`` (spans with ids, stances naming them); ``annotator_sets``:
    document id -> {annotator: submitted set in the same shape}.
    """
    decisions = Decision.objects.filter(document__in=documents.values("pk"))
    counted = Q(reversed_at__isnull=True)
    by_action = Counter()
    by_source = Counter()
    reversed_ = 0
    for action, source, kept, undone in (
        decisions.values_list("action", "source")
        .annotate(kept=Count("id", filter=counted), undone=Count("id", filter=~counted))
        .order_by()
    ):
        by_action[action] += kept
        by_source[source] += kept
        reversed_ += undone
    documents_by_source = dict(
        decisions.filter(counted)
        .values_list("source")
        .annotate(n=Count("document_id", distinct=True))
        .order_by()
    )
    with_decisions = decisions.filter(counted).aggregate(n=Count("document_id", distinct=True))["n"]
    thresholds, unrecorded = _thresholds(
        decisions.filter(counted, source="auto")
        .values_list("document_id", "min_agreement")
        .distinct()
    )
    return {
        "adjudicated_documents": len(gold_sets),
        "documents_with_decisions": with_decisions,
        "decisions": {
            "total": sum(by_action.values()),
            "by_action": {a: by_action.get(a, 0) for a in Decision.Action.values},
            "by_source": {s: by_source.get(s, 0) for s in SOURCES} | _others(by_source),
            "documents_by_source": {s: documents_by_source.get(s, 0) for s in SOURCES},
            "reversed_excluded": reversed_,
            "sources": SOURCES,
            "note": (
                "Every decision still in force on the released adjudicated documents, "
                "including those made before a document was reopened; reversed decisions "
                "are not counted (reversed_excluded says how many there were)."
            ),
        },
        "auto_merge": {
            "thresholds": thresholds,
            "documents_without_recorded_threshold": unrecorded,
            "note": (
                "min_agreement: how many annotators had to make an item for auto-merge to "
                "put it in gold, read from the auto-merge decisions in force; an auto-merge "
                "that merged nothing leaves no record and is not counted."
            ),
        },
        "items": item_origins(gold_sets, annotator_sets),
    }


def _others(counter):
    """Sources review may add later, so they are counted rather than dropped."""
    return {s: n for s, n in sorted(counter.items()) if s not in SOURCES}


def _thresholds(rows):
    """``([{"min_agreement", "documents"}], documents without a recorded one)``
    from distinct (document id, min_agreement) rows of auto-merge decisions."""
    by_threshold, unrecorded = {}, set()
    for document_id, min_agreement in rows:
        if min_agreement is None:
            unrecorded.add(document_id)
        else:
            by_threshold.setdefault(min_agreement, set()).add(document_id)
    thresholds = [
        {"min_agreement": n, "documents": len(ids)} for n, ids in sorted(by_threshold.items())
    ]
    return thresholds, len(unrecorded - set().union(*by_threshold.values()))


def item_origins(gold_sets, annotator_sets) -> dict:
    """Gold items counted by origin, as review's merge.provenance classifies them:
    made by annotators as they are, changed from what annotators made, or
    added by the reviewer."""
    out = {"spans": dict.fromkeys(ORIGINS, 0), "stances": dict.fromkeys(ORIGINS, 0)}
    for document_id, payload in gold_sets.items():
        gold = merge.gold_from_payload(payload)
        cands = merge.candidates(annotator_sets.get(document_id, {}))
        origins = merge.provenance(gold, cands)
        for layer in ("spans", "stances"):
            for entry in origins[layer].values():
                out[layer][entry["origin"]] = out[layer].get(entry["origin"], 0) + 1
    return out
