"""Signals about annotation sets, for apps further down the import order.

`review` may import `annotations`, not the reverse, and not `imports` beside
it; it connects to these in its AppConfig.ready().
"""

from django.dispatch import Signal

# Sent by sets.submit_set inside its transaction, after the document's
# submitted count went up; keyword argument: document_id.
annotator_set_submitted = Signal()

# Sent by imports' store inside the import's transaction, after it stored
# gold sets of new documents, adjudicated; review records where they came
# from. Keyword arguments: sets, ``[(document_id, CleanSet)]``, and user_id,
# who imported them.
gold_sets_imported = Signal()

# Sent inside the transaction by writers other than sets.submit_set that add
# submitted annotator sets to documents or find their counts wrong (imports'
# store, counters.recount); review stores their scores again. Keyword
# argument: document_ids.
submitted_sets_changed = Signal()

# Sent inside the transaction by writers of prediction sets (annotations'
# delete_sets, mentions' write_predictions, imports' store) once they have
# written, replaced or deleted some: review stores the documents' model
# disagreement again. Keyword argument: document_ids.
prediction_sets_changed = Signal()
