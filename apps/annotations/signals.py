"""Signals annotations sends, for apps further down the import order.

`review` may import `annotations`, not the reverse; it connects to these in
its AppConfig.ready().
"""

from django.dispatch import Signal

# Sent by sets.submit_set inside its transaction, after the document's
# submitted count went up; keyword argument: document_id.
annotator_set_submitted = Signal()
