"""Anonymous review beyond the review screens: a reviewer of an anonymous
project sees pseudonyms wherever annotator sets show, the same letter for the
same person as the review screen of that document; owners see names."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from apps.annotations.models import AnnotationSet
from apps.annotations.pseudonyms import display_names, project_names
from apps.review.report import pseudonymous_report
from tests.builders import annotate, make_project, span_at
from tests.review.helpers import ANONYMOUS_NAMES, MOSCOW, annotated_by_three, document

pytestmark = pytest.mark.django_db

NAMES = ANONYMOUS_NAMES


@pytest.fixture
def world(users):
    """Two documents: d1 annotated by yan, xia, zed (in that order); d2 by xia, zed."""
    project = make_project(users, annotators_per_document=3, anonymous_review=True, blind=False)
    return {"project": project, **annotated_by_three(project)}


def url(world, path):
    return f"/api/v1/projects/{world['project'].pk}/{path}"


def endpoints(world):
    d1, d2 = world["docs"]
    return {
        "document sets": url(world, f"documents/{d1.pk}/annotations/"),
        "document with annotations": url(world, f"documents/{d1.pk}/?include=annotations"),
        "documents with annotations": url(world, "documents/?include=annotations"),
        "assigned_to a pseudonym": url(
            world, "documents/?include=annotations&assigned_to=Annotator%202"
        ),
        "mentions": url(world, f"actors/{world['actor'].pk}/mentions/"),
        "agreement": url(world, "agreement/"),
        "agreement by a pseudonym": url(world, "agreement/?annotator=Annotator%203"),
        "review": url(world, f"documents/{d2.pk}/review/"),
    }


def review_letters(client, world, doc):
    """{set id: author} as the review screen of `doc` names them."""
    body = client.get(url(world, f"documents/{doc.pk}/review/")).json()
    return {s["id"]: s["author"] for s in body["sets"]}


def annotator_authors(sets):
    return {s["id"]: s["author"] for s in sets if s["kind"] == AnnotationSet.Kind.ANNOTATOR}


ENDPOINTS = [
    "document sets",
    "document with annotations",
    "documents with annotations",
    "assigned_to a pseudonym",
    "mentions",
    "agreement",
    "agreement by a pseudonym",
    "review",
]

# Where names are shown, a pseudonym is no annotator's name.
NAMED = [name for name in ENDPOINTS if "pseudonym" not in name]


def test_every_endpoint_is_checked(world):
    assert sorted(endpoints(world)) == sorted(ENDPOINTS)


@pytest.mark.parametrize("name", ENDPOINTS)
def test_reviewer_sees_no_username_anywhere(name, world, client_for):
    endpoint = endpoints(world)[name]
    response = client_for("rita").get(endpoint)
    assert response.status_code == 200, response.content
    body = response.content.decode()
    assert "Annotator" in body
    for username in NAMES:
        assert username not in body, (endpoint, username)


@pytest.mark.parametrize("name", NAMED)
def test_owner_sees_names(name, world, client_for):
    endpoint = endpoints(world)[name]
    body = client_for("olga").get(endpoint).content.decode()
    assert "Annotator " not in body
    assert any(username in body for username in NAMES)


@pytest.mark.parametrize("name", NAMED)
def test_a_project_without_anonymous_review_shows_names(name, world, client_for):
    world["project"].anonymous_review = False
    world["project"].save()
    endpoint = endpoints(world)[name]
    body = client_for("rita").get(endpoint).content.decode()
    assert "Annotator " not in body
    assert any(username in body for username in NAMES)


def test_document_sets_name_each_person_as_the_review_screen_does(world, client_for):
    rita = client_for("rita")
    for doc in world["docs"]:
        letters = review_letters(rita, world, doc)
        sets = rita.get(url(world, f"documents/{doc.pk}/annotations/")).json()
        assert annotator_authors(sets) == letters
    d1, d2 = world["docs"]
    # Set order, per document: on d1 yan is A; on d2 xia is A.
    by_author = {
        aset.author.username: aset.pk
        for aset in AnnotationSet.objects.filter(document=d1).select_related("author")
    }
    letters = review_letters(rita, world, d1)
    assert letters[by_author["yanannotator"]] == "Annotator A"
    assert letters[by_author["xiaannotator"]] == "Annotator B"
    assert letters[by_author["zedannotator"]] == "Annotator C"
    xia_d2 = AnnotationSet.objects.get(document=d2, author__username="xiaannotator")
    assert review_letters(rita, world, d2)[xia_d2.pk] == "Annotator A"


def test_included_annotations_name_each_person_as_the_review_screen_does(world, client_for):
    rita = client_for("rita")
    page = rita.get(url(world, "documents/?include=annotations")).json()["results"]
    assert len(page) == 2
    for item in page:
        doc = next(d for d in world["docs"] if d.pk == item["id"])
        assert annotator_authors(item["annotations"]) == review_letters(rita, world, doc)
    # assigned_to takes yan's project pseudonym and finds yan's one document.
    found = rita.get(url(world, "documents/?include=annotations&assigned_to=Annotator 2")).json()[
        "results"
    ]
    assert [d["id"] for d in found] == [world["docs"][0].pk]


def test_mentions_name_each_person_as_the_review_screen_does(world, client_for):
    rita = client_for("rita")
    mentions = rita.get(url(world, f"actors/{world['actor'].pk}/mentions/")).json()["results"]
    assert len(mentions) == 5
    letters = {}
    for doc in world["docs"]:
        letters.update(review_letters(rita, world, doc))
    for mention in mentions:
        assert mention["set"]["author"] == letters[mention["set"]["id"]]


def test_agreement_uses_project_pseudonyms_by_user_id(world, client_for):
    rita = client_for("rita")
    report = rita.get(url(world, "agreement/")).json()
    # zed, yan, xia were created in that order: Annotator 1, 2, 3.
    assert report["annotators"] == ["Annotator 1", "Annotator 2", "Annotator 3"]
    assert [(p["a"], p["b"]) for p in report["spans"]["pairs"]] == [
        ("Annotator 1", "Annotator 2"),
        ("Annotator 1", "Annotator 3"),
        ("Annotator 2", "Annotator 3"),
    ]
    # The same figures as the owner's report under names.
    named = client_for("olga").get(url(world, "agreement/")).json()
    as_names = {"zedannotator": "Annotator 1", "yanannotator": "Annotator 2"}
    as_names["xiaannotator"] = "Annotator 3"
    by_pair = {frozenset((as_names[p["a"]], as_names[p["b"]])): p for p in named["spans"]["pairs"]}
    for pair in report["spans"]["pairs"]:
        other = by_pair[frozenset((pair["a"], pair["b"]))]
        assert (pair["f1_exact"], pair["documents"]) == (other["f1_exact"], other["documents"])
    # The annotator filter takes a pseudonym, never a username (which would
    # answer with its pseudonym).
    assert rita.get(url(world, "agreement/?annotator=xiaannotator")).status_code == 400
    by_pseudonym = rita.get(url(world, "agreement/?annotator=Annotator 3")).json()
    assert by_pseudonym["filters"]["annotator"] == "Annotator 3"
    assert by_pseudonym["documents"] == 2
    assert {(p["a"], p["b"]) for p in by_pseudonym["spans"]["pairs"]} == {
        ("Annotator 1", "Annotator 3"),
        ("Annotator 2", "Annotator 3"),
    }


def test_owner_sees_names_on_the_review_screen(world, client_for):
    body = client_for("olga").get(url(world, f"documents/{world['docs'][0].pk}/review/")).json()
    assert body["annotators"] == ["yanannotator", "xiaannotator", "zedannotator"]


def test_queue_page_hides_names_from_the_reviewer_only(world, users):
    def page(username):
        client = Client()
        client.force_login(users[username])
        return client.get(f"/projects/{world['project'].pk}/review/").content.decode()

    reviewer = page("rita")
    assert "Annotator A, Annotator B, Annotator C" in reviewer
    assert not any(name in reviewer for name in NAMES)
    assert "annotators are shown as A, B, C" in reviewer
    owner = page("olga")
    assert "yanannotator, xiaannotator, zedannotator" in owner
    assert "as an owner you see their names" in owner


def test_the_annotators_own_views_are_unaffected(world):
    client = APIClient()
    client.force_authenticate(world["people"]["xia"])
    d1 = world["docs"][0]
    mine = client.post(url(world, f"documents/{d1.pk}/annotations/mine/")).json()
    assert mine["author"] == "xiaannotator"
    sets = client.get(url(world, f"documents/{d1.pk}/annotations/")).json()
    assert "xiaannotator" in {s["author"] for s in sets}


def _more_documents(world, n):
    people = world["people"]
    for i in range(n):
        doc = document(world["project"], f"more-{i}")
        for who in ("zed", "yan", "xia"):
            annotate(doc, people[who], [span_at("s1", MOSCOW, world["actor"].pk)])


@pytest.mark.parametrize(
    ("name", "ceiling"),
    [
        ("documents with annotations", 7),
        ("mentions", 6),
        ("agreement", 11),
    ],
)
def test_pseudonyms_cost_a_fixed_number_of_queries(
    name, ceiling, world, client_for, django_assert_num_queries, django_assert_max_num_queries
):
    rita = client_for("rita")
    endpoint = endpoints(world)[name]
    with django_assert_max_num_queries(ceiling) as small:
        rita.get(endpoint)
    _more_documents(world, 8)
    with django_assert_num_queries(len(small)):
        body = rita.get(endpoint).content.decode()
    assert not any(username in body for username in NAMES)


@pytest.mark.parametrize(
    ("count", "last"), [(1, "Annotator A"), (3, "Annotator C"), (27, "Annotator AA")]
)
def test_display_names(count, last):
    people = [f"user{i}" for i in range(count)]
    names = display_names(people, anonymous=True)
    assert names[people[-1]] == last
    assert len(set(names.values())) == count
    assert display_names(people, anonymous=False) == {p: p for p in people}


def test_project_names_follow_user_ids_of_everyone_with_an_annotator_set(world, users):
    names = project_names(world["project"])
    assert names == {
        "zedannotator": "Annotator 1",
        "yanannotator": "Annotator 2",
        "xiaannotator": "Annotator 3",
    }
    assert list(names) == ["zedannotator", "yanannotator", "xiaannotator"]


def test_pseudonymous_report_reorders_pairs_by_pseudonym():
    names = {"zed": "Annotator 1", "amy": "Annotator 2"}
    report = {
        "annotators": ["amy", "zed"],
        "filters": {"annotator": "amy", "label": None, "document": None},
        "spans": {"pairs": [{"a": "amy", "b": "zed", "f1_exact": 1}], "f1_exact": 1},
        "stances": {"pairs": [{"a": "amy", "b": "zed", "f1": 0.5}], "f1": 0.5},
    }
    out = pseudonymous_report(report, names)
    assert out["annotators"] == ["Annotator 1", "Annotator 2"]
    assert out["filters"]["annotator"] == "Annotator 2"
    assert out["spans"]["pairs"] == [{"a": "Annotator 1", "b": "Annotator 2", "f1_exact": 1}]
    assert out["stances"]["pairs"] == [{"a": "Annotator 1", "b": "Annotator 2", "f1": 0.5}]
    assert report["annotators"] == ["amy", "zed"]  # the input is left alone
