"""The network endpoints: the discourse networks of the gold statements and
the statements behind a node (apps/datasets/api/networks.py)."""

import datetime

import pytest

from apps.actors.models import Actor, Concept
from tests.builders import add_gold, concept_stance, make_document, span_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(project):
    """Russia and Brazil agree on sovereignty (and on the UN Charter, below
    international law); the U.S. opposes it; a fourth claim's holder names
    no actor. Three gold documents on three days."""
    russia = Actor.objects.create(project=project, name="Russia")
    brazil = Actor.objects.create(project=project, name="Brazil")
    us = Actor.objects.create(project=project, name="United States")
    sovereignty = Concept.objects.create(project=project, name="Sovereignty")
    law = Concept.objects.create(project=project, name="International law")
    charter = Concept.objects.create(project=project, name="UN Charter", parent=law)
    texts = {
        "d1": (
            "2026-01-06",
            "Moscow defended Venezuelan sovereignty. Brasília agreed.",
            [("m", "Moscow", russia), ("b", "Brasília", brazil)],
            [("m", sovereignty, "SUPPORT"), ("b", sovereignty, "SUPPORT")],
        ),
        "d2": (
            "2026-01-07",
            "Washington said sovereignty is no shield. Moscow cited the UN Charter. "
            "A diplomat 🇻🇪 agreed.",
            [("w", "Washington", us), ("m", "Moscow", russia), ("x", "A diplomat", None)],
            [("w", sovereignty, "OPPOSE"), ("m", charter, "SUPPORT"), ("x", charter, "SUPPORT")],
        ),
        "d3": (
            "2026-01-08",
            "Brasília invoked the UN Charter.",
            [("b", "Brasília", brazil)],
            [("b", charter, "SUPPORT")],
        ),
    }
    for external_id, (published, text, spans, stances) in texts.items():
        document = make_document(
            project, external_id, text, published=datetime.date.fromisoformat(published)
        )
        add_gold(
            document,
            spans=[
                span_of(sid, text, piece, "GPE" if actor else "PERSON", actor and actor.pk)
                for sid, piece, actor in spans
            ],
            stances=[
                concept_stance(f"t{i}", holder, concept.pk, polarity)
                for i, (holder, concept, polarity) in enumerate(stances)
            ],
        )
    return {
        "russia": russia,
        "brazil": brazil,
        "us": us,
        "sovereignty": sovereignty,
        "law": law,
        "charter": charter,
    }


def edges_of(body):
    return {(e["source"], e["target"]): e["weight"] for e in body["edges"]}


def test_congruence_ties_actors_by_the_concepts_they_agree_on(world, client_for, api):
    body = client_for("rita").get(api("networks/")).json()
    assert body["kind"] == "congruence"
    assert edges_of(body) == {("a:Brazil", "a:Russia"): 2}
    assert body["statements"] == 5
    assert body["statements_without_actor"] == 1
    russia = next(n for n in body["nodes"] if n["id"] == "a:Russia")
    assert russia == {
        "id": "a:Russia",
        "label": "Russia",
        "kind": "actor",
        "statements": 2,
        "ref": world["russia"].pk,
    }


def test_conflict_and_affiliation(world, client_for, api):
    client = client_for("olga")
    conflict = client.get(api("networks/?kind=conflict")).json()
    assert edges_of(conflict) == {
        ("a:Brazil", "a:United States"): 1,
        ("a:Russia", "a:United States"): 1,
    }
    affiliation = client.get(api("networks/?kind=affiliation")).json()
    by_pair = {(e["source"], e["target"]): e for e in affiliation["edges"]}
    assert by_pair["a:United States", "c:Sovereignty"]["weight"] == -1
    assert by_pair["a:United States", "c:Sovereignty"]["oppose"] == 1
    assert by_pair["a:Brazil", "c:UN Charter"]["support"] == 1
    kinds = {n["id"]: n["kind"] for n in affiliation["nodes"]}
    assert kinds["c:Sovereignty"] == "concept"
    assert kinds["a:Brazil"] == "actor"


def test_a_window_keeps_the_documents_dated_in_it(world, client_for, api):
    body = client_for("rita").get(api("networks/?start=2026-01-07&end=2026-01-08")).json()
    assert body["statements"] == 2  # d2's two linked claims; d3 (the 8th) is outside
    assert edges_of(body) == {}
    body = client_for("rita").get(api("networks/?kind=conflict&start=2026-01-07")).json()
    assert edges_of(body) == {}  # the U.S. and Brazil disagree on the 6th and 7th
    body = client_for("rita").get(api("networks/?kind=conflict&end=2026-01-08")).json()
    assert edges_of(body) == {
        ("a:Brazil", "a:United States"): 1,
        ("a:Russia", "a:United States"): 1,
    }


