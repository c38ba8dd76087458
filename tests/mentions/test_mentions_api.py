"""An actor's mentions across the project: who sees which, the snippet around
each (code points, never splitting what a reader sees as one character), and
a fixed number of queries whatever the size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.actors.models import Actor
from apps.documents.models import Document
from apps.mentions.merge import merge_actors
from apps.mentions.snippets import MARGIN, snippet
from tests.builders import add_gold, add_prediction, annotate, make_project, span

pytestmark = pytest.mark.django_db

TEXT = "Moscow condemned the strikes on Caracas; Moscow said more would come."


# --------------------------------------------------------------------------- snippet (pure)


def cut(text, start, end, context):
    """The snippet as the endpoint computes it, from a window cut like the database's."""
    window_start = max(0, start - context - MARGIN)
    window = text[window_start : end + context + MARGIN]
    return snippet(window, window_start, start, end, context)


def test_snippet_short_text_is_whole_and_not_clipped():
    s = cut("Moscow said no.", 0, 6, 60)
    assert s == {
        "before": "",
        "text": "Moscow",
        "after": " said no.",
        "clipped_before": False,
        "clipped_after": False,
    }


def test_snippet_clips_to_context_each_side():
    text = "a" * 100 + "Moscow" + "b" * 100
    s = cut(text, 100, 106, 10)
    assert (s["before"], s["text"], s["after"]) == ("a" * 10, "Moscow", "b" * 10)
    assert s["clipped_before"] and s["clipped_after"]


def test_snippet_exactly_context_long_is_not_clipped():
    text = "x" * 10 + "Iran" + "y" * 10
    s = cut(text, 10, 14, 10)
    assert (s["before"], s["after"]) == ("x" * 10, "y" * 10)
    assert not s["clipped_before"] and not s["clipped_after"]


def test_snippet_zero_context():
    s = cut("The Kremlin said", 4, 11, 0)
    assert (s["before"], s["text"], s["after"]) == ("", "Kremlin", "")
    assert s["clipped_before"] and s["clipped_after"]


def test_snippet_counts_code_points_with_emoji_before():
    text = "🇷🇺🙂 Moscow 🙂"
    start = text.index("Moscow")
    s = cut(text, start, start + 6, 60)
    assert s["text"] == "Moscow"
    assert s["before"] == "🇷🇺🙂 "
    assert s["after"] == " 🙂"


def test_snippet_keeps_a_letter_with_its_combining_marks():
    # "Quốc" decomposed: Q u o + U+0302 + U+0301 c. A cut of 3 code points
    # before the mention would land between "o" and its marks, or between marks.
    text = "Quo\u0302\u0301c Moscow"
    start = text.index("Moscow")
    for context in (1, 2, 3, 4):
        before = cut(text, start, start + 6, context)["before"]
        assert not before or before[0] not in "\u0302\u0301", (context, before)
        assert text[start - len(before) : start] == before


def test_snippet_does_not_end_inside_combining_marks():
    text = "Moscow o\u0302\u0301 end"
    s = cut(text, 0, 6, 2)  # " o" would leave the marks behind
    assert s["after"] == " o\u0302\u0301"


def test_snippet_keeps_zwj_emoji_and_skin_tone_whole():
    family = "👨\u200d👩\u200d👧"
    text = f"Moscow {family} x"
    s = cut(text, 0, 6, 3)  # " 👨" then ZWJ: widened to the whole family
    assert s["after"] == f" {family}"
    thumbs = "👍🏽"
    text = f"Moscow {thumbs}"
    assert cut(text, 0, 6, 2)["after"] == f" {thumbs}"


def test_snippet_never_splits_a_flag():
    text = "🇷🇺🇻🇪Moscow"
    start = text.index("Moscow")
    for context in range(1, 5):
        before = cut(text, start, start + 6, context)["before"]
        assert len(before) % 2 == 0, (context, before)  # whole flags only
    text = "Moscow🇷🇺🇻🇪"
    for context in range(1, 5):
        after = cut(text, 0, 6, context)["after"]
        assert len(after) % 2 == 0, (context, after)


def test_snippet_mention_text_is_the_exact_slice():
    text = "Quo\u0302\u0301c 🇷🇺 Москва́ sagte"
    start = text.index("Москва́")
    end = start + len("Москва́")
    assert cut(text, start, end, 5)["text"] == text[start:end]


# --------------------------------------------------------------------------- the endpoint


