"""A new project with a starting schema, made in one transaction.

The console offers three starts: an empty schema, the news template (entity
labels for actors, stance labels), or a copy of the labels and the actor
registry of a project the creator owns. The project, its owner membership and
whatever the start adds are written together: if any part fails nothing is
left behind. It lives here, not in `projects`, because copying a registry
needs the actors app (docs/architecture.md, "The layers").
"""

from django.db import transaction

from apps.projects.errors import Invalid
from apps.projects.models import Label, Membership, Project, Role

from .models import Actor, Alias

EMPTY = "empty"
NEWS = "news"
TEMPLATES = (EMPTY, NEWS)

# kind, name, colour, shortcut, description
NEWS_LABELS = [
    ("entity", "PERSON", "#e45756", "p", "A named person."),
    ("entity", "ORG", "#4c78a8", "o", "A ministry, party, company or other organisation."),
    ("entity", "GPE", "#54a24b", "g", "A state or its government, named by country or capital."),
    ("entity", "IGO", "#b279a2", "i", "An intergovernmental organisation."),
    ("stance", "SUPPORT", "#2ca02c", "s", "The holder backs the target."),
    ("stance", "OPPOSE", "#d62728", "x", "The holder criticises or resists the target."),
    ("stance", "NEUTRAL", "#7f7f7f", "n", "The holder comments without taking a side."),
]
# Which entity label pre-annotation gives a matched actor of each kind.
NEWS_KIND_LABELS = {"person": "PERSON", "organization": "ORG", "state": "GPE", "igo": "IGO"}

NOT_YOURS = "Copy from a project you own; no such project of yours."


def source_project(user, project_id):
    """The project `user` owns with this id, else Invalid on `schema`.

    A project that does not exist and one the user is not the owner of get the
    same message, so the answer says nothing about projects of others."""
    try:
        project_id = int(project_id)
    except (TypeError, ValueError):
        raise Invalid(NOT_YOURS, field="schema") from None
    membership = (
        Membership.objects.select_related("project")
        .filter(project_id=project_id, user=user, role=Role.OWNER)
        .first()
    )
    if membership is None:
        raise Invalid(NOT_YOURS, field="schema")
    return membership.project


def create_project(user, fields, schema=None):
    """A project with `fields`, owned by `user`, started from `schema`:
    None or {"template": "empty" | "news"} or {"copy_from": project id}."""
    schema = schema or {}
    with transaction.atomic():
        source = None
        if "copy_from" in schema:
            source = source_project(user, schema["copy_from"])
        elif schema.get("template", EMPTY) not in TEMPLATES:
            raise Invalid(f"A template is one of {', '.join(TEMPLATES)}.", field="schema")
        project = Project.objects.create(created_by=user, **fields)
        Membership.objects.create(project=project, user=user, role=Role.OWNER)
        if source is not None:
            copy_schema(source, project)
        elif schema.get("template") == NEWS:
            apply_news(project)
        return project


def apply_news(project):
    Label.objects.bulk_create(
        Label(project=project, kind=kind, name=name, color=color, shortcut=key, description=text)
        for kind, name, color, key, text in NEWS_LABELS
    )
    if not project.actor_kind_labels:
        project.actor_kind_labels = dict(NEWS_KIND_LABELS)
        project.save(update_fields=["actor_kind_labels"])


def copy_schema(source, project):
    """The labels and the actor registry (aliases and merges too) of `source`,
    into `project`; a fixed number of queries whatever the registry's size."""
    Label.objects.bulk_create(
        Label(
            project=project,
            kind=label.kind,
            name=label.name,
            color=label.color,
            shortcut=label.shortcut,
            description=label.description,
        )
        for label in Label.objects.filter(project=source).order_by("pk")
    )
    # Survivors before the actors merged into them, so each copy is written
    # with its merge already in place (a merged actor may share a survivor's
    # name, which only unmerged actors must not); one insert per merge depth.
    pending = list(Actor.objects.filter(project=source).order_by("pk"))
    new_id = {}
    while pending:
        ready = [a for a in pending if a.merged_into_id is None or a.merged_into_id in new_id]
        if not ready:  # a merge cycle cannot be written; the database forbids none
            raise Invalid("The source registry's merges form a cycle.", field="schema")
        copies = Actor.objects.bulk_create(
            Actor(
                project=project,
                name=actor.name,
                kind=actor.kind,
                country=actor.country,
                wikidata_id=actor.wikidata_id,
                description=actor.description,
                merged_into_id=new_id.get(actor.merged_into_id),
                merged_at=actor.merged_at,
                merged_by_id=actor.merged_by_id,
            )
            for actor in ready
        )
        new_id.update((old.pk, new.pk) for old, new in zip(ready, copies, strict=True))
        pending = [a for a in pending if a.pk not in new_id]
    Alias.objects.bulk_create(
        Alias(actor_id=new_id[alias.actor_id], text=alias.text, case_sensitive=alias.case_sensitive)
        for alias in Alias.objects.filter(actor__project=source).order_by("pk")
    )
    if not project.actor_kind_labels and source.actor_kind_labels:
        project.actor_kind_labels = dict(source.actor_kind_labels)
        project.save(update_fields=["actor_kind_labels"])
