"""Keeping Document.wanted when a project's k changes.

`wanted` is the project's k on every document that routing has not given
its own count (`annotators_wanted`), so changing k rewrites it on those.
The projects app may not import this one (it is the lower layer), so this
listens to the project's own save; Project.save is one transaction, so the
new k and the documents that follow it commit together.
"""

from django.db.models.signals import pre_save

from apps.projects.models import Project

from .models import Document


def follow_k(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and "annotators_per_document" not in update_fields:
        return
    k = instance.annotators_per_document
    stored = Project.objects.filter(pk=instance.pk).values_list(
        "annotators_per_document", flat=True
    )
    if stored.first() in (None, k):
        return
    Document.objects.filter(project_id=instance.pk, annotators_wanted=None).update(wanted=k)


def connect():
    pre_save.connect(follow_k, sender=Project, dispatch_uid="documents-follow-k")