def test_a_concept_keeps_the_concepts_below_it(world, client_for, api):
    law = world["law"].pk
    body = client_for("rita").get(api(f"networks/?concepts={law}")).json()
    assert body["statements"] == 2  # both on the UN Charter, below international law
    assert edges_of(body) == {("a:Brazil", "a:Russia"): 1}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("kind=friendship", "kind"),
        ("start=yesterday", "start"),
        ("start=2026-01-08&end=2026-01-07", "end"),
        ("concepts=1,x", "concepts"),
        ("concepts=999999", "concepts"),
    ],
)
def test_bad_parameters_are_refused_naming_the_field(world, client_for, api, query, field):
    response = client_for("rita").get(api(f"networks/?{query}"))
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_statements_of_an_actor_with_their_text(world, client_for, api):
    russia = world["russia"].pk
    body = client_for("rita").get(api(f"networks/statements/?actor={russia}")).json()
    assert body["count"] == 2
    first, second = body["results"]
    assert first["document"]["external_id"] == "d1"
    assert first["document"]["published"] == "2026-01-06"
    assert first["document"]["url"].endswith(f"/documents/{first['document']['id']}/view/")
    assert first["holder"]["text"] == "Moscow"
    assert first["concept"] == {"id": world["sovereignty"].pk, "name": "Sovereignty"}
    assert first["position"] == "SUPPORT"
    assert first["text"] == "Moscow"
    assert first["after"].startswith(" defended Venezuelan sovereignty.")
    assert second["concept"]["name"] == "UN Charter"
    assert second["before"] == "Washington said sovereignty is no shield. "


def test_statements_on_a_concept_and_of_an_edge(world, client_for, api):
    client = client_for("rita")
    charter, law = world["charter"].pk, world["law"].pk
    body = client.get(api(f"networks/statements/?concept={law}")).json()
    assert sorted(r["actor"]["name"] for r in body["results"]) == ["Brazil", "Russia"]
    brazil = world["brazil"].pk
    body = client.get(api(f"networks/statements/?concept={charter}&actor={brazil}")).json()
    assert [r["document"]["external_id"] for r in body["results"]] == ["d3"]
    body = client.get(api("networks/statements/?actor=1,2")).json()
    assert "actor" in body["errors"]


def test_queries_do_not_grow_with_the_documents(
    world, project, client_for, api, django_assert_max_num_queries
):
    client = client_for("rita")
    russia = world["russia"].pk
    for n in range(20):
        text = "Moscow defended sovereignty."
        document = make_document(project, f"more-{n}", text, published=datetime.date(2026, 1, 9))
        add_gold(
            document,
            spans=[span_of("m", text, "Moscow", "GPE", russia)],
            stances=[concept_stance("t1", "m", world["sovereignty"].pk)],
        )
    brazil = world["brazil"].pk
    paths = (
        "networks/",
        f"networks/statements/?actor={russia}",
        f"networks/statements/?actors={russia},{brazil}&kind=congruence",
    )
    for path in paths:
        # The membership, the export's three context queries and six per chunk.
        with django_assert_max_num_queries(10):
            assert client.get(api(path)).status_code == 200


def test_statements_behind_an_edge_between_two_actors(world, client_for, api):
    """Russia and Brazil are tied (congruence) by Sovereignty and, under
    International law, the UN Charter: the edge lists both actors' statements
    on them; Russia and the U.S. are in conflict on Sovereignty only."""
    client = client_for("rita")
    russia, brazil, us = world["russia"].pk, world["brazil"].pk, world["us"].pk

    def listed(query):
        body = client.get(api(f"networks/statements/?{query}")).json()
        return [
            (r["document"]["external_id"], r["actor"]["name"], r["concept"]["name"], r["position"])
            for r in body["results"]
        ]

    both = [
        ("d1", "Russia", "Sovereignty", "SUPPORT"),
        ("d1", "Brazil", "Sovereignty", "SUPPORT"),
        ("d2", "Russia", "UN Charter", "SUPPORT"),
        ("d3", "Brazil", "UN Charter", "SUPPORT"),
    ]
    assert listed(f"actors={russia},{brazil}&kind=congruence") == both
    assert listed(f"actors={russia},{brazil}") == both  # any shared concept
    assert listed(f"actors={russia},{brazil}&kind=conflict") == []
    conflict = [
        ("d1", "Russia", "Sovereignty", "SUPPORT"),
        ("d2", "United States", "Sovereignty", "OPPOSE"),
    ]
    assert listed(f"actors={russia},{us}&kind=conflict") == conflict
    assert listed(f"actors={russia},{us}&kind=congruence") == []
    # The window and concepts of the network apply: 2026-01-07 on keeps d2 and d3.
    assert listed(f"actors={russia},{brazil}&start=2026-01-07") == both[2:]
    assert listed(f"actors={russia},{brazil}&concepts={world['sovereignty'].pk}") == both[:2]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("actors=1", "actors"),
        ("actors=1,1", "actors"),
        ("actors=1,2&actor=1", "actors"),
        ("actors=1,2&kind=friendship", "kind"),
    ],
)
def test_an_edge_needs_two_actors(world, client_for, api, query, field):
    response = client_for("rita").get(api(f"networks/statements/?{query}"))
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_shared_concepts_by_kind():
    from apps.datasets.networks import shared_concepts

    positions = {
        1: {"a": {"SUPPORT"}, "b": {"OPPOSE"}, "c": {"SUPPORT", "OPPOSE"}},
        2: {"a": {"SUPPORT"}, "b": {"SUPPORT"}, "d": {"SUPPORT"}},
    }
    assert shared_concepts(positions, "congruence") == {"a"}
    assert shared_concepts(positions, "conflict") == {"b"}
    assert shared_concepts(positions, "any") == {"a", "b"}
    assert shared_concepts({1: {"a": {"SUPPORT"}}}, "any") == set()
