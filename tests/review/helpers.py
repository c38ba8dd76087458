"""Review's shared text, its span locations, and the crafted disagreement of
k = 3. Sets are written by tests/builders.py, through the real write path, so
routing runs as in production."""

from tests.builders import add_member, annotate, make_document, span_at, stance

TEXT = "Moscow condemned the operation against Venezuela and welcomed Rodriguez."
#       0     6              21       30       39       48           62       71
MOSCOW = {"start": 0, "end": 6, "label": "GPE"}
VENEZUELA = {"start": 39, "end": 48, "label": "GPE"}
RODRIGUEZ = {"start": 62, "end": 71, "label": "PERSON"}
OPERATION = {"start": 21, "end": 30, "label": "ORG"}


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
