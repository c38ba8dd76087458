"""What became of a model's suggestions: accepted, rejected or left, per
prediction source, so a recommender can say how often annotators take what
it suggests (and count it in its next evaluation).

Three queries whatever the number of documents (loading.prediction_spans,
loading.reviewing_sets); the counting is agreement.suggestion_outcomes, pure.
"""

from . import agreement
from .loading import prediction_spans, reviewing_sets


def suggestion_outcomes_of(documents, sources=None):
    """``{source: {"accepted", "rejected", "left"}}`` over `documents` (a
    Document queryset or ids), for the prediction sets of `sources` (names;
    all when None). Each suggestion counts once per set that reviewed its
    document: every submitted annotator set, and the gold set. Accepted: the
    set has a span with the suggestion's start, end and label; rejected: the
    set's ``rejected_predictions`` name it; left: neither. A source whose
    documents no set has reviewed yet is absent."""
    predicted = prediction_spans(documents, sources)
    if not predicted:
        return {}
    return agreement.suggestion_outcomes(predicted, reviewing_sets(documents))
