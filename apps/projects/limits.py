"""The ranges of a project's numeric settings, and of the request numbers
that count annotators or seed a shuffle, written once.

The model's validators take them (so the API, the admin and the settings
form, which saves through the API, refuse the same values), the settings
form shows them beside each field, auto-merge bounds `min_agreement` by the
annotators a document can have, and exports and releases bound their seed.
Pure: no Django.
"""

# annotators_per_document (k) and routing_max_annotators: a document is
# reviewed with every annotator's set side by side and every pair of them
# compared, so this is far above what annotation projects use (2 to 5)
# and still readable. Auto-merge's min_agreement counts the same people.
MIN_ANNOTATORS = 1
MAX_ANNOTATORS = 20

# routing_threshold is a disagreement score, 1 - F1: from 0 (all agree) to 1.
MIN_THRESHOLD = 0.0
MAX_THRESHOLD = 1.0

# assignment_seed and the export and release seeds: a non-negative integer
# that every database stores in a plain integer column.
MIN_SEED = 0
MAX_SEED = 2**31 - 1


def routing_ceiling_problem(annotators_per_document, routing_max_annotators, routing_enabled):
    """Why routing's ceiling cannot be used with k, or None: routing only ever
    adds annotators, so a ceiling below k would silently never route."""
    numbers = isinstance(annotators_per_document, int) and isinstance(routing_max_annotators, int)
    if routing_enabled and numbers and routing_max_annotators < annotators_per_document:
        return (
            f"must be at least annotators_per_document ({annotators_per_document}): "
            "routing only adds annotators to the k a document starts with."
        )
    return None


# The recommender's threshold is a micro F1, from 0 to 1; its retrain_after
# counts adjudicated documents (0: train only on demand).
MIN_RECOMMENDER_THRESHOLD = 0.0
MAX_RECOMMENDER_THRESHOLD = 1.0
MAX_RETRAIN_AFTER = 100_000
