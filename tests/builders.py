"""The one place tests build their world: users, projects, documents,
annotation sets and payloads, and signed-in clients and browser pages.

Sets go through the functions the API calls (claim, replace_set, submit_set,
review's gold functions, the importers' prediction write), so every
denormalised counter on a document moves as it does in production and a test
can only reach states production can reach. A test that needs a state
production cannot reach builds it by hand, and says why.
"""

from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.test import Client

from apps.annotations.assignment import claim
from apps.annotations.models import AnnotationSet
from apps.annotations.sets import ProjectSchema, insert_rows, replace_set, submit_set
from apps.annotations.signals import prediction_sets_changed
from apps.annotations.validation import clean_rejections
from apps.datasets.models import Release
from apps.documents.models import Document
from apps.projects.models import CategoryGroup, Job, Label, Membership, Project, Role
from apps.review import gold as review_gold

ENTITY_LABELS = {"PERSON": "p", "ORG": "o", "GPE": "g"}
STANCE_LABELS = {"SUPPORT": "s", "OPPOSE": "x", "NEUTRAL": "n"}
# The suite's people: owner, reviewer, two annotators, and an outsider who is
# no member of the project.
ROLES = {"olga": Role.OWNER, "rita": Role.REVIEWER, "ana": Role.ANNOTATOR, "ben": Role.ANNOTATOR}
USERNAMES = (*ROLES, "oscar")
PASSWORD = "pw-{}"


# --------------------------------------------------------------------------- people, projects


def make_user(username):
    return get_user_model().objects.create_user(username, password=PASSWORD.format(username))


def make_users(names=USERNAMES):
    return {name: make_user(name) for name in names}


def make_project(users, name="Venezuela crisis", **options):
    """A project with the suite's members (ROLES) and label schema."""
    project = Project.objects.create(name=name, **options)
    for username, role in ROLES.items():
        Membership.objects.create(project=project, user=users[username], role=role)
    for kind, labels in ((Label.Kind.ENTITY, ENTITY_LABELS), (Label.Kind.STANCE, STANCE_LABELS)):
        for label, key in labels.items():
            Label.objects.create(project=project, kind=kind, name=label, shortcut=key)
    return project


def add_member(project, username, role=Role.ANNOTATOR):
    """A new user, member of the project."""
    user = make_user(username)
    Membership.objects.create(project=project, user=user, role=role)
    return user


def make_document(project, external_id="d1", text="Moscow spoke.", **fields):
    return Document.objects.create(project=project, external_id=external_id, text=text, **fields)


# --------------------------------------------------------------------------- payloads

# Texts that break naive offset handling: a flag emoji and CRLF, decomposed
# Vietnamese and a ZWJ family emoji, right-to-left Arabic.
TRICKY = {
    "flag": "🇻🇪 Caracas rejected Moscow’s offer.\r\nThe U.S. said no.",
    "marks": "Quo\u0302\u0301c Hội backed 👨\u200d👩\u200d👧 Hanoi.",
    "rtl": "قالت موسكو إن واشنطن تدعم كاراكاس.",
}


def span(sid, start, end, label="GPE", actor=None):
    return {"id": sid, "start": start, "end": end, "label": label, "actor": actor}


