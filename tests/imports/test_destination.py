"""destination.py, pure: the option as a request gives it, and the plan of
which set each annotation group becomes, with every refusal naming its
record and field."""

import json

import pytest

from apps.imports.destination import Destination, Member, plan
from apps.imports.parsers import AnnotationGroup, DocumentRecord, PeerAuthor
from apps.projects.errors import Invalid

MEMBERS = [
    Member(1, "olga", "olga@example.org"),
    Member(2, "ana", "ana@example.org"),
    Member(3, "ben", "BEN@example.org"),
]
SPAN = {"id": "s1", "start": 0, "end": 6, "label": "GPE"}


def group(author=None, where="task 1", n=0, predicted=False, kind="name"):
    prefix = f"{'predictions' if predicted else 'annotations'}[{n}]"
    return AnnotationGroup(
        [dict(SPAN)],
        [],
        where,
        prefix=prefix,
        author=PeerAuthor(author, kind) if author else None,
        author_field=None if predicted else f"{prefix}.completed_by",
        predicted=predicted,
    )


def record(external_id, *groups, where=None):
    where = where or f"task {external_id}"
    for g in groups:
        g.where = where
    return DocumentRecord(external_id, "Moscow spoke.", where, groups=list(groups))


def planned(records, annotations="annotators", user_map=None, k=2, known=frozenset()):
    destination = Destination(annotations, user_map or {})
    return plan(records, destination, MEMBERS, k, known_users=known, authorship="(how)")


def kinds(result):
    return {ext: [(p.kind, p.user_id) for p in plans] for ext, plans in result.sets.items()}


# --------------------------------------------------------------------------- the option


def test_the_default_is_prediction():
    assert Destination.from_data(None) == Destination("prediction", {})
    assert Destination.from_data({"annotations": "", "user_map": ""}) == Destination()


def test_user_map_comes_as_an_object_or_its_json_text_and_round_trips():
    given = {"annotations": "annotators", "user_map": json.dumps({"10": "ana", "x@y": " ben "})}
    destination = Destination.from_data(given)
    assert destination.user_map == {"10": "ana", "x@y": "ben"}
    # One plain dict, as a background job carries it.
    assert Destination.from_data(json.loads(json.dumps(destination.as_dict()))) == destination


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"annotations": "everything"}, "annotations"),
        ({"user_map": "{not json"}, "user_map"),
        ({"user_map": "[1, 2]"}, "user_map"),
        ({"user_map": {"10": ""}}, "user_map"),
        ({"user_map": {"10": 3}}, "user_map"),
    ],
)
def test_a_bad_option_is_invalid_naming_its_field(data, field):
    with pytest.raises(Invalid) as caught:
        Destination.from_data(data)
    assert caught.value.field == field


# --------------------------------------------------------------------------- prediction, gold


def test_prediction_takes_the_first_group_as_it_always_has():
    records = [
        record("1", group("ana"), group("ben", n=1), group(predicted=True)),
        record("2", group(predicted=True)),
        record("3"),
    ]
    result = planned(records, "prediction")
    assert kinds(result) == {"1": [("prediction", None)], "2": [("prediction", None)]}
    assert result.sets["1"][0].group.author.key == "ana"
    assert result.errors == []


def test_gold_takes_exactly_one_group_and_keeps_the_prediction():
    result = planned([record("1", group("ana"), group(predicted=True))], "gold")
    assert kinds(result) == {"1": [("prediction", None), ("gold", None)]}


def test_gold_refuses_a_record_with_two_groups_naming_it():
    result = planned([record("1"), record("2", group("ana"), group("ben", n=1))], "gold")
    [error] = result.errors
    assert (error["where"], error["field"]) == ("task 2", "annotations[1]")
    assert "has 2 annotation groups (ana, ben); gold is one set" in error["message"]
    assert error["message"].startswith("task 2: ")


# --------------------------------------------------------------------------- annotators


