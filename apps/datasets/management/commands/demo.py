"""`manage.py demo`: a ready demo project, from articles and users to gold.

It lives in the datasets app, the layer above imports and review, because it
uses both: the import of the articles (imports) and the accepted gold sets
(review) whose claims the network page draws. Its content is
apps/imports/demo_data.py. Apps above this layer add their part when it sends
`demo_created` (the recommender: apps/recommender/demo.py).
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from apps.actors.models import Actor, Alias, Concept
from apps.actors.starters import NEWS_KIND_LABELS
from apps.annotations.assignment import claim
from apps.annotations.models import AnnotationSet
from apps.annotations.sets import ProjectSchema, replace_set, submit_set
from apps.documents.models import Document
from apps.imports.demo_data import (
    ACTORS,
    ANNOTATIONS,
    ARTICLES,
    CATEGORY_GROUPS,
    CONCEPTS,
    GOLD,
    LABELS,
    REVIEWER_GOLD,
)
from apps.imports.parsers import parse_records
from apps.imports.store import import_records
from apps.projects.models import CategoryGroup, Label, Membership, Project, Role
from apps.review import gold

from ...signals import demo_created

PROJECT_NAME = "Demo: Venezuela crisis, January 2026"
PASSWORD = "accord-demo"
USERS = [
    ("olga", Role.OWNER, "owns the project: schema, members, imports"),
    ("rita", Role.REVIEWER, "reviews and adjudicates"),
    ("ana", Role.ANNOTATOR, "annotator"),
    ("ben", Role.ANNOTATOR, "annotator"),
]
GUIDELINES = """\
# Annotating actors and stances

1. Mark every **mention of an actor**: people (PERSON), organisations (ORG),
   states and their governments (GPE, including capitals used for governments:
   "Moscow", "Washington"), and intergovernmental bodies (IGO).
2. Link each mention to the **actor registry**; create the actor if it is missing.
3. Mark **events** that actors take a position on (EVENT), e.g. "the U.S. air strikes".
4. Draw a **stance** from the holder to the target: SUPPORT, OPPOSE or NEUTRAL.
   Mark the cue word ("condemned", "welcomed") when there is one.
5. Code each **claim**: a stance from the holder to a concept of the
   codebook ("Sovereignty", "UN Charter"), when the actor argues for or
   against it rather than about a mention in the text.
