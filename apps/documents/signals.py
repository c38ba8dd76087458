"""Keeping Document.wanted and Document.shuffle_seed when a project's k or
assignment seed changes.

`wanted` is the project's k on every document that routing has not given
its own count (`annotators_wanted`), so changing k rewrites it on those;
every document holds the project's seed, so changing it rewrites them all
(the random order's key follows: it is generated from the seed).
The projects app may not import this one (it is the lower layer), so this
listens to the project's own save; Project.save is one transaction, so the
new k and the documents that follow it commit together.
"""

from django.db.models.signals import pre_save

from apps.projects.models import Project

from .models import Document, shuffle_seed

FOLLOWED = {"annotators_per_document", "assignment_seed"}


def follow_project(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and not FOLLOWED & set(update_fields):
        return
    stored = Project.objects.filter(pk=instance.pk).values_list(*sorted(FOLLOWED)).first()
    if stored is None:
        return
    k, seed = stored
    if k != instance.annotators_per_document:
        Document.objects.filter(project_id=instance.pk, annotators_wanted=None).update(
            wanted=instance.annotators_per_document
        )
    if seed != instance.assignment_seed:
        Document.objects.filter(project_id=instance.pk).update(
            shuffle_seed=shuffle_seed(instance.assignment_seed)
        )


def connect():
    pre_save.connect(follow_project, sender=Project, dispatch_uid="documents-follow-project")