@pytest.fixture
def world(users, project):
    russia = Actor.objects.create(project=project, name="Russia", kind="state")
    other = Actor.objects.create(project=project, name="Venezuela", kind="state")
    doc = Document.objects.create(project=project, external_id="d1", title="Strikes", text=TEXT)
    second = TEXT.index("Moscow", 1)
    caracas = TEXT.index("Caracas")
    sets = {
        "ana": annotate(
            doc,
            users["ana"],
            [span("s0", 0, 6, "GPE", russia.pk), span("s1", caracas, caracas + 7, "GPE", other.pk)],
            submit=False,
        ),
        "ben": annotate(
            doc, users["ben"], [span("s0", second, second + 6, "GPE", russia.pk)], submit=False
        ),
        "gold": add_gold(doc, spans=[span("s0", 0, 6, "GPE", russia.pk)], adjudicate=False),
        "prediction": add_prediction(doc, "alias-matcher", [span("s0", 0, 6, "ORG", russia.pk)]),
    }
    return {"russia": russia, "other": other, "document": doc, "sets": sets, "project": project}


def mentions(client_for, username, world, actor=None, **params):
    actor = actor or world["russia"]
    url = f"/api/v1/projects/{world['project'].pk}/actors/{actor.pk}/mentions/"
    response = client_for(username).get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def who(body):
    return sorted(
        (row["set"]["kind"], row["set"]["author"] or row["set"]["source"] or "-", row["start"])
        for row in body["results"]
    )


def test_reviewer_sees_every_mention_with_document_set_and_snippet(client_for, world):
    body = mentions(client_for, "rita", world)
    assert body["count"] == 4
    second = TEXT.index("Moscow", 1)
    assert who(body) == [
        ("annotator", "ana", 0),
        ("annotator", "ben", second),
        ("gold", "-", 0),
        ("prediction", "alias-matcher", 0),
    ]
    first = body["results"][0]
    assert first["document"] == {
        "id": world["document"].pk,
        "external_id": "d1",
        "title": "Strikes",
    }
    assert first["text"] == "Moscow"
    assert first["before"] == "" and first["after"].startswith(" condemned")
    assert first["label"] in ("GPE", "ORG")
    # Document order, then by offset.
    assert [row["start"] for row in body["results"]] == sorted(r["start"] for r in body["results"])


def test_blind_annotator_sees_own_sets_and_predictions_only(client_for, world):
    body = mentions(client_for, "ana", world)
    assert who(body) == [("annotator", "ana", 0), ("prediction", "alias-matcher", 0)]


def test_annotator_in_open_project_sees_others_but_never_gold(client_for, world):
    world["project"].blind = False
    world["project"].save(update_fields=["blind"])
    body = mentions(client_for, "ana", world)
    kinds = {row["set"]["kind"] for row in body["results"]}
    assert body["count"] == 3 and kinds == {"annotator", "prediction"}


def test_only_this_actors_spans(client_for, world):
    body = mentions(client_for, "olga", world, actor=world["other"])
    assert [(row["text"], row["set"]["author"]) for row in body["results"]] == [("Caracas", "ana")]


def test_mentions_follow_the_survivor_of_a_merge(client_for, users, world):
    merge_actors(world["other"], world["russia"], users["rita"])
    assert mentions(client_for, "rita", world, actor=world["other"])["count"] == 0
    assert mentions(client_for, "rita", world)["count"] == 5


def test_snippet_on_text_with_emoji_and_combining_marks(client_for, users, project):
    text = "🇷🇺 Quo\u0302\u0301c Hội 👨\u200d👩\u200d👧 said Москва́ was right 🙂 today."
    doc = Document.objects.create(project=project, external_id="u", text=text)
    actor = Actor.objects.create(project=project, name="Russia")
    start = text.index("Москва́")
    end = start + len("Москва́")
    add_gold(doc, spans=[span("s0", start, end, "GPE", actor.pk)], adjudicate=False)
    url = f"/api/v1/projects/{project.pk}/actors/{actor.pk}/mentions/"
    for context in (0, 3, 5, 9, 12, 60):
        row = client_for("olga").get(url, {"context": context}).json()["results"][0]
        assert row["text"] == text[start:end] == "Москва́"
        assert text[start - len(row["before"]) : start] == row["before"]
        assert text[end : end + len(row["after"])] == row["after"]
        assert row["before"] == text[max(0, start - context) : start] or (
            # widened to keep a sequence whole: never by more than the margin
            len(row["before"]) <= context + MARGIN
        )
    row = client_for("olga").get(url, {"context": 60}).json()["results"][0]
    assert row["before"] == text[:start] and not row["clipped_before"]
    assert row["after"] == text[end:] and not row["clipped_after"]
    # 9 code points before "Москва́" cut into the ZWJ family: widened to keep it whole.
    row = client_for("olga").get(url, {"context": 9}).json()["results"][0]
    assert row["before"].startswith("👨\u200d👩\u200d👧")


