"""Registry search: accents and case are optional in a query, on every way an
actor or alias is written (API, registry import, merge, archive restore)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.actors.models import Actor, Alias
from apps.actors.search import search_key


@pytest.mark.parametrize(
    "stored, typed",
    [
        ("Nguyễn Phú Trọng", "nguyen phu trong"),
        ("Łódź", "LODZ"),
        ("Recep Tayyip Erdoğan", "erdogan"),
        ("ÉLYSÉE", "élysée"),
        ("Đặng Thị Ngọc Thịnh", "dang thi"),
        ("Straße", "strasse"),
        ("مُحَمَّد", "محمد"),  # Arabic vowel points are optional
        ("ＮＡＴＯ", "nato"),  # full-width letters as typed on some keyboards
    ],
)
def test_a_query_without_accents_or_case_meets_the_name(stored, typed):
    assert search_key(typed) in search_key(stored)


@pytest.mark.parametrize("one, other", [("が", "か"), ("की", "क")])
def test_marks_that_make_another_letter_are_kept(one, other):
    # Japanese dakuten and Devanagari vowel signs are not decoration.
    assert search_key(one) != search_key(other)


def names(client, project, q):
    response = client.get(f"/api/v1/projects/{project.pk}/actors/", {"q": q})
    assert response.status_code == 200, response.content
    return sorted(a["name"] for a in response.json()["results"])


@pytest.mark.django_db
def test_the_api_finds_actors_by_accent_free_name_and_alias(project, client_for):
    client = client_for("ana")
    created = client.post(
        f"/api/v1/projects/{project.pk}/actors/",
        {
            "name": "Nguyễn Phú Trọng",
            "kind": "person",
            "aliases": [{"text": "Tổng Bí thư", "case_sensitive": True}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert names(client, project, "nguyen") == ["Nguyễn Phú Trọng"]
    assert names(client, project, "TONG BI") == ["Nguyễn Phú Trọng"]
    assert names(client, project, "Nguyễn") == ["Nguyễn Phú Trọng"]
    assert names(client, project, "nguyenx") == []

    # A rename re-keys the actor and its new aliases.
    actor = created.json()
    renamed = client_for("olga").patch(
        f"/api/v1/projects/{project.pk}/actors/{actor['id']}/",
        {"name": "Võ Văn Thưởng", "aliases": [{"text": "Chủ tịch", "case_sensitive": True}]},
        format="json",
    )
    assert renamed.status_code == 200, renamed.content
    assert names(client, project, "nguyen") == []
    assert names(client, project, "vo van") == ["Võ Văn Thưởng"]
    assert names(client, project, "chu tich") == ["Võ Văn Thưởng"]


@pytest.mark.django_db
def test_imported_and_reimported_actors_are_found(project, client_for):
    owner = client_for("olga")
    url = f"/api/v1/projects/{project.pk}/actors/import/"
    header = "name,kind,country,wikidata_id,aliases,aliases_case_insensitive\n"
    first = header + "Łódź,other,PL,,Lodzer,\n"
    response = owner.post(
        url, {"file": SimpleUploadedFile("r.csv", first.encode())}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert names(owner, project, "lodz") == ["Łódź"]
    # The reimport updates the actor found by its Wikidata id: a bulk update.
    Actor.objects.filter(name="Łódź").update(wikidata_id="Q580")
    again = header + "Kraków,other,PL,Q580,,\n"
    response = owner.post(
        url, {"file": SimpleUploadedFile("r.csv", again.encode())}, format="multipart"
    )
    assert response.status_code == 200, response.content
    assert names(owner, project, "krakow") == ["Kraków"]
    assert names(owner, project, "LODZER") == ["Kraków"]  # its alias, from the first import


@pytest.mark.django_db
def test_a_merged_actors_name_finds_the_survivor(project, users, client_for):
    reviewer = client_for("rita")
    survivor = Actor.objects.create(project=project, name="Türkiye", kind="state")
    source = Actor.objects.create(project=project, name="República de Türkiye", kind="state")
    Alias.objects.create(actor=source, text="Türk devleti")
    response = reviewer.post(
        f"/api/v1/projects/{project.pk}/actors/{source.pk}/merge/",
        {"into": survivor.pk},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert names(reviewer, project, "republica de turkiye") == ["Türkiye"]
    assert names(reviewer, project, "turk devleti") == ["Türkiye"]


@pytest.mark.django_db
def test_the_best_match_comes_first(project, client_for):
    # The workspace's picker links its first result on Enter: a name that
    # starts with the query must come before an alias that merely contains it.
    def actor(name, *aliases):
        made = Actor.objects.create(project=project, name=name, kind="other")
        for text in aliases:
            Alias.objects.create(actor=made, text=text)

    actor("European Union", "Brussels")
    actor("Russia", "Moscow")
    actor("Belarus", "Russ")
    actor("Prussia")
    response = client_for("ana").get(f"/api/v1/projects/{project.pk}/actors/", {"q": "russ"})
    assert response.status_code == 200, response.content
    # An exact alias, then a name's start, a name containing it, an alias containing it.
    assert [a["name"] for a in response.json()["results"]] == [
        "Belarus",
        "Russia",
        "Prussia",
        "European Union",
    ]