def test_annotators_match_by_username_email_or_user_map():
    records = [
        record("1", group("ana"), group("ben@example.org", n=1, kind="email")),
        record("2", group("10", kind="id")),
    ]
    result = planned(records, user_map={"10": "olga"})
    assert result.errors == []
    assert kinds(result) == {"1": [("annotator", 2), ("annotator", 3)], "2": [("annotator", 1)]}
    by_peer = {a["peer"]: a for a in result.authors}
    assert (
        by_peer["ana"] | {"user": "ana", "matched_by": "username", "documents": 1}
        == (by_peer["ana"])
    )
    assert (by_peer["ben@example.org"]["user"], by_peer["ben@example.org"]["matched_by"]) == (
        "ben",
        "email",
    )
    assert (by_peer["10"]["user"], by_peer["10"]["matched_by"]) == ("olga", "user_map")


def test_an_alias_in_user_map_maps_the_author_too():
    author = PeerAuthor("z@peer.org", "email", "Zed <z@peer.org>", ("42",))
    g = group()
    g.author = author
    result = planned([record("1", g)], user_map={"42": "ana"})
    assert kinds(result) == {"1": [("annotator", 2)]}


def test_an_unmapped_author_is_one_problem_naming_the_first_record_and_field():
    records = [record(str(n), group("10", kind="id")) for n in range(1, 4)]
    result = planned(records)
    [error] = result.errors
    assert (error["where"], error["field"]) == ("task 1", "annotations[0].completed_by")
    assert "an id only the peer tool knows" in error["message"]
    assert "(and 2 more records)" in error["message"]
    assert result.authors[0]["user"] is None and result.authors[0]["problem"]


def test_user_map_to_someone_missing_or_not_a_member():
    records = [record("1", group("x")), record("2", group("y"))]
    result = planned(records, user_map={"x": "oscar", "y": "nobody"}, known={"oscar"})
    messages = [e["message"] for e in result.errors]
    assert messages == [
        "task 1: x is mapped to oscar, who is not a member of this project",
        "task 2: y is mapped to nobody, but no Accord user has that name",
    ]


def test_two_groups_of_one_user_on_a_document_are_refused():
    records = [record("1", group("ana"), group("ana@example.org", n=1, kind="email"))]
    [error] = planned(records).errors
    assert (error["where"], error["field"]) == ("task 1", "annotations[1].completed_by")
    assert "ana@example.org and ana are both ana here" in error["message"]


def test_more_groups_than_the_project_takes_are_refused():
    records = [record("1", group("ana"), group("ben", n=1), group("olga", n=2))]
    [error] = planned(records, k=2).errors
    assert (error["where"], error["field"]) == ("task 1", "annotations[2].completed_by")
    assert "the project takes 2 annotators per document" in error["message"]


def test_a_group_without_an_author_among_named_ones_is_refused():
    records = [record("1", group("ana")), record("2", group())]
    [error] = planned(records).errors
    assert (error["where"], error["field"]) == ("task 2", "annotations[0].completed_by")
    assert "names no annotator" in error["message"]


def test_a_file_that_names_nobody_is_one_problem_quoting_the_format():
    records = [record(str(n), group()) for n in range(5)]
    [error] = planned(records).errors
    assert (error["where"], error["field"]) == ("input", "annotations")
    assert "Nobody is named as annotator: (how)" in error["message"]


def test_an_author_problem_is_reported_only_for_annotators():
    bad = group()
    bad.author_problem = '"completed_by" must be a user id'
    assert planned([record("1", bad)], "prediction").errors == []
    named = record("2", group("ana"))
    [error] = planned([record("1", bad), named]).errors
    assert error["message"] == 'task 1: "completed_by" must be a user id'


def test_a_stored_groups_problems_are_reported_and_others_not():
    broken = group("ben", n=1)
    broken.error("result[0].type", "results of type x are not imported")
    records = [record("1", group("ana"), broken)]
    assert planned(records, "prediction").errors == []  # only the first group is stored
    [error] = planned(records).errors
    assert error["field"] == "annotations[1].result[0].type"
