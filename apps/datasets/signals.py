"""Signals of the datasets app."""

from django.dispatch import Signal

# Sent by `manage.py demo` once the demo project is built, in its
# transaction, with `project` and its `owner`: apps in the layers above
# datasets add their part of the demo.
demo_created = Signal()
