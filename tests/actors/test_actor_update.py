"""An actor's answer has the same fields whichever write made it."""

from apps.actors.models import Actor


def test_a_partial_update_answers_every_field_of_the_actor(project, client_for, api):
    actor = Actor.objects.create(project=project, name="Maduro")
    owner = client_for("olga")
    whole = owner.get(api(f"actors/{actor.pk}/")).json()
    patched = owner.patch(api(f"actors/{actor.pk}/"), {"country": "VE"}, format="json")
    assert patched.status_code == 200
    assert set(patched.json()) == set(whole)
    assert patched.json()["merged_into_name"] is None
