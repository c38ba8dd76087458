"""The review API: side-by-side review, gold, auto-merge, accept / reopen, decisions, queue."""

import pytest

from apps.actors.models import Actor
from apps.annotations.models import AnnotationSet
from apps.documents.text import tokenize
from apps.projects.limits import MAX_ANNOTATORS
from apps.review.models import AdjudicationEvent, Decision
from tests.builders import add_prediction, annotate, make_project, span_at

from .helpers import (
    MOSCOW,
    OPERATION,
    RODRIGUEZ,
    TEXT,
    VENEZUELA,
    document,
    k3_project,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def k3(users, make_user):
    return k3_project(users, make_user)


def base(project, doc):
    return f"/api/v1/projects/{project.pk}/documents/{doc.pk}/"


def keys(spans):
    return [(s["start"], s["end"], s["label"]) for s in spans]


def test_review_shows_sets_side_by_side_and_candidates_with_votes(k3, client_for):
    project, doc = k3
    body = client_for("rita").get(base(project, doc) + "review/").json()
    assert body["annotators"] == ["ana", "ben", "cai"]
    assert [s["author"] for s in body["sets"]] == ["ana", "ben", "cai"]
    assert all(s["status"] == "submitted" for s in body["sets"])
    spans = body["candidates"]["spans"]
    assert [(s["text"], s["votes"], s["annotators"]) for s in spans] == [
        ("Moscow", "3/3", ["ana", "ben", "cai"]),
        ("Venezuela", "2/3", ["ana", "ben"]),
        ("Rodriguez", "1/3", ["cai"]),
    ]
    assert spans[0]["unanimous"] and not spans[1]["unanimous"]
    assert spans[1]["tie"] and spans[1]["actor"] is None
    stances = body["candidates"]["stances"]
    assert [
        (s["holder"]["text"], s["target"]["text"], s["polarity"], s["votes"]) for s in stances
    ] == [
        ("Moscow", "Venezuela", "OPPOSE", "2/3"),
        ("Moscow", "Rodriguez", "SUPPORT", "1/3"),
    ]
    assert body["gold"] is None
    assert 0 < body["disagreement"] < 1


def test_anonymous_review_names_annotators_by_letter_in_set_order(k3, client_for):
    project, doc = k3
    project.anonymous_review = True
    project.save()
    rita = client_for("rita")
    body = rita.get(base(project, doc) + "review/").json()
    assert body["annotators"] == ["Annotator A", "Annotator B", "Annotator C"]
    assert [s["author"] for s in body["sets"]] == ["Annotator A", "Annotator B", "Annotator C"]
    assert body["candidates"]["spans"][1]["annotators"] == ["Annotator A", "Annotator B"]
    assert "ana" not in str(body) and "cai" not in str(body)
    rita.post(base(project, doc) + "gold/auto-merge/", {"min_agreement": 2}, format="json")
    gold = rita.get(base(project, doc) + "gold/").json()
    assert set(gold["provenance"]["spans"]["s1"]["annotators"]) <= {
        "Annotator A",
        "Annotator B",
        "Annotator C",
    }
    # Who made the close items is named by pseudonym too.
    made = [m for o in gold["provenance"]["spans"].values() for m in o["from"]]
    assert made and {a for m in made for a in m["annotators"]} <= {
        "Annotator A",
        "Annotator B",
        "Annotator C",
    }
    decisions = rita.get(base(project, doc) + "decisions/").json()
    assert decisions[0]["annotators"] == ["Annotator A", "Annotator B", "Annotator C"]
    # The same names on a second read.
    assert rita.get(base(project, doc) + "review/").json()["annotators"] == body["annotators"]


def test_auto_merge_k3_n2(k3, client_for):
    project, doc = k3
    rita = client_for("rita")
    russia, venezuela = Actor.objects.filter(project=project).order_by("id")
    response = rita.post(
        base(project, doc) + "gold/auto-merge/", {"min_agreement": 2}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    gold = body["gold"]
    assert gold["kind"] == "gold"
    assert [(s["text"], s["actor"]) for s in gold["spans"]] == [
        ("Moscow", russia.pk),
        ("Venezuela", None),
    ]
    assert [t["polarity"] for t in gold["stances"]] == ["OPPOSE"]
    assert [(t["start"], t["linked"]) for t in body["ties"]] == [(39, [russia.pk, venezuela.pk])]
    assert len(body["merged"]["spans"]) == 2 and len(body["merged"]["stances"]) == 1
    # Each gold item knows who made it.
    provenance = gold["provenance"]
    moscow_id = gold["spans"][0]["id"]
    # ana and ben linked Russia, as gold has it; cai linked Venezuela.
    assert provenance["spans"][moscow_id] == {
        "origin": "annotators",
        "annotators": ["ana", "ben"],
        "from": [
            {
                "span": {"start": 0, "end": 6, "label": "GPE", "actor": venezuela.pk},
                "annotators": ["cai"],
            }
        ],
    }
    # Each merged item is a decision record from auto-merge.
    assert list(Decision.objects.values_list("action", "item_type", "source")) == [
        ("accept", "span", "auto"),
        ("accept", "span", "auto"),
        ("accept", "stance", "auto"),
    ]
    # Running it again adds nothing.
    again = rita.post(base(project, doc) + "gold/auto-merge/", {"min_agreement": 2}, format="json")
    assert again.json()["merged"] == {
        "spans": [],
        "stances": [],
        "concept_stances": [],
        "categories": [],
    }
    assert Decision.objects.count() == 3


def test_auto_merge_n3_takes_only_the_unanimous_and_n1_everything(k3, client_for):
    project, doc = k3
    rita = client_for("rita")
    gold = rita.post(base(project, doc) + "gold/auto-merge/", {"min_agreement": 3}, format="json")
    assert keys(gold.json()["gold"]["spans"]) == [(0, 6, "GPE")]
    assert gold.json()["gold"]["stances"] == []
    everything = rita.post(
        base(project, doc) + "gold/auto-merge/", {"min_agreement": 1}, format="json"
    ).json()["gold"]
    assert len(everything["spans"]) == 3 and len(everything["stances"]) == 2


@pytest.mark.parametrize("value", [None, 0, "2", True, 1.5, MAX_ANNOTATORS + 1, 40_000])
def test_auto_merge_needs_a_whole_number(value, k3, client_for):
    project, doc = k3
    response = client_for("rita").post(
        base(project, doc) + "gold/auto-merge/", {"min_agreement": value}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["min_agreement"]
    assert not AnnotationSet.objects.filter(kind="gold").exists()


def test_gold_put_checks_versions_like_mine(k3, client_for):
    project, doc = k3
    rita, olga = client_for("rita"), client_for("olga")
    url = base(project, doc) + "gold/"
    # No gold set yet: reading it creates none; the first PUT, at version 1, does.
    assert rita.get(url).status_code == 404
    assert not AnnotationSet.objects.filter(document=doc, kind="gold").exists()
    body = {"version": 1, "spans": [span_at("g1", MOSCOW)], "stances": []}
    first = rita.put(url, body, format="json").json()
    assert first["version"] == 2 and first["adjudicated"] is False
    assert rita.get(url).json() == first
    stale = olga.put(url, {**body, "spans": [span_at("g1", VENEZUELA)]}, format="json")
    assert stale.status_code == 409
    assert stale.json()["version"] == 2
    assert keys(rita.get(url).json()["spans"]) == [(0, 6, "GPE")]
    assert rita.put(url, {"spans": []}, format="json").status_code == 400
    bad = rita.put(
        url, {"version": 2, "spans": [{**MOSCOW, "id": "x", "text": "Paris"}]}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "spans[0].text"


def test_gold_put_is_recorded_as_decisions(k3, client_for):
    project, doc = k3
    rita = client_for("rita")
    url = base(project, doc) + "gold/"
    russia = Actor.objects.filter(project=project).order_by("id").first()
    body = {
        "version": 1,
        # Moscow as ana and ben linked it: an accept; nobody marked the operation.
        "spans": [span_at("g1", MOSCOW, russia.pk), span_at("g2", OPERATION)],
        "stances": [],
        "rationale": "first pass",
    }
    gold = rita.put(url, body, format="json").json()
    decisions = rita.get(base(project, doc) + "decisions/").json()
    assert [(d["action"], d["item"]["start"], d["annotators"]) for d in decisions] == [
        ("accept", 0, ["ana", "ben", "cai"]),
        ("add", 21, []),
    ]
    assert decisions[0]["rationale"] == "first pass" and decisions[0]["reviewer"] == "rita"
    origins = gold["provenance"]["spans"]
    assert origins["g1"]["origin"] == "annotators" and origins["g2"]["origin"] == "added"


def test_accept_freezes_and_reopen_is_recorded(k3, client_for):
    project, doc = k3
    rita, olga = client_for("rita"), client_for("olga")
    url = base(project, doc) + "gold/"
    rita.post(url + "auto-merge/", {"min_agreement": 2}, format="json")
    accepted = rita.post(url + "accept/", {"reason": "looks right"}, format="json")
    assert accepted.status_code == 200
    gold = accepted.json()
    assert gold["adjudicated"] is True and gold["status"] == "submitted"
    doc.refresh_from_db()
    assert doc.adjudicated_at is not None

    frozen = rita.put(url, {"version": gold["version"], "spans": []}, format="json")
    assert frozen.status_code == 409 and frozen.json()["version"] == gold["version"]
    assert rita.post(url + "auto-merge/", {"min_agreement": 1}, format="json").status_code == 409
    decide = {"action": "add", "span": {**OPERATION, "actor": None}}
    assert rita.post(base(project, doc) + "decisions/", decide, format="json").status_code == 409
    assert rita.post(url + "accept/").status_code == 409
    assert len(rita.get(url).json()["spans"]) == 2

    assert olga.post(url + "reopen/", {}, format="json").status_code == 400
    reopened = olga.post(url + "reopen/", {"reason": "Venezuela is a GPE"}, format="json")
    assert reopened.status_code == 200
    assert reopened.json()["adjudicated"] is False
    assert [(h["action"], h["by"], h["reason"]) for h in reopened.json()["history"]] == [
        ("accept", "rita", "looks right"),
        ("reopen", "olga", "Venezuela is a GPE"),
    ]
    assert AdjudicationEvent.objects.filter(action="reopen", user__username="olga").exists()
    assert olga.post(url + "reopen/", {"reason": "again"}, format="json").status_code == 409
    version = reopened.json()["version"]
    assert rita.put(url, {"version": version, "spans": []}, format="json").status_code == 200


def test_decisions_accept_reject_edit_add_and_reverse(k3, client_for):
    project, doc = k3
    rita = client_for("rita")
    decisions = base(project, doc) + "decisions/"
    gold_url = base(project, doc) + "gold/"

    def post(body):
        return rita.post(decisions, body, format="json")

    russia = Actor.objects.filter(project=project).order_by("id").first()
    accepted = post(
        {"action": "accept", "span": {**MOSCOW, "actor": russia.pk}, "rationale": "clear"}
    )
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["annotators"] == ["ana", "ben", "cai"]
    assert accepted.json()["version"] == 2
    assert post({"action": "accept", "span": {**VENEZUELA, "actor": None}}).status_code == 201
    stance_body = {"holder": MOSCOW, "target": VENEZUELA, "polarity": "OPPOSE"}
    assert post({"action": "accept", "stance": stance_body}).status_code == 201
    # A stance whose target is not in gold is refused, with the field.
    missing = post({"action": "accept", "stance": {**stance_body, "target": RODRIGUEZ}})
    assert missing.status_code == 400
    assert missing.json()["errors"] == {
        "stance.target": "[62:71] PERSON is not in the gold set: accept it first"
    }
    edited = post(
        {
            "action": "edit",
            "span": {**VENEZUELA, "actor": None},
            "edited_to": {"start": 39, "end": 48, "label": "ORG", "actor": None},
        }
    )
    assert edited.status_code == 201
    added = post({"action": "add", "span": {**OPERATION, "actor": None}})
    assert added.status_code == 201 and added.json()["annotators"] == []
    gold = rita.get(gold_url).json()
    assert keys(gold["spans"]) == [(0, 6, "GPE"), (21, 30, "ORG"), (39, 48, "ORG")]
    # The stance followed the edited span.
    [only] = gold["stances"]
    by_id = {s["id"]: s for s in gold["spans"]}
    assert by_id[only["target"]]["label"] == "ORG"
    origins = {by_id[sid]["start"]: o["origin"] for sid, o in gold["provenance"]["spans"].items()}
    assert origins == {0: "annotators", 21: "added", 39: "changed"}

    # Reversing the edit needs nothing later on the same items: it is allowed.
    reversed_ = rita.post(
        f"{decisions}{edited.json()['id']}/reverse/", {"rationale": "no"}, format="json"
    )
    assert reversed_.status_code == 200, reversed_.content
    assert reversed_.json()["reversed"]["by"] == "rita"
    gold = rita.get(gold_url).json()
    assert keys(gold["spans"]) == [(0, 6, "GPE"), (21, 30, "ORG"), (39, 48, "GPE")]
    # Twice is refused; the record stays.
    again = rita.post(f"{decisions}{edited.json()['id']}/reverse/")
    assert again.status_code == 409
    # Reversing the accept of Moscow would orphan the stance: refused.
    orphan = rita.post(f"{decisions}{accepted.json()['id']}/reverse/")
    assert orphan.status_code == 409 and "holder" in orphan.json()["detail"]

    rejected = post({"action": "reject", "span": {**VENEZUELA, "actor": None}})
    assert rejected.status_code == 201
    gold = rita.get(gold_url).json()
    assert keys(gold["spans"]) == [(0, 6, "GPE"), (21, 30, "ORG")] and gold["stances"] == []
    listed = rita.get(decisions).json()
    assert [d["action"] for d in listed] == ["accept", "accept", "accept", "edit", "add", "reject"]
    assert listed[3]["reversed"]["rationale"] == "no"
    assert listed[0]["rationale"] == "clear"


def test_decision_with_a_stale_version_is_409(k3, client_for):
    project, doc = k3
    rita = client_for("rita")
    rita.get(base(project, doc) + "gold/")
    body = {"action": "accept", "span": {**MOSCOW, "actor": None}, "version": 7}
    response = rita.post(base(project, doc) + "decisions/", body, format="json")
    assert response.status_code == 409 and response.json()["version"] == 1
    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"action": "approve", "span": MOSCOW},
        {"action": "accept"},
        {"action": "accept", "span": MOSCOW, "stance": {}},
        {"action": "edit", "span": MOSCOW},
        {"action": "accept", "span": {**MOSCOW, "label": "NOPE"}},
    ],
)
def test_bad_decisions_are_400_and_change_nothing(body, k3, client_for):
    project, doc = k3
    response = client_for("rita").post(base(project, doc) + "decisions/", body, format="json")
    assert response.status_code == 400
    assert response.json()["detail"]
    assert not Decision.objects.exists()


def test_queue_lists_complete_documents_most_disagreement_first(users, client_for):
    project = make_project(users, annotators_per_document=2)
    ana, ben = users["ana"], users["ben"]
    agreed = document(project, "agreed")
    annotate(agreed, ana, [span_at("s1", MOSCOW)])
    annotate(agreed, ben, [span_at("s1", MOSCOW)])
    split = document(project, "split")
    annotate(split, ana, [span_at("s1", MOSCOW)])
    annotate(split, ben, [span_at("s1", VENEZUELA)])
    half = document(project, "half")
    annotate(half, ana, [span_at("s1", MOSCOW), span_at("s2", VENEZUELA)])
    annotate(half, ben, [span_at("s1", MOSCOW)])
    done = document(project, "done")
    annotate(done, ana, [])
    annotate(done, ben, [])
    waiting = document(project, "waiting")
    annotate(waiting, ana, [span_at("s1", MOSCOW)])
    annotate(waiting, ben, [span_at("s1", MOSCOW)], submit=False)
    rita = client_for("rita")
    rita.post(f"/api/v1/projects/{project.pk}/documents/{done.pk}/gold/accept/")

    url = f"/api/v1/projects/{project.pk}/review/queue/"
    body = rita.get(url).json()
    rows = [(r["external_id"], r["disagreement"]) for r in body["results"]]
    assert rows == [("split", 1.0), ("half", pytest.approx(1 / 3)), ("agreed", 0.0)]
    assert body["results"][0]["annotators"] == 2
    paged = rita.get(url, {"page_size": 1, "page": 2}).json()
    assert [r["external_id"] for r in paged["results"]] == ["half"]
    assert paged["count"] == 3


def test_agreement_endpoint_shape_and_filters(k3, client_for):
    project, doc = k3
    rita = client_for("rita")
    url = f"/api/v1/projects/{project.pk}/agreement/"
    body = rita.get(url).json()
    assert body["documents"] == 1
    assert body["annotators"] == ["ana", "ben", "cai"]
    spans = body["spans"]
    assert set(spans) >= {"f1_exact", "f1_partial", "per_label", "pairs"}
    assert set(spans["per_label"]) == {"GPE", "PERSON"}
    assert set(spans["per_label"]["GPE"]) >= {"f1_exact", "f1_partial", "support"}
    assert {(p["a"], p["b"]) for p in spans["pairs"]} == {
        ("ana", "ben"),
        ("ana", "cai"),
        ("ben", "cai"),
    }
    ana_ben = next(p for p in spans["pairs"] if (p["a"], p["b"]) == ("ana", "ben"))
    assert ana_ben["f1_exact"]["value"] == 1.0 and ana_ben["documents"] == 1
    assert set(body["tokens"]) >= {"krippendorff_alpha", "fleiss_kappa", "cohen_kappa", "items"}
    assert body["tokens"]["items"] == len(tokenize(TEXT))
    assert set(body["stances"]) >= {"f1", "polarity_kappa", "pairs"}
    assert set(body["actors"]) == {"link_agreement", "items"}
    # Of four matched linked pairs only ana and ben's Moscow share the actor.
    assert body["actors"]["link_agreement"]["value"] == pytest.approx(1 / 4)

    gpe = rita.get(url, {"label": "GPE"}).json()
    assert set(gpe["spans"]["per_label"]) == {"GPE"}
    with_ana = rita.get(url, {"annotator": "cai"}).json()
    assert {(p["a"], p["b"]) for p in with_ana["spans"]["pairs"]} == {
        ("ana", "cai"),
        ("ben", "cai"),
    }
    assert rita.get(url, {"document": str(doc.pk + 1000)}).json()["documents"] == 0
    assert rita.get(url, {"document": f"{doc.pk}"}).json()["documents"] == 1
    bad = rita.get(url, {"label": "NOPE"})
    assert bad.status_code == 400 and "label" in bad.json()["errors"]
    assert rita.get(url, {"document": "x"}).status_code == 400


def test_agreement_is_null_with_a_reason_without_two_annotators(users, client_for):
    project = make_project(users, annotators_per_document=1)
    doc = document(project)
    annotate(doc, users["ana"], [span_at("s1", MOSCOW)])
    body = client_for("olga").get(f"/api/v1/projects/{project.pk}/agreement/").json()
    assert body["documents"] == 0
    assert body["spans"]["f1_exact"]["value"] is None
    assert body["spans"]["f1_exact"]["reason"]


def test_rejecting_a_candidate_not_in_gold_is_a_decision_record(k3, client_for):
    """Issue 12.4: a reject of a candidate that is not in gold recorded
    nothing; now it is a decision naming who made the candidate, and it can
    be reversed. An item nobody made and not in gold is refused."""
    project, doc = k3
    rita = client_for("rita")
    url = base(project, doc) + "decisions/"
    rejected = rita.post(
        url,
        {"action": "reject", "span": {**RODRIGUEZ, "actor": None}, "rationale": "not a GPE"},
        format="json",
    )
    assert rejected.status_code == 201, rejected.content
    body = rejected.json()
    assert (body["action"], body["item"]["start"], body["annotators"]) == ("reject", 62, ["cai"])
    assert body["rationale"] == "not a GPE"
    stance = {"holder": MOSCOW, "target": RODRIGUEZ, "polarity": "SUPPORT"}
    assert rita.post(url, {"action": "reject", "stance": stance}, format="json").status_code == 201
    decisions = rita.get(url).json()
    assert [(d["action"], d["item_type"], d["annotators"]) for d in decisions] == [
        ("reject", "span", ["cai"]),
        ("reject", "stance", ["cai"]),
    ]
    gold = rita.get(base(project, doc) + "gold/").json()
    assert gold["spans"] == [] and gold["stances"] == []
    reversed_ = rita.post(f"{url}{decisions[0]['id']}/reverse/", {}, format="json")
    assert reversed_.status_code == 200 and reversed_.json()["reversed"]["by"] == "rita"
    nobody = rita.post(
        url, {"action": "reject", "span": {**OPERATION, "actor": None}}, format="json"
    )
    assert nobody.status_code == 400
    assert "nothing to reject" in nobody.json()["errors"]["span"]
    assert Decision.objects.count() == 2


def test_the_agreement_report_counts_rejected_suggestions(users, client_for):
    """Issue 12.13: the agreement of predictions sees the rejections stored
    with the annotators' sets (made in the workspace, through PUT mine)."""
    project = make_project(users, annotators_per_document=2)
    doc = document(project)
    add_prediction(doc, "matcher", [span_at("p1", MOSCOW), span_at("p2", RODRIGUEZ)])
    mine = base(project, doc) + "annotations/mine/"
    for name, spans, rejected in (
        ("ana", [span_at("s1", MOSCOW)], [{"source": "matcher", **RODRIGUEZ}]),
        ("ben", [span_at("s1", MOSCOW), span_at("s2", RODRIGUEZ)], []),
    ):
        client = client_for(name)
        version = client.post(mine).json()["version"]
        body = {"version": version, "spans": spans, "stances": [], "rejected_predictions": rejected}
        assert client.put(mine, body, format="json").status_code == 200
        assert client.post(mine.replace("mine/", "mine/submit/")).status_code == 200
    report = client_for("rita").get(f"/api/v1/projects/{project.pk}/agreement/").json()
    [matcher] = report["predictions"]["sources"]
    assert matcher["source"] == "matcher"
    assert (matcher["accepted"], matcher["rejected"], matcher["unreviewed"]) == (3, 1, 0)
    assert matcher["acceptance"]["value"] == 0.75
    only_ana = client_for("rita").get(
        f"/api/v1/projects/{project.pk}/agreement/", {"annotator": "ana"}
    )
    assert only_ana.json()["predictions"]["sources"][0]["rejected"] == 1
    assert only_ana.json()["predictions"]["sources"][0]["accepted"] == 1