def test_paging(client_for, world):
    body = mentions(client_for, "rita", world, page_size=3)
    assert body["count"] == 4 and len(body["results"]) == 3 and body["next"]
    rest = mentions(client_for, "rita", world, page_size=3, page=2)
    assert len(rest["results"]) == 1
    ids = {row["id"] for row in body["results"]} | {row["id"] for row in rest["results"]}
    assert len(ids) == 4


@pytest.mark.parametrize("value", ["-1", "301", "many"])
def test_bad_context_is_a_field_error(client_for, world, value):
    url = f"/api/v1/projects/{world['project'].pk}/actors/{world['russia'].pk}/mentions/"
    response = client_for("olga").get(url, {"context": value})
    assert response.status_code == 400
    assert "context" in response.json()["errors"]


def test_actor_of_another_project_is_404(client_for, users, world):
    other = make_project(users)
    foreign = Actor.objects.create(project=other, name="Russia")
    url = f"/api/v1/projects/{world['project'].pk}/actors/{foreign.pk}/mentions/"
    assert client_for("olga").get(url).status_code == 404


# --------------------------------------------------------------------------- query counts


def grow(world, users, n):
    """n more documents, each with a long text and mentions in every kind of set."""
    project, russia = world["project"], world["russia"]
    # ana and ben hold every one of them unfinished.
    project.max_unfinished_per_annotator = n + 1
    project.save(update_fields=["max_unfinished_per_annotator"])
    long_text = ("Filler words here. " * 2000) + TEXT
    offset = len(long_text) - len(TEXT)
    docs = Document.objects.bulk_create(
        Document(project=project, external_id=f"g{i}", title=f"G{i}", text=long_text)
        for i in range(n)
    )
    for doc in docs:
        mention = [span("s0", offset, offset + 6, "GPE", russia.pk)]
        annotate(doc, users["ana"], mention, submit=False)
        annotate(doc, users["ben"], mention, submit=False)
        add_prediction(doc, "m", mention)


@pytest.mark.parametrize("username", ["ana", "rita"])
def test_fixed_number_of_queries_whatever_the_size(client_for, users, world, username):
    url = f"/api/v1/projects/{world['project'].pk}/actors/{world['russia'].pk}/mentions/"
    client = client_for(username)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"page_size": 1000})
        assert response.status_code == 200
        return len(queries), response.json()["count"]

    small, small_count = count()
    grow(world, users, 40)
    large, large_count = count()
    assert large_count > small_count + 40
    assert small == large
    assert large <= 4  # membership, actor, count, page


def test_query_ceiling(client_for, users, world, django_assert_max_num_queries):
    grow(world, users, 10)
    url = f"/api/v1/projects/{world['project'].pk}/actors/{world['russia'].pk}/mentions/"
    with django_assert_max_num_queries(4):
        assert client_for("rita").get(url).status_code == 200


# --------------------------------------------------------------------------- the merge record


def test_merged_actors_carry_who_and_when_in_a_fixed_number_of_queries(client_for, users, project):
    url = f"/api/v1/projects/{project.pk}/actors/"
    survivor = Actor.objects.create(project=project, name="Russia")

    def listed():
        with CaptureQueriesContext(connection) as queries:
            body = client_for("ana").get(url, {"include_merged": "true", "page_size": 1000}).json()
        return len(queries), body

    merge_actors(Actor.objects.create(project=project, name="Kremlin0"), survivor, users["rita"])
    small, _ = listed()
    for i in range(1, 30):
        source = Actor.objects.create(project=project, name=f"Kremlin{i}")
        merge_actors(source, survivor, users["olga" if i % 2 else "rita"])
    large, body = listed()
    assert small == large
    merged = {row["name"]: row for row in body["results"] if row["merged_into"]}
    assert len(merged) == 30
    record = merged["Kremlin0"]
    assert (record["merged_into"], record["merged_into_name"], record["merged_by"]) == (
        survivor.pk,
        "Russia",
        "rita",
    )
    assert record["merged_at"]
    live = next(row for row in body["results"] if row["name"] == "Russia")
    assert (live["merged_into"], live["merged_at"], live["merged_by"]) == (None, None, None)


def test_snippet_never_starts_or_ends_inside_a_word():
    text = "The statement of the Russian Foreign Ministry said Caracas had every right to act."
    start = text.index("Caracas")
    s = cut(text, start, start + 7, 15)  # 15 before would start at "n Ministry said "
    assert s["before"] == " Ministry said "
    assert s["after"] == " had every"  # 15 after would end at "had every rig"
    assert s["clipped_before"] and s["clipped_after"]


def test_snippet_without_spaces_keeps_its_cut():
    text = "俄罗斯外交部表示委内瑞拉有权采取行动"
    start = text.index("委内瑞拉")
    s = cut(text, start, start + 4, 3)
    assert (s["before"], s["after"]) == ("部表示", "有权采")
