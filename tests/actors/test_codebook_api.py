"""The concepts API: create, edit, hierarchy, search, delete, the setting
that lets annotators add concepts, and merges."""

import pytest

from apps.actors.models import Concept
from apps.annotations.models import AnnotationSet, Stance
from apps.mentions.merge import merge_concepts
from tests.builders import annotate, concept_stance, make_document, span_of

pytestmark = pytest.mark.django_db

TEXT = "Moscow defended sovereignty; Caracas cited the Charter."


@pytest.fixture
def codebook(project):
    law = Concept.objects.create(project=project, name="International law", keywords=["law"])
    charter = Concept.objects.create(
        project=project, name="UN Charter", parent=law, keywords=["Charter", "Carta de la ONU"]
    )
    article = Concept.objects.create(project=project, name="Article 2(4)", parent=charter)
    sovereignty = Concept.objects.create(
        project=project, name="Souveraineté", keywords=["sovereignty"]
    )
    return {"law": law, "charter": charter, "article": article, "sovereignty": sovereignty}


def names(response):
    assert response.status_code == 200, response.content
    return [c["name"] for c in response.json()["results"]]


def test_list_shows_paths_uses_and_parents(codebook, client_for, api):
    body = client_for("ana").get(api("concepts/")).json()
    by_name = {c["name"]: c for c in body["results"]}
    assert list(by_name) == ["Article 2(4)", "International law", "Souveraineté", "UN Charter"]
    article = by_name["Article 2(4)"]
    assert article["path"] == "International law › UN Charter › Article 2(4)"
    assert article["parent"] == codebook["charter"].pk
    assert article["uses"] == {"stances": 0}
    assert article["merged_into"] is None
    assert by_name["UN Charter"]["keywords"] == ["Charter", "Carta de la ONU"]


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("charter", ["UN Charter"]),  # name and keyword
        ("souverainete", ["Souveraineté"]),  # accents optional in a name
        ("SOVEREIGN", ["Souveraineté"]),  # part of a keyword, any case
        ("onu", ["UN Charter"]),
        ("article 2", ["Article 2(4)"]),
        ("nothing", []),
    ],
)
def test_search_by_name_and_keywords(q, found, codebook, client_for, api):
    assert names(client_for("ana").get(api("concepts/"), {"q": q})) == found


def test_owner_creates_a_concept_under_another(codebook, client_for, api):
    response = client_for("olga").post(
        api("concepts/"),
        {
            "name": " Use of force ",
            "description": "Article 2(4) and its exceptions.",
            "parent": codebook["law"].pk,
            "keywords": ["force", " Force ", "armed attack"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Use of force"
    assert body["keywords"] == ["force", "armed attack"]
    assert body["path"] == "International law › Use of force"
    assert body["uses"] == {"stances": 0}


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"name": "UN Charter"}, "name", "There is already a concept named 'UN Charter'."),
        ({"name": "  "}, "name", "This field may not be blank."),
        ({"name": "X", "parent": 999_999}, "parent", "There is no current concept 999999"),
        ({"name": "X", "keywords": "law"}, "keywords", "must be a list"),
        ({"name": "X", "keywords": ["ok", ""]}, "keywords", "keywords[1] must be a non-empty"),
    ],
)
def test_create_refusals_name_the_field(payload, field, message, codebook, client_for, api):
    response = client_for("olga").post(api("concepts/"), payload, format="json")
    assert response.status_code == 400
    assert message in str(response.json()["errors"][field])


