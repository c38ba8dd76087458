"""A project with something of every kind an archive holds, built through
the paths production uses (builders, the review API, merges, releases)."""

from django.contrib.auth import get_user_model

from apps.actors.models import Actor, Alias, Concept
from apps.annotations.members import remove_member
from apps.datasets.releases import create_release
from apps.mentions.merge import merge_actors
from apps.projects.models import Label, Membership, Role
from tests.builders import (
    TRICKY,
    add_prediction,
    annotate,
    concept_stance,
    make_category_group,
    make_document,
    make_project,
    span_of,
    stance,
)

FLAG = TRICKY["flag"]


def rich_project(users, client_for, name="Venezuela crisis"):
    project = make_project(
        users,
        name=name,
        annotators_per_document=2,
        description="Who backs whom.",
        guidelines="# Mark\n\nEvery *state*.",
        routing_enabled=True,
        routing_threshold=0.3,
        routing_max_annotators=3,
        anonymous_review=True,
        assignment_order="random",
        assignment_seed=7,
        actor_kind_labels={"state": "GPE"},
    )
    Label.objects.create(project=project, kind="entity", name="CUE", color="#112233", position=3)
    olga = users["olga"]
    # A member who left: her submitted work stays, her membership does not.
    cai = get_user_model().objects.create_user("cai", password="pw")
    Membership.objects.create(project=project, user=cai, role=Role.ANNOTATOR)

    russia = Actor.objects.create(
        project=project, name="Russia", kind="state", country="RU", wikidata_id="Q159"
    )
    Alias.objects.create(actor=russia, text="Moscow")
    Alias.objects.create(actor=russia, text="the kremlin", case_sensitive=False)
    venezuela = Actor.objects.create(project=project, name="Venezuela", kind="state", country="VE")
    federation = Actor.objects.create(project=project, name="Russian Federation", kind="state")
    ussr = Actor.objects.create(project=project, name="USSR", kind="state")
    Alias.objects.create(actor=ussr, text="Soviet Union")

    flag = make_document(
        project,
        "flag",
        FLAG,
        title="Flag",
        outlet="Reuters",
        published="2024-05-01",
        url="https://news.example/flag",
        meta={"lang": "en", "tags": ["a", "b"]},
    )
    spans = [
        span_of("s1", FLAG, "Caracas", "GPE", venezuela.pk),
        span_of("s2", FLAG, "Moscow", "GPE", ussr.pk),
        span_of("s3", FLAG, "rejected", "CUE"),
    ]
    # The codebook: a hierarchy, and a concept merged into another (as a
    # merge leaves it: the survivor keeps the name, the merged one points to it).
    law = Concept.objects.create(project=project, name="International law", keywords=["law"])
    Concept.objects.create(
        project=project, name="UN Charter", parent=law, description="The Charter of 1945."
    )
    sovereignty = Concept.objects.create(project=project, name="State sovereignty")
    make_category_group(project, "FRAME", ["FRAME_CONFLICT", "FRAME_LAW"], keys={"FRAME_LAW": "l"})
    make_category_group(project, "TOPIC", ["TOPIC_MILITARY", "TOPIC_OIL"], multiple=True)
    # Ana's stances: Caracas OPPOSEs Moscow, and Moscow SUPPORTs State
    # sovereignty (a stance on a concept, which the review accepts below).
    stances = [
        stance("t1", "s1", "s2", "OPPOSE", cue="s3"),
        concept_stance("t2", "s2", sovereignty.pk),
    ]
    annotate(
        flag, users["ana"], spans, stances, categories=["FRAME_LAW", "TOPIC_MILITARY", "TOPIC_OIL"]
    )
    annotate(flag, users["ben"], [*spans[:2], span_of("s4", FLAG, "U.S.", "GPE")], [])
    # Merges after the links: USSR → Russian Federation → Russia, a chain.
    merge_actors(ussr, federation, users["rita"])
    merge_actors(federation, russia, olga)
    # Until the codebook has its own merge, a merged concept is made as one.
    Concept.objects.create(
        project=project, name="Sovereignty", merged_into=sovereignty, merged_by=users["rita"]
    )

    marks = make_document(project, "marks", TRICKY["marks"])
    annotate(marks, users["ana"], [span_of("s1", TRICKY["marks"], "Hanoi", "GPE")], submit=False)
    annotate(marks, cai, [span_of("s1", TRICKY["marks"], "Hanoi", "GPE")])
    remove_member(Membership.objects.get(project=project, user=cai))

    rtl = make_document(project, "rtl", TRICKY["rtl"])
    text = TRICKY["rtl"]
    add_prediction(
        rtl,
        "model",
        [span_of("s1", text, "موسكو", "GPE", russia.pk)],
        categories=["FRAME_CONFLICT"],
    )
    add_prediction(rtl, "other", [span_of("x", text, "كاراكاس", "GPE")])
    make_document(project, "empty", "Nothing here.\r\n")

    # Review of the flag document through the API: decisions (one reversed;
    # one on a stance on a concept, one on a category), an accept, a reopen
    # with its reason, and an accept again.
    rita = client_for("rita")
    base = f"/api/v1/projects/{project.pk}/documents/{flag.pk}/"
    caracas = {k: spans[0][k] for k in ("start", "end", "label")}
    moscow = {k: spans[1][k] for k in ("start", "end", "label")}

    def decide(body):
        response = rita.post(base + "decisions/", body, format="json")
        assert response.status_code == 201, response.content
        return response.json()

    decide({"action": "accept", "span": {**caracas, "actor": venezuela.pk}, "rationale": "clear"})
    decide({"action": "accept", "span": {**moscow, "actor": russia.pk}})
    decide(
        {"action": "accept", "stance": {"holder": caracas, "target": moscow, "polarity": "OPPOSE"}}
    )
    decide(
        {
            "action": "accept",
            "concept_stance": {"holder": moscow, "concept": sovereignty.pk, "polarity": "SUPPORT"},
        }
    )
    decide({"action": "accept", "category": {"label": "FRAME_LAW"}, "rationale": "the Charter"})
    added = decide({"action": "add", "span": {**span_of("a", FLAG, "said", "CUE"), "actor": None}})
    reversed_ = rita.post(
        f"{base}decisions/{added['id']}/reverse/", {"rationale": "no"}, format="json"
    )
    assert reversed_.status_code == 200, reversed_.content
    for step, body in (("accept", {}), ("reopen", {"reason": "check the cue"}), ("accept", {})):
        response = rita.post(f"{base}gold/{step}/", body, format="json")
        assert response.status_code == 200, response.content

    release, _ = create_release(
        project, {"name": "v1", "formats": ["jsonl"], "ratios": {"train": 1.0}}, olga
    )
    release.refresh_from_db()
    assert release.status == "ready", release.error
    return project
