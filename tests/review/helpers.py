"""Building documents with submitted annotator sets through the real write path
(claim, validate, replace_set, submit_set), so routing runs as in production."""

from apps.annotations.assignment import claim
from apps.annotations.sets import ProjectSchema, replace_set, submit_set
from apps.documents.models import Document
from apps.projects.models import Membership, Role

TEXT = "Moscow condemned the operation against Venezuela and welcomed Rodriguez."
#       0     6              21       30       39       48           62       71
MOSCOW = {"start": 0, "end": 6, "label": "GPE"}
VENEZUELA = {"start": 39, "end": 48, "label": "GPE"}
RODRIGUEZ = {"start": 62, "end": 71, "label": "PERSON"}
OPERATION = {"start": 21, "end": 30, "label": "ORG"}


def span(sid, where, actor=None):
    return {"id": sid, **where, "actor": actor}


def stance(sid, holder, target, polarity="OPPOSE"):
    return {"id": sid, "holder": holder, "target": target, "polarity": polarity, "cue": None}


def annotate(document, user, spans=(), stances=(), submit=True):
    """Write (and submit) the user's set on the document; returns the set."""
    document.refresh_from_db()
    aset, _ = claim(document, user)
    schema = ProjectSchema(document.project)
    clean, errors = schema.validate(document.text, {"spans": list(spans), "stances": list(stances)})
    assert not errors, errors
    replace_set(aset, aset.version, clean, schema.label_ids)
    if submit:
        aset.refresh_from_db()
        submit_set(aset)
    return aset


def add_annotators(project, make_user, *names):
    users = []
    for name in names:
        user = make_user(name)
        Membership.objects.create(project=project, user=user, role=Role.ANNOTATOR)
        users.append(user)
    return users


def document(project, external_id="d1", text=TEXT):
    return Document.objects.create(project=project, external_id=external_id, text=text)


def three_way(doc, ana, ben, cai):
    """The crafted disagreement of k = 3, N = 2 (see test_merge.three_annotators):
    Moscow by all (actors 1, 1, 2), Venezuela by ana and ben (actors tie),
    Rodriguez by cai; OPPOSE Moscow → Venezuela by ana and ben; SUPPORT
    Moscow → Rodriguez by cai."""
    a1, a2 = doc.project.actors.order_by("id")[:2]
    annotate(
        doc,
        ana,
        [span("s1", MOSCOW, a1.pk), span("s2", VENEZUELA, a1.pk)],
        [stance("t1", "s1", "s2")],
    )
    annotate(
        doc,
        ben,
        [span("s1", MOSCOW, a1.pk), span("s2", VENEZUELA, a2.pk)],
        [stance("t1", "s1", "s2")],
    )
    annotate(
        doc,
        cai,
        [span("s1", MOSCOW, a2.pk), span("s2", RODRIGUEZ)],
        [stance("t1", "s1", "s2", "SUPPORT")],
    )