6. Choose the story's **FRAME** (one) and its **TOPIC**s (as many as apply).
7. Offsets are exact: include the whole name, no surrounding spaces or quotes.
"""


def find(text, surface, occurrence):
    start = -1
    for _ in range(occurrence + 1):
        start = text.find(surface, start + 1)
        if start < 0:
            raise CommandError(f"Demo data: {surface!r} not found in the text.")
    return start, start + len(surface)


def time_spent(work):
    """How long the demo's annotator took over `work`: a minute and a half to
    read the story, then about as long as a person takes per mark, so the
    dashboard's median time per document reads like a real team's."""
    marks = len(work["spans"]) * 20 + len(work.get("stances", ())) * 35
    marks += len(work.get("claims", ())) * 45 + len(work.get("categories", ())) * 5
    return datetime.timedelta(seconds=90 + marks)


def set_payload(text, work, actors, concepts):
    """The API's set payload of one set of demo_data: spans found in the text,
    stances between them, claims on concepts and categories by name."""
    spans = []
    for sid, surface, occurrence, label, actor in work["spans"]:
        start, end = find(text, surface, occurrence)
        spans.append(
            {
                "id": sid,
                "start": start,
                "end": end,
                "label": label,
                "text": surface,
                "actor": actors[actor] if actor else None,
            }
        )
    stances = [
        {"id": f"t{n}", "holder": h, "target": t, "polarity": p, "cue": c}
        for n, (h, t, p, c) in enumerate(work["stances"], 1)
    ]
    stances += [
        {"id": f"k{n}", "holder": h, "target": None, "concept": concepts[c], "polarity": p}
        for n, (h, c, p) in enumerate(work.get("claims", ()), 1)
    ]
    return {"spans": spans, "stances": stances, "categories": list(work.get("categories", ()))}


class Command(BaseCommand):
    help = "Create a ready demo project with articles, users, an actor registry and annotations."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo project and create it again."
        )

    def handle(self, reset=False, **options):
        existing = Project.objects.filter(name=PROJECT_NAME).first()
        if existing and reset:
            existing.delete()
            existing = None
        if existing is None:
            with transaction.atomic():
                project = self.create()
            self.stdout.write(self.style.SUCCESS(f"Created the demo project (id {project.pk})."))
        else:
            self.stdout.write(f"The demo project exists already (id {existing.pk}).")
        self.stdout.write(f"Sign in with any of these users; the password is {PASSWORD!r}:")
        for username, role, what in USERS:
            self.stdout.write(f"  {username:<5} {role:<9} {what}")

    def create(self):
        User = get_user_model()
        users = {}
        for username, _, _ in USERS:
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(PASSWORD)
                user.save()
            users[username] = user
        users["olga"].is_staff = users["olga"].is_superuser = True
        users["olga"].save()

        project = Project.objects.create(
            name=PROJECT_NAME,
            description="Wire stories about an invented diplomatic crisis, for trying Accord.",
            guidelines=GUIDELINES,
            annotators_per_document=2,
            blind=True,
            # Pre-annotation works out of the box: the news mapping of actor kinds.
            actor_kind_labels=NEWS_KIND_LABELS,
            created_by=users["olga"],
        )
        for username, role, _ in USERS:
            Membership.objects.create(project=project, user=users[username], role=role)
        for kind, name, color, shortcut, description in LABELS:
            Label.objects.create(
                project=project,
                kind=kind,
                name=name,
                color=color,
                shortcut=shortcut,
                description=description,
            )
        actors = {}
        for name, kind, country, wikidata, aliases in ACTORS:
            actor = Actor.objects.create(
                project=project, name=name, kind=kind, country=country, wikidata_id=wikidata
            )
            Alias.objects.bulk_create(Alias(actor=actor, text=alias) for alias in aliases)
            actors[name] = actor.pk

        concepts = {}
        for name, parent, description, keywords in CONCEPTS:
            concepts[name] = Concept.objects.create(
                project=project,
                name=name,
                parent_id=concepts[parent] if parent else None,
                description=description,
                keywords=keywords,
            ).pk
        for position, (name, multiple, description, labels) in enumerate(CATEGORY_GROUPS):
            group = CategoryGroup.objects.create(
                project=project,
                name=name,
                multiple=multiple,
                description=description,
                position=position,
            )
            for label_position, (label, key, text) in enumerate(labels):
                Label.objects.create(
                    project=project,
                    kind=Label.Kind.CATEGORY,
                    name=label,
                    group=group,
                    shortcut=key,
                    description=text,
                    position=label_position,
                )

        report = import_records(project, parse_records(ARTICLES))
        if report["errors"]:
            raise CommandError(f"Demo data is invalid: {report['errors']}")

        schema = ProjectSchema(project)
        documents = {d.external_id: d for d in Document.objects.filter(project=project)}

        def write(aset, document, work):
            """Write `work` (demo_data's shape) into the set, as the API writes one."""
            payload = set_payload(document.text, work, actors, concepts)
            clean, errors = schema.validate(document.text, payload)
            if errors:
                raise CommandError(
                    f"Demo annotations of {document.external_id} are invalid: {errors}"
                )
            replace_set(aset, aset.version, clean, schema.label_ids)

        for external_id, by_user in ANNOTATIONS.items():
            document = documents[external_id]
            document.project = project
            for username, work in by_user.items():
                aset, _ = claim(document, users[username])
                write(aset, document, work)
                if work["submit"]:
                    # Claimed that long before it is submitted now.
                    AnnotationSet.objects.filter(pk=aset.pk).update(
                        created_at=timezone.now() - time_spent(work)
                    )
                    submit_set(aset)
        # The reviewer's gold, written and accepted as adjudication does.
        for external_id, work in {**GOLD, **REVIEWER_GOLD}.items():
            document = documents[external_id]
            write(gold.gold_set_of(document, users["rita"]), document, work)
            gold.accept(document, users["rita"])
        # The apps above this one add their part (the recommender switches
        # itself on and trains).
        demo_created.send(sender=Command, project=project, owner=users["olga"])
        return project