def span_of(sid, text, piece, label, actor=None, occurrence=0):
    """The span over the `occurrence`-th `piece` of `text` (code points)."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(piece, start + 1)
    return span(sid, start, start + len(piece), label, actor)


def span_at(sid, where, actor=None):
    """The span at `where`, a ``{start, end, label}`` location."""
    return span(sid, where["start"], where["end"], where["label"], actor)


def stance(sid, holder, target, polarity="OPPOSE", cue=None):
    return {"id": sid, "holder": holder, "target": target, "polarity": polarity, "cue": cue}


def concept_stance(sid, holder, concept, polarity="SUPPORT", cue=None):
    """A stance on a concept of the codebook (`concept`: its id)."""
    return {
        "id": sid,
        "holder": holder,
        "target": None,
        "concept": concept,
        "polarity": polarity,
        "cue": cue,
    }


def make_category_group(project, name, labels, multiple=False, keys=None):
    """A category group and its category labels (`keys`: label -> shortcut)."""
    group = CategoryGroup.objects.create(project=project, name=name, multiple=multiple)
    for position, label in enumerate(labels):
        Label.objects.create(
            project=project,
            kind=Label.Kind.CATEGORY,
            name=label,
            group=group,
            shortcut=(keys or {}).get(label, ""),
            position=position,
        )
    return group


def _clean(document, spans, stances, categories=(), scores=False):
    schema = ProjectSchema(document.project)
    payload = {"spans": list(spans), "stances": list(stances), "categories": list(categories)}
    clean, errors = schema.validate(document.text, payload, scores)
    assert not errors, errors
    return clean, schema.label_ids


def tricky_payloads(actors=None):
    """(external id, text, spans, stances) for each tricky text."""
    actors = actors or {}
    t = TRICKY
    return [
        (
            "flag",
            t["flag"],
            [
                span_of("s1", t["flag"], "Caracas", "GPE", actors.get("venezuela")),
                span_of("s2", t["flag"], "Moscow", "GPE", actors.get("russia")),
                span_of("s3", t["flag"], "U.S.", "GPE"),
                span_of("s4", t["flag"], "🇻🇪", "GPE"),
            ],
            [{"id": "t1", "holder": "s1", "target": "s2", "polarity": "OPPOSE", "cue": None}],
        ),
        (
            "marks",
            t["marks"],
            [
                span_of("s1", t["marks"], "Quo\u0302\u0301c Hội", "ORG"),
                span_of("s2", t["marks"], "Hanoi", "GPE"),
            ],
            [{"id": "t1", "holder": "s1", "target": "s2", "polarity": "SUPPORT", "cue": None}],
        ),
        (
            "rtl",
            t["rtl"],
            [span_of("s1", t["rtl"], "موسكو", "GPE"), span_of("s2", t["rtl"], "كاراكاس", "GPE")],
            [{"id": "t1", "holder": "s1", "target": "s2", "polarity": "SUPPORT", "cue": None}],
        ),
    ]


# --------------------------------------------------------------------------- sets


def annotate(document, user, spans=(), stances=(), submit=True, categories=(), rejected=None):
    """The user's annotator set on the document, written (and submitted) as
    the workspace's API does: claim, replace_set, submit_set. `rejected`:
    the suggestions they rejected, ``[{"source", "start", "end", "label"}]``."""
    document.refresh_from_db()
    aset, _ = claim(document, user)
    clean, label_ids = _clean(document, spans, stances, categories)
    if rejected is not None:
        rejected, errors = clean_rejections(document.text, rejected)
        assert not errors, errors
    replace_set(aset, aset.version, clean, label_ids, rejected)
    aset.refresh_from_db()
    if submit:
        submit_set(aset)
        aset.refresh_from_db()
    document.refresh_from_db()
    return aset


def add_gold(
    document, reviewer=None, spans=(), stances=(), adjudicate=True, author=None, categories=()
):
    """The document's gold set, written as review writes it (gold_set_of,
    replace_set) and, unless `adjudicate` is false, accepted by `reviewer`
    (by default the project's first reviewer, else its owner), as accept leaves it.
    `author` is the set's author: None, as when auto-merge made it."""
    aset = review_gold.gold_set_of(document, author)
    clean, label_ids = _clean(document, spans, stances, categories)
    replace_set(aset, aset.version, clean, label_ids)
    if adjudicate:
        review_gold.accept(document, reviewer or _a_reviewer(document.project))
    aset.refresh_from_db()
    document.refresh_from_db()
    return aset


def _a_reviewer(project):
    members = Membership.objects.filter(project=project).select_related("user").order_by("id")
    reviewer = members.filter(role=Role.REVIEWER).first() or members.filter(role=Role.OWNER).first()
    return reviewer.user


def add_prediction(document, source="model", spans=(), stances=(), categories=()):
    """A prediction set, stored as the importers and pre-annotation store one:
    submitted at once, rows in bulk, the signal that its document's model
    scores follow; its spans may carry a ``score``."""
    clean, label_ids = _clean(document, spans, stances, categories, scores=True)
    aset = AnnotationSet.objects.create(
        document=document,
        kind=AnnotationSet.Kind.PREDICTION,
        source=source,
        status=AnnotationSet.Status.SUBMITTED,
    )
    insert_rows([(aset.pk, clean)], label_ids)
    prediction_sets_changed.send(sender=AnnotationSet, document_ids=[document.pk])
    return aset


def add_set(document, kind, spans=(), stances=(), author=None, source="", adjudicated=True):
    """A set of any kind, each through its own write path: an annotator's
    (submitted), gold (accepted unless `adjudicated` is false), a prediction."""
    if kind == AnnotationSet.Kind.ANNOTATOR:
        return annotate(document, author, spans, stances)
    if kind == AnnotationSet.Kind.GOLD:
        return add_gold(
            document, spans=spans, stances=stances, adjudicate=adjudicated, author=author
        )
    return add_prediction(document, source or "model", spans, stances)


def release_being_built(project, user, job=None, **fields):
    """A release and its build job as a worker has them mid-build: the job
    running (or as `job`, a dict of Job fields, says), the release pending
    (or as `fields` say). The test finishes it with releases.build_release."""
    job = Job.objects.create(
        project=project,
        kind="release",
        handler="apps.datasets.releases.build_release",
        **{"status": Job.Status.RUNNING, **(job or {})},
    )
    defaults = {"name": "nightly", "ratios": {"train": 0.8, "dev": 0.1, "test": 0.1}}
    release = Release.objects.create(
        project=project,
        formats=["jsonl"],
        created_by=user,
        job=job,
        **{**defaults, **fields},
    )
    return job, release


@contextmanager
def reopened(document, reviewer):
    """Reopen an adjudicated document for the duration, then accept it again:
    annotator sets can only be added to a document whose annotation is open."""
    review_gold.reopen(document, reviewer, "tests: more annotators")
    try:
        yield document
    finally:
        review_gold.accept(document, reviewer)
        document.refresh_from_db()


# --------------------------------------------------------------------------- clients, pages


def browser_for(users, username):
    """A Django test client with a signed-in session, as a page's browser has
    (anonymous for username None)."""
    client = Client()
    if username:
        client.force_login(users[username])
    return client


def sign_in(page, base_url, username, password=None):
    """Sign a Playwright page in through the sign-in form of the live server."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password or PASSWORD.format(username))
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")
    return page


def open_page(page, base_url, path, username):
    """A page signed in as `username`, opened at `path` and ready (its script
    sets body[data-ready])."""
    sign_in(page, base_url, username)
    page.goto(f"{base_url}{path}")
    page.wait_for_selector("body[data-ready=true]")
    return page
