"""Review of stances on concepts and document categories: candidates with
votes, auto-merge, decisions (and their reversal), whole-set writes,
provenance, and gold that keeps them through every edit."""

from io import StringIO

import pytest
from django.core.management import call_command

from apps.annotations.models import AnnotationSet
from apps.review.models import Decision
from tests.builders import add_gold, concept_stance, span_at

from .helpers import MOSCOW, RODRIGUEZ, VENEZUELA, claims_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(users, make_user):
    return claims_project(users, make_user)


def base(project, doc):
    return f"/api/v1/projects/{project.pk}/documents/{doc.pk}/"


def claim_item(concept, polarity="SUPPORT", cue=None):
    return {"holder": MOSCOW, "concept": concept.pk, "polarity": polarity, "cue": cue}


def gold_of(rita, project, doc):
    return rita.get(base(project, doc) + "gold/").json()


def test_a_decision_on_a_span_keeps_the_gold_claims_and_categories(claims, client_for):
    project, doc, charter, _ = claims
    add_gold(
        doc,
        spans=[span_at("g1", MOSCOW), span_at("g2", VENEZUELA)],
        stances=[concept_stance("gt", "g1", charter.pk)],
        categories=["FRAME_LAW", "TOPIC_OIL"],
        adjudicate=False,
    )
    rita = client_for("rita")
    version = gold_of(rita, project, doc)["version"]
    r = rita.post(
        base(project, doc) + "decisions/",
        {"action": "reject", "span": VENEZUELA, "version": version},
        format="json",
    )
    assert r.status_code == 201, r.content
    gold = gold_of(rita, project, doc)
    assert [(s["holder"], s["concept"], s["polarity"]) for s in gold["stances"]] == [
        ("g1", charter.pk, "SUPPORT")
    ]
    assert gold["categories"] == ["FRAME_LAW", "TOPIC_OIL"]
    assert [s["id"] for s in gold["spans"]] == ["g1"]


def test_review_lists_concept_stance_and_category_candidates_with_votes(claims, client_for):
    project, doc, charter, _ = claims
    body = client_for("rita").get(base(project, doc) + "review/").json()
    cands = body["candidates"]
    assert [
        (c["holder"]["text"], c["concept"], c["polarity"], c["votes"], c["cue"] is not None)
        for c in cands["concept_stances"]
    ] == [
        ("Moscow", charter.pk, "OPPOSE", "1/3", False),
        ("Moscow", charter.pk, "SUPPORT", "2/3", True),
    ]
    assert [(c["label"], c["group"], c["votes"], c["annotators"]) for c in cands["categories"]] == [
        ("FRAME_CONFLICT", "FRAME", "1/3", ["cai"]),
        ("FRAME_LAW", "FRAME", "2/3", ["ana", "ben"]),
        ("TOPIC_MILITARY", "TOPIC", "2/3", ["ben", "cai"]),
        ("TOPIC_OIL", "TOPIC", "2/3", ["ana", "ben"]),
    ]
    assert cands["stances"] == []
    assert body["concepts"] == {str(charter.pk): "UN Charter"}
    assert [(c["label"], c["group"], c["multiple"]) for c in body["category_labels"]] == [
        ("FRAME_CONFLICT", "FRAME", False),
        ("FRAME_LAW", "FRAME", False),
        ("TOPIC_MILITARY", "TOPIC", True),
        ("TOPIC_OIL", "TOPIC", True),
    ]


