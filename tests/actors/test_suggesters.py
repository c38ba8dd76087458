"""The suggester interface: the alias matcher, a callable, a real HTTP endpoint."""

import pytest
from django.test import override_settings

from apps.actors.registry import load_registry
from apps.actors.suggesters import (
    AliasSuggester,
    Registry,
    SuggesterError,
    get_suggester,
    names,
)

from .helpers import SuggestServer, make_registry

DOC = {"id": 1, "external_id": "x", "text": "Moscow and Caracas", "title": "", "meta": {}}


def registry_of(*actors, kind_labels=None):
    return Registry(
        [
            {
                "id": i,
                "name": name,
                "kind": kind,
                "country": "",
                "wikidata_id": "",
                "aliases": [{"text": t, "case_sensitive": cs} for t, cs in aliases],
            }
            for i, (name, kind, aliases) in enumerate(actors, start=1)
        ],
        kind_labels if kind_labels is not None else {"state": "GPE", "person": "PERSON"},
    )


def suggest_spans(text, registry):
    return AliasSuggester()({**DOC, "text": text}, registry)


def test_alias_suggester_links_actors_and_maps_labels():
    registry = registry_of(
        ("Russia", "state", [("Moscow", True)]), ("Delcy Rodríguez", "person", [])
    )
    text = "Moscow welcomed Delcy Rodríguez."
    assert suggest_spans(text, registry) == [
        {"start": 0, "end": 6, "label": "GPE", "actor": 1},
        {"start": 16, "end": 31, "label": "PERSON", "actor": 2},
    ]


def test_unmapped_kinds_are_skipped_and_do_not_hide_mapped_aliases():
    registry = registry_of(
        ("Russia", "state", [("Russia", True)]),
        ("Russia Today", "organization", []),  # organisation is not mapped here
    )
    assert suggest_spans("Russia Today said", registry) == [
        {"start": 0, "end": 6, "label": "GPE", "actor": 1}
    ]


def test_an_alias_of_two_actors_with_one_label_has_no_actor_link():
    registry = registry_of(
        ("Georgia", "state", []), ("Georgia (US state)", "state", [("Georgia", True)])
    )
    assert suggest_spans("Georgia voted", registry) == [
        {"start": 0, "end": 7, "label": "GPE", "actor": None}
    ]


def test_an_alias_of_two_actors_with_different_labels_is_not_suggested():
    registry = registry_of(("Jordan", "state", []), ("Michael", "person", [("Jordan", True)]))
    assert suggest_spans("Jordan won", registry) == []


def test_the_matcher_is_built_once_per_registry():
    registry = registry_of(("Russia", "state", []))
    assert registry.matcher is registry.matcher


@pytest.mark.django_db
def test_load_registry_leaves_merged_actors_out(project):
    actors = make_registry(project)
    actors["Iran"].merged_into = actors["Russia"]
    actors["Iran"].save()
    registry = load_registry(project)
    assert "Iran" not in {a["name"] for a in registry.actors}
    russia = next(a for a in registry.actors if a["name"] == "Russia")
    assert russia["aliases"] == [
        {"text": "Moscow", "case_sensitive": True},
        {"text": "the Kremlin", "case_sensitive": True},
    ]
    assert registry.kind_labels["state"] == "GPE"


def echo_suggester(document, registry):
    """A callable suggester for the tests: the first word as a PERSON."""
    return [{"start": 0, "end": document["text"].index(" "), "label": "PERSON"}]


def broken_suggester(document, registry):
    raise ValueError("model not loaded")


@override_settings(ACCORD_SUGGESTERS={"echo": "tests.actors.test_suggesters.echo_suggester"})
def test_a_callable_from_settings():
    assert names() == ["aliases", "echo"]
    suggester = get_suggester("echo")
    assert suggester.name == "echo"
    assert suggester(DOC, registry_of()) == [{"start": 0, "end": 6, "label": "PERSON"}]


@override_settings(
    ACCORD_SUGGESTERS={
        "broken": "tests.actors.test_suggesters.broken_suggester",
        "missing": "tests.actors.nowhere.suggest",
        "odd": {"port": 3},
    }
)
def test_callable_failures_are_clear():
    with pytest.raises(SuggesterError, match=r"'broken'.*document 1: ValueError: model not loaded"):
        get_suggester("broken")(DOC, registry_of())
    with pytest.raises(SuggesterError, match=r"cannot import 'tests\.actors\.nowhere\.suggest'"):
        get_suggester("missing")
    with pytest.raises(SuggesterError, match="dotted path to a callable"):
        get_suggester("odd")
    with pytest.raises(SuggesterError, match=r"no suggester named 'nope'.*'aliases', 'broken'"):
        get_suggester("nope")


def test_http_suggester_posts_the_document_and_reads_spans():
    spans = [{"start": 0, "end": 6, "label": "GPE"}]
    with SuggestServer(lambda doc: (200, {"spans": spans}, 0)) as server:
        config = {"remote": {"url": server.url, "timeout": 5, "headers": {"X-Key": "k1"}}}
        with override_settings(ACCORD_SUGGESTERS=config):
            assert get_suggester("remote")(DOC, registry_of()) == spans
    document, headers = server.received[0]
    assert document == DOC
    assert headers["X-Key"] == "k1"
    assert headers["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    ("behaviour", "message"),
    [
        ((500, {"error": "CUDA out of memory"}, 0), r"answered 500 .* document 1: .*CUDA"),
        ((200, b"<html>", 0), "did not answer JSON for document 1"),
        ((200, {"labels": []}, 0), r'must answer an object \{"spans"'),
        ((200, {"spans": "nope"}, 0), "must return a list of spans"),
        ((200, {"spans": []}, 2), r"did not answer within 0\.3 s for document 1"),
    ],
    ids=["500", "not json", "no spans", "spans not a list", "slow"],
)
def test_http_suggester_failures_are_clear(behaviour, message):
    with SuggestServer(lambda doc: behaviour) as server:
        config = {"remote": {"url": server.url, "timeout": 0.3}}
        with (
            override_settings(ACCORD_SUGGESTERS=config),
            pytest.raises(SuggesterError, match=message),
        ):
            get_suggester("remote")(DOC, registry_of())


def test_http_suggester_that_nobody_answers():
    with SuggestServer(lambda doc: (200, {}, 0)) as server:
        url = server.url
    with (
        override_settings(ACCORD_SUGGESTERS={"gone": {"url": url, "timeout": 1}}),
        pytest.raises(SuggesterError, match="could not be reached for document 1"),
    ):
        get_suggester("gone")(DOC, registry_of())


def test_http_suggester_settings_are_checked():
    with (
        override_settings(ACCORD_SUGGESTERS={"x": {"url": "ftp://host/"}}),
        pytest.raises(SuggesterError, match="http"),
    ):
        get_suggester("x")
    with (
        override_settings(ACCORD_SUGGESTERS={"x": {"url": "http://h/", "retries": 3}}),
        pytest.raises(SuggesterError, match="unknown settings"),
    ):
        get_suggester("x")
