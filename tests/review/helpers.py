"""Review's shared text, its span locations, and the crafted disagreement of
k = 3. Sets are written by tests/builders.py, through the real write path, so
routing runs as in production."""

from apps.actors.models import Actor, Concept
from tests.builders import (
    add_member,
    annotate,
    concept_stance,
    make_category_group,
    make_document,
    make_project,
    span_at,
    stance,
)

TEXT = "Moscow condemned the operation against Venezuela and welcomed Rodriguez."
#       0     6              21       30       39       48           62       71
MOSCOW = {"start": 0, "end": 6, "label": "GPE"}
VENEZUELA = {"start": 39, "end": 48, "label": "GPE"}
RODRIGUEZ = {"start": 62, "end": 71, "label": "PERSON"}
OPERATION = {"start": 21, "end": 30, "label": "ORG"}


def routing_project(users):
    """k = 2, routed for one more annotator (up to 3) below agreement 0.5."""
    return make_project(
        users,
        annotators_per_document=2,
        routing_enabled=True,
        routing_threshold=0.5,
        routing_max_annotators=3,
    )


def add_annotators(project, make_user, *names):
    return [add_member(project, name) for name in names]


def document(project, external_id="d1", text=TEXT):
    return make_document(project, external_id, text)


def three_way(doc, ana, ben, cai):
    """The crafted disagreement of k = 3, N = 2 (see test_merge.three_annotators):
    Moscow by all (actors 1, 1, 2), Venezuela by ana and ben (actors tie),
    Rodriguez by cai; OPPOSE Moscow → Venezuela by ana and ben; SUPPORT
    Moscow → Rodriguez by cai."""
    a1, a2 = doc.project.actors.order_by("id")[:2]
    annotate(
        doc,
        ana,
        [span_at("s1", MOSCOW, a1.pk), span_at("s2", VENEZUELA, a1.pk)],
        [stance("t1", "s1", "s2")],
    )
    annotate(
        doc,
        ben,
        [span_at("s1", MOSCOW, a1.pk), span_at("s2", VENEZUELA, a2.pk)],
        [stance("t1", "s1", "s2")],
    )
    annotate(
        doc,
        cai,
        [span_at("s1", MOSCOW, a2.pk), span_at("s2", RODRIGUEZ)],
        [stance("t1", "s1", "s2", "SUPPORT")],
    )


# Distinctive usernames, so a search of a raw body cannot miss or misfire;
# created zed, yan, xia, so that user-id order ("Annotator 1, 2, 3") is
# neither alphabetical order nor the order the sets were made in.
ANONYMOUS_NAMES = ("zedannotator", "yanannotator", "xiaannotator")


def annotated_by_three(project):
    """ANONYMOUS_NAMES as annotators of `project` (k = 3), and the actor Russia:
    d1 annotated by yan, xia, zed (in that order), d2 by xia, zed.
    Returns {"docs": (d1, d2), "actor", "people": {"zed": user, …}}."""
    people = {name[:3]: add_member(project, name) for name in ANONYMOUS_NAMES}
    actor = Actor.objects.create(project=project, name="Russia", kind="state")
    d1, d2 = document(project, "d1"), document(project, "d2")
    for who, extra in (("yan", VENEZUELA), ("xia", RODRIGUEZ), ("zed", VENEZUELA)):
        annotate(d1, people[who], [span_at("s1", MOSCOW, actor.pk), span_at("s2", extra)])
    for who in ("xia", "zed"):
        annotate(d2, people[who], [span_at("s1", MOSCOW, actor.pk)])
    return {"docs": (d1, d2), "actor": actor, "people": people}


def k3_project(users, make_user):
    """A project with k = 3, its two actors, and ana, ben and cai's crafted
    disagreement on one document (three_way): (project, document)."""
    project = make_project(users, annotators_per_document=3)
    Actor.objects.create(project=project, name="Russia", kind="state")
    Actor.objects.create(project=project, name="Venezuela", kind="state")
    (cai,) = add_annotators(project, make_user, "cai")
    doc = document(project)
    three_way(doc, users["ana"], users["ben"], cai)
    return project, doc


def claims_project(users, make_user):
    """k = 3, a codebook of two concepts, two category groups (FRAME takes
    one, TOPIC several) and ana, ben and cai's claims on one document:
    Moscow SUPPORTs the UN Charter (ana, ben; ben's cue is Moscow), OPPOSEs
    it (cai); FRAME_LAW (ana, ben), FRAME_CONFLICT (cai); TOPIC_OIL (ana,
    ben), TOPIC_MILITARY (ben, cai). Returns (project, document, charter, sanctions)."""
    project = make_project(users, annotators_per_document=3)
    charter = Concept.objects.create(project=project, name="UN Charter")
    sanctions = Concept.objects.create(project=project, name="Sanctions")
    make_category_group(project, "FRAME", ["FRAME_LAW", "FRAME_CONFLICT"])
    make_category_group(project, "TOPIC", ["TOPIC_OIL", "TOPIC_MILITARY"], multiple=True)
    (cai,) = add_annotators(project, make_user, "cai")
    doc = document(project)
    moscow = span_at("s1", MOSCOW)
    for who, polarity, cue, categories in (
        (users["ana"], "SUPPORT", None, ["FRAME_LAW", "TOPIC_OIL"]),
        (users["ben"], "SUPPORT", "s1", ["FRAME_LAW", "TOPIC_OIL", "TOPIC_MILITARY"]),
        (cai, "OPPOSE", None, ["FRAME_CONFLICT", "TOPIC_MILITARY"]),
    ):
        claim = concept_stance("t1", "s1", charter.pk, polarity, cue)
        annotate(doc, who, [moscow, span_at("s2", VENEZUELA)], [claim], categories=categories)
    return project, doc, charter, sanctions