def test_no_cycles_a_concept_cannot_go_under_its_own_sub_concept(codebook, client_for, api):
    law = codebook["law"]
    response = client_for("olga").patch(
        api(f"concepts/{law.pk}/"), {"parent": codebook["article"].pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["parent"] == [
        "'Article 2(4)' is under 'International law'; a concept cannot be placed under "
        "one of its own sub-concepts."
    ]
    response = client_for("olga").patch(
        api(f"concepts/{law.pk}/"), {"parent": law.pk}, format="json"
    )
    assert response.json()["errors"]["parent"] == ["A concept cannot be its own parent."]
    law.refresh_from_db()
    assert law.parent is None


def test_a_merged_concept_is_no_parent_and_is_not_edited(codebook, client_for, api, users):
    merge_concepts(codebook["article"], codebook["charter"], users["olga"])
    olga = client_for("olga")
    response = olga.post(
        api("concepts/"), {"name": "X", "parent": codebook["article"].pk}, format="json"
    )
    assert "a merged concept cannot be a parent" in response.json()["errors"]["parent"][0]
    response = olga.patch(api(f"concepts/{codebook['article'].pk}/"), {"description": "d"})
    assert response.status_code == 409
    assert "stays as the record of the merge" in response.json()["detail"]


def test_moving_a_concept_changes_the_paths_below_it(codebook, client_for, api):
    olga = client_for("olga")
    response = olga.patch(
        api(f"concepts/{codebook['charter'].pk}/"),
        {"parent": codebook["sovereignty"].pk},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["path"] == "Souveraineté › UN Charter"
    article = olga.get(api(f"concepts/{codebook['article'].pk}/")).json()
    assert article["path"] == "Souveraineté › UN Charter › Article 2(4)"
    response = olga.patch(
        api(f"concepts/{codebook['charter'].pk}/"), {"parent": None}, format="json"
    )
    assert response.json()["path"] == "UN Charter"


def stance_on(project, user, concept, polarity="SUPPORT", external_id="d1"):
    document = make_document(project, external_id, TEXT)
    spans = [span_of("s1", TEXT, "Moscow", "GPE")]
    return annotate(document, user, spans, [concept_stance("t1", "s1", concept.pk, polarity)])


def test_delete_in_use_or_with_sub_concepts_is_409_naming_the_uses(
    codebook, client_for, api, users, project
):
    olga = client_for("olga")
    stance_on(project, users["ana"], codebook["sovereignty"])
    response = olga.delete(api(f"concepts/{codebook['sovereignty'].pk}/"))
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Souveraineté cannot be deleted: 1 stance in 1 set take a position on it. "
        "Merge it into another concept, or move its sub-concepts first."
    )
    response = olga.delete(api(f"concepts/{codebook['law'].pk}/"))
    assert response.status_code == 409
    assert "it has 1 sub-concept (UN Charter)" in response.json()["detail"]
    assert Concept.objects.filter(project=project).count() == 4
    listed = {c["name"]: c["uses"] for c in olga.get(api("concepts/")).json()["results"]}
    assert listed["Souveraineté"] == {"stances": 1}

    assert olga.delete(api(f"concepts/{codebook['article'].pk}/")).status_code == 204
    assert not Concept.objects.filter(pk=codebook["article"].pk).exists()


def test_annotators_create_concepts_only_when_the_setting_is_on(project, client_for, api):
    for username in ("ana", "rita"):
        response = client_for(username).post(api("concepts/"), {"name": "Oil"}, format="json")
        assert response.status_code == 403
        assert "annotators_create_concepts" in response.json()["detail"]
    assert not Concept.objects.exists()

    response = client_for("olga").patch(
        api(""), {"annotators_create_concepts": True}, format="json"
    )
    assert response.json()["annotators_create_concepts"] is True
    response = client_for("ana").post(api("concepts/"), {"name": "Oil"}, format="json")
    assert response.status_code == 201
    # Creating is all they may do.
    concept = response.json()["id"]
    response = client_for("ana").patch(api(f"concepts/{concept}/"), {"name": "Gas"}, format="json")
    assert response.status_code == 403
    assert client_for("ana").delete(api(f"concepts/{concept}/")).status_code == 403


def test_annotators_create_concepts_defaults_off(project, client_for, api):
    assert client_for("olga").get(api("")).json()["annotators_create_concepts"] is False


# --------------------------------------------------------------------------- merge


def test_merge_moves_stances_sub_concepts_and_keeps_one_claim_per_set(
    codebook, client_for, api, users, project
):
    source, survivor = codebook["charter"], codebook["sovereignty"]
    document = make_document(project, "both", TEXT)
    spans = [span_of("s1", TEXT, "Moscow", "GPE"), span_of("s2", TEXT, "Caracas", "GPE")]
    stances = [
        concept_stance("t1", "s1", source.pk),
        concept_stance("t2", "s1", survivor.pk),  # the same claim once merged: one goes
        concept_stance("t3", "s1", source.pk, "OPPOSE"),  # another polarity: stays
        concept_stance("t4", "s2", source.pk),  # another holder: stays
    ]
    aset = annotate(document, users["ana"], spans, stances)
    other = stance_on(project, users["ben"], source, external_id="other")
    versions = {aset.pk: aset.version, other.pk: other.version}

    response = client_for("olga").post(
        api(f"concepts/{source.pk}/merge/"), {"into": survivor.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["merged"] == source.pk
    assert (body["stances_moved"], body["stances_dropped"], body["children_moved"]) == (4, 1, 1)
    assert body["survivor"]["uses"] == {"stances": 4}

    kept = Stance.objects.filter(set=aset).order_by("sid")
    assert [(s.sid, s.concept_id) for s in kept] == [
        ("t1", survivor.pk),
        ("t3", survivor.pk),
        ("t4", survivor.pk),
    ]
    assert Stance.objects.get(set=other).concept_id == survivor.pk
    for set_id, version in versions.items():
        assert AnnotationSet.objects.get(pk=set_id).version == version + 1
    source.refresh_from_db()
    assert source.merged_into == survivor
    assert source.merged_by == users["olga"]
    assert source.merged_at is not None
    assert source.parent is None
    article = client_for("olga").get(api(f"concepts/{codebook['article'].pk}/")).json()
    assert article["path"] == "Souveraineté › Article 2(4)"
    # The merged one stays, listed when asked for.
    assert "UN Charter" not in names(client_for("ana").get(api("concepts/")))
    listed = names(client_for("ana").get(api("concepts/"), {"include_merged": "true"}))
    assert "UN Charter" in listed
    # What found the merged concept finds the survivor.
    assert body["survivor"]["keywords"] == [
        "sovereignty",
        "UN Charter",
        "Charter",
        "Carta de la ONU",
    ]
    assert names(client_for("ana").get(api("concepts/"), {"q": "carta"})) == ["Souveraineté"]


def test_merging_into_a_sub_concept_puts_it_in_the_merged_ones_place(codebook, users):
    law, charter, article = codebook["law"], codebook["charter"], codebook["article"]
    merge_concepts(law, article, users["olga"])
    article.refresh_from_db()
    charter.refresh_from_db()
    assert article.parent is None
    assert charter.parent == article  # the tree is Article 2(4) › UN Charter, no loop


@pytest.mark.parametrize(
    ("into", "code", "message"),
    [
        (None, 400, "is required"),
        (999_999, 400, "There is no concept 999999"),
        ("self", 409, "cannot be merged into itself"),
        ("merged", 409, "was already merged"),
    ],
)
def test_merge_refusals(into, code, message, codebook, client_for, api, users):
    source = codebook["law"]
    if into == "self":
        into = source.pk
    elif into == "merged":
        merge_concepts(codebook["article"], codebook["sovereignty"], users["olga"])
        into = codebook["article"].pk
    response = client_for("olga").post(
        api(f"concepts/{source.pk}/merge/"), {"into": into}, format="json"
    )
    assert response.status_code == code
    assert message in str(response.json())
    source.refresh_from_db()
    assert source.merged_into is None


def test_a_merge_survivor_cannot_be_deleted(codebook, client_for, api, users):
    merge_concepts(codebook["article"], codebook["sovereignty"], users["olga"])
    response = client_for("olga").delete(api(f"concepts/{codebook['sovereignty'].pk}/"))
    assert response.status_code == 409
    assert "survivor of a merge (1 concept was merged into it)" in response.json()["detail"]
