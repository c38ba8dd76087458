"""The one check of values from outside (apps/projects/inputs.py), and what
the renderer does with a row stored before it existed."""

import io
import json

import pytest
from django.db import DatabaseError, connection, transaction
from rest_framework.exceptions import ValidationError

from apps.projects.errors import Invalid
from apps.projects.inputs import (
    MAX_DEPTH,
    MAX_ID,
    check_json,
    fits_id,
    id_problem,
    json_problem,
    may_hold_unstorable,
    unstorable,
)
from apps.projects.parsers import JSONParser
from apps.projects.renderers import FastJSONRenderer
from tests import builders


def nested(depth, leaf=1):
    value = leaf
    for _ in range(depth):
        value = {"a": value}
    return value


def test_plain_json_passes():
    value = {"source": ["wire", {"n": 3, "x": 1.5, "ok": True, "none": None}], "é": "🇻🇪"}
    assert json_problem(value, "meta") is None
    assert check_json(value, "meta") is value


def test_a_nesting_at_the_limit_passes_and_one_deeper_names_the_field():
    assert json_problem(nested(MAX_DEPTH), "meta") is None
    assert json_problem(nested(MAX_DEPTH + 1), "meta") == (
        "meta",
        f"nests too deeply; the limit is {MAX_DEPTH} levels",
    )


def test_a_nesting_far_past_any_stack_is_walked_without_recursion():
    value = []
    for _ in range(200_000):
        value = [value]
    assert json_problem(value, "meta")[0] == "meta"


def test_a_body_names_its_top_level_field():
    assert json_problem({"name": "x", "kind": nested(50)})[0] == "kind"


@pytest.mark.parametrize(
    ("value", "where", "says"),
    [
        ({"a": ["ok", "b\ud800"]}, "meta.a[1]", "U+D800"),
        ({"a": "\x00"}, "meta.a", "NUL"),
        ({"\udfff": 1}, "meta", "key"),
        ({"n": 2**64}, "meta.n", "too large"),
        ({"n": float("nan")}, "meta.n", "not a JSON number"),
        ({"s": {1, 2}}, "meta.s", "set"),
    ],
)
def test_what_cannot_be_stored_or_read_back_is_named_where_it_is(value, where, says):
    found, message = json_problem(value, "meta")
    assert found == where
    assert says in message


def test_size_is_limited():
    assert json_problem({"a": "x" * 50}, "meta", max_size=40)[0] == "meta"
    assert json_problem({"a": "x" * 30}, "meta", max_size=40) is None


def test_check_json_raises_invalid_naming_the_field():
    with pytest.raises(Invalid) as raised:
        check_json({"a": "\ud800"}, "meta")
    assert raised.value.field == "meta"
    assert "meta.a" in raised.value.message


def test_unstorable_tells_nul_from_a_surrogate():
    assert "NUL" in unstorable("a\x00")
    assert "U+DC00" in unstorable("\udc00")
    assert unstorable("🇻🇪 plain") is None


def test_ids():
    assert fits_id(MAX_ID) and not fits_id(MAX_ID + 1) and not fits_id(True)
    assert not fits_id("1")
    assert id_problem("12") is None
    assert "past the largest id" in id_problem(str(MAX_ID + 1))
    assert id_problem("1e3") and id_problem("١٢")  # not ASCII digits


@pytest.mark.parametrize("data", [{"meta": {"a": "x\ud800y"}}, {"meta": nested(300)}, {"n": 2**70}])
def test_the_renderer_writes_what_orjson_refuses_instead_of_failing(data):
    body = FastJSONRenderer().render(data)
    assert json.loads(body) == data


def test_an_old_row_holding_a_lone_surrogate_does_not_break_the_list(db, client_for, api, project):
    # Stored directly, as before the check on the way in existed. PostgreSQL
    # refuses such a row itself, so there no old row can hold one.
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            builders.make_document(project, meta={"note": "\ud800"})
        return
    builders.make_document(project, meta={"note": "\ud800"})
    response = client_for("ana").get(api("documents/"))
    assert response.status_code == 200
    assert json.loads(response.content)["results"][0]["meta"] == {"note": "\ud800"}


@pytest.mark.parametrize("text", ["a\x00", "\ud800", "\udbff", "\udc00", "\udfff"])
def test_json_text_that_may_hold_what_cannot_be_stored_is_always_spotted(text):
    # The parser skips looking at strings only when this says no: it must
    # never miss one, whatever the escape's case.
    assert may_hold_unstorable(json.dumps(text))
    assert may_hold_unstorable(json.dumps(text).upper().replace("\\U", "\\u"))
    assert may_hold_unstorable(json.dumps(text, ensure_ascii=False))  # raw, not escaped


def test_plain_json_text_needs_no_look_at_its_strings():
    plain = json.dumps({"a": "é 🇻🇪 \u2028", "b": [1, 2]}, ensure_ascii=False)
    assert not may_hold_unstorable(plain)
    assert not json_problem({"a": "\ud800"}, strings=False)  # the caller's promise


def test_a_charset_that_decodes_escapes_cannot_smuggle_a_lone_surrogate_past_the_parser():
    # unicode_escape turns the bytes \\ud800 into a raw lone surrogate before
    # the JSON is parsed: no escape is left in the text to spot.
    body = io.BytesIO(b'{"meta": {"note": "x\\ud800"}}')
    with pytest.raises(ValidationError) as raised:
        JSONParser().parse(body, "application/json", {"encoding": "unicode_escape"})
    assert list(raised.value.detail) == ["meta.note"]
