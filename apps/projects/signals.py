"""Signals projects sends, for apps further down the import order.

`annotations` may import `projects`, not the reverse; it connects to these in
its AppConfig.ready().
"""

from django.dispatch import Signal

# Sent by the membership API inside the transaction that removes a member,
# before the membership row is deleted; keyword arguments: project, user.
member_removed = Signal()
