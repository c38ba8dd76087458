"""Signals review sends, for apps above it in the import order.

`recommender` stands above `review` and may import it, not the reverse; it
connects to these in its AppConfig.ready().
"""

from django.dispatch import Signal

# Sent by gold.accept inside its transaction, once the document is
# adjudicated; keyword arguments: project_id, document_id. A receiver that
# starts work must do so on commit (transaction.on_commit).
document_adjudicated = Signal()