def test_auto_merge_puts_claims_and_categories_in_gold_as_decisions(claims, client_for):
    project, doc, charter, _ = claims
    rita = client_for("rita")
    r = rita.post(base(project, doc) + "gold/auto-merge/", {"min_agreement": 2}, format="json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert [(c["concept"], c["polarity"]) for c in body["merged"]["concept_stances"]] == [
        (charter.pk, "SUPPORT")
    ]
    assert [c["label"] for c in body["merged"]["categories"]] == [
        "FRAME_LAW",
        "TOPIC_MILITARY",
        "TOPIC_OIL",
    ]
    assert body["category_ties"] == [] and body["skipped_concept_stances"] == []
    gold = body["gold"]
    [claim] = gold["stances"]
    assert (claim["target"], claim["concept"], claim["cue"]) == (None, charter.pk, claim["holder"])
    assert gold["categories"] == ["FRAME_LAW", "TOPIC_MILITARY", "TOPIC_OIL"]
    prov = gold["provenance"]
    assert prov["concept_stances"][claim["id"]]["annotators"] == ["ana", "ben"]
    assert prov["concept_stances"][claim["id"]]["from"][0]["annotators"] == ["cai"]
    law = prov["categories"]["FRAME_LAW"]
    assert (law["origin"], law["annotators"]) == ("annotators", ["ana", "ben"])
    assert law["from"] == [{"category": {"label": "FRAME_CONFLICT"}, "annotators": ["cai"]}]
    decided = Decision.objects.filter(item_type__in=["concept_stance", "category"])
    cai = AnnotationSet.objects.get(document=doc, author__username="cai").author_id
    rows = {d.item.get("label", d.item.get("concept")): d for d in decided}
    assert rows[charter.pk].source == "auto" and rows[charter.pk].min_agreement == 2
    assert cai in rows["TOPIC_MILITARY"].annotators and cai not in rows["FRAME_LAW"].annotators


def test_a_tied_single_choice_group_is_listed_not_merged(claims, client_for):
    project, doc, _, _ = claims
    r = client_for("rita").post(
        base(project, doc) + "gold/auto-merge/", {"min_agreement": 1}, format="json"
    )
    body = r.json()
    # FRAME_LAW has two votes and FRAME_CONFLICT one: not a tie, LAW goes in.
    assert "FRAME_LAW" in body["gold"]["categories"]
    assert "FRAME_CONFLICT" not in body["gold"]["categories"]
    assert body["category_ties"] == []


def test_category_and_concept_stance_decisions_apply_and_reverse(claims, client_for):
    project, doc, charter, sanctions = claims
    rita = client_for("rita")
    url = base(project, doc) + "decisions/"

    def decide(body):
        r = rita.post(url, body, format="json")
        assert r.status_code == 201, r.content
        return r.json()

    decide({"action": "accept", "span": MOSCOW})
    law = decide({"action": "accept", "category": {"label": "FRAME_LAW"}})
    assert law["item_type"] == "category" and law["annotators"] == ["ana", "ben"]
    # FRAME takes one: accepting CONFLICT replaces LAW.
    conflict = decide({"action": "accept", "category": {"label": "FRAME_CONFLICT"}})
    assert gold_of(rita, project, doc)["categories"] == ["FRAME_CONFLICT"]
    claim = decide({"action": "accept", "concept_stance": claim_item(charter, "OPPOSE")})
    assert claim["item_type"] == "concept_stance" and claim["annotators"] == ["cai"]
    edit = decide(
        {
            "action": "edit",
            "concept_stance": claim_item(charter, "OPPOSE"),
            "edited_to": claim_item(sanctions, "OPPOSE"),
        }
    )
    assert edit["annotators"] == ["cai"]
    gold = gold_of(rita, project, doc)
    assert [(s["concept"], s["polarity"]) for s in gold["stances"]] == [(sanctions.pk, "OPPOSE")]
    assert gold["provenance"]["concept_stances"][gold["stances"][0]["id"]]["origin"] == "added"
    rejected = decide({"action": "reject", "concept_stance": claim_item(charter, "SUPPORT")})
    assert rejected["annotators"] == ["ana", "ben"]
    for decision in (edit, conflict):
        r = rita.post(url + f"{decision['id']}/reverse/", {}, format="json")
        assert r.status_code == 200, r.content
    gold = gold_of(rita, project, doc)
    assert gold["categories"] == ["FRAME_LAW"]
    assert [(s["concept"], s["polarity"]) for s in gold["stances"]] == [(charter.pk, "OPPOSE")]


def test_decisions_on_claims_name_the_field_at_fault(claims, client_for):
    project, doc, charter, _ = claims
    rita = client_for("rita")
    url = base(project, doc) + "decisions/"
    r = rita.post(url, {"action": "accept", "concept_stance": claim_item(charter)}, format="json")
    assert r.status_code == 400
    assert "concept_stance.holder" in str(r.json()) and "accept it first" in str(r.json())
    r = rita.post(url, {"action": "add", "category": {"label": "NOPE"}}, format="json")
    assert r.status_code == 400 and "NOPE" in str(r.json())
    r = rita.post(url, {"action": "reject", "category": {"label": "FRAME_LAW"}}, format="json")
    assert r.status_code == 201  # an annotator chose it: the rejection is recorded
    r = rita.post(url, {"action": "reject", "category": {"name": "x"}}, format="json")
    assert r.status_code == 400 and "category.label" in str(r.json())
    rita.post(url, {"action": "accept", "span": MOSCOW}, format="json")
    merged_away = {**claim_item(charter), "concept": 99999}
    r = rita.post(url, {"action": "add", "concept_stance": merged_away}, format="json")
    assert r.status_code == 400 and "concept" in str(r.json())


def test_a_whole_set_put_records_claims_and_categories_as_decisions(claims, client_for):
    project, doc, charter, _ = claims
    rita = client_for("rita")
    body = {
        "version": 1,
        "spans": [span_at("g1", MOSCOW), span_at("g2", RODRIGUEZ)],
        "stances": [concept_stance("t", "g1", charter.pk)],
        "categories": ["FRAME_LAW", "TOPIC_OIL"],
    }
    r = rita.put(base(project, doc) + "gold/", body, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["categories"] == ["FRAME_LAW", "TOPIC_OIL"]
    rows = sorted(
        (d.action, d.item_type, str(d.item.get("label", d.item.get("polarity"))))
        for d in Decision.objects.filter(item_type__in=["concept_stance", "category"])
    )
    assert rows == [
        ("accept", "category", "FRAME_LAW"),
        ("accept", "category", "TOPIC_OIL"),
        ("accept", "concept_stance", "SUPPORT"),
    ]
    # A PUT that leaves categories out clears them: each a reject.
    version = r.json()["version"]
    r = rita.put(base(project, doc) + "gold/", {**body, "version": version}, format="json")
    body.pop("categories")
    r = rita.put(
        base(project, doc) + "gold/", {**body, "version": r.json()["version"]}, format="json"
    )
    assert r.json()["categories"] == []
    assert Decision.objects.filter(action="reject", item_type="category").count() == 2


def test_the_agreement_report_has_concept_stances_and_categories(claims, client_for):
    project = claims[0]
    url = f"/api/v1/projects/{project.pk}/agreement/"
    report = client_for("rita").get(url).json()
    # Moscow SUPPORT (ana, ben), OPPOSE (cai): ana–ben match, the others not.
    concept = report["concept_stances"]
    assert concept["f1"]["value"] == pytest.approx(2 / 6)
    assert [(p["a"], p["b"], p["f1"]["value"]) for p in concept["pairs"]] == [
        ("ana", "ben", 1.0),
        ("ana", "cai", 0.0),
        ("ben", "cai", 0.0),
    ]
    assert concept["polarity_kappa"]["items"] == 3
    # The target-span stance measures see no stance on a concept.
    assert report["stances"]["f1"]["reason"] == "neither annotator marked a stance"
    frame, topic = report["categories"]["FRAME"], report["categories"]["TOPIC"]
    assert (frame["multiple"], frame["documents"], frame["kappa"]["measure"]) == (
        False,
        1,
        "fleiss",
    )
    assert frame["alpha"]["distance"] == "nominal" and topic["alpha"]["distance"] == "masi"
    assert frame["alpha"]["items"] == 1
    only_frame = client_for("rita").get(url + "?label=FRAME_LAW").json()
    assert list(only_frame["categories"]) == ["FRAME"]
    polarity = client_for("rita").get(url + "?label=OPPOSE").json()
    assert polarity["concept_stances"]["f1"]["items"] == 2  # cai's, in two pairs


def test_the_agreement_command_prints_claims_and_category_groups(claims):
    project = claims[0]
    out = StringIO()
    call_command("agreement", str(project.pk), stdout=out)
    text = out.getvalue()
    assert "stances on concepts: F1" in text and "0.333" in text
    frame = next(line for line in text.splitlines() if line.startswith("FRAME"))
    assert frame.split() == ["FRAME", "one", "0.000", "nominal", "-0.500", "fleiss", "1"]
    assert "masi" in next(line for line in text.splitlines() if line.startswith("TOPIC"))
