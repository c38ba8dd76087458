"""The recommender's CRF core (apps/recommender/learner.py), without a database."""

import pytest

from apps.documents.text import token_offsets
from apps.recommender.learner import Example, LearnerError, Model, Prediction, features, train

LABELS = ("PERSON", "ORG", "GPE")


def ex(text, *marks):
    """An Example whose spans are given as (substring, label), found left to right."""
    spans, at = [], 0
    for sub, label in marks:
        start = text.index(sub, at)
        spans.append((start, start + len(sub), label))
        at = start + len(sub)
    return Example(text, tuple(spans))


PEOPLE = ["Maria Lopez", "John Smith", "Ahmed Karimi", "Olga Petrova", "Chen Wei", "Ana Silva"]
ORGS = ["Acme Corp", "the World Bank", "Nordic Oil", "Delta Airlines", "Blue Party", "Unicef"]
PLACES = ["Paris", "Kenya", "Lima", "Norway", "Cairo", "Texas"]


def corpus(n=60):
    docs = []
    for i in range(n):
        p, o, g = PEOPLE[i % 6], ORGS[(i * 5) % 6], PLACES[(i * 7) % 6]
        if i % 3 == 0:
            docs.append(
                ex(
                    f"{p} said on Monday that {o} would invest in {g}.",
                    (p, "PERSON"),
                    (o, "ORG"),
                    (g, "GPE"),
                )
            )
        elif i % 3 == 1:
            docs.append(
                ex(
                    f"In {g}, officials of {o} met {p} .\nThe talks ended late.",
                    (g, "GPE"),
                    (o, "ORG"),
                    (p, "PERSON"),
                )
            )
        else:
            docs.append(
                ex(f"“We will not stop,” {p} told reporters in {g}.", (p, "PERSON"), (g, "GPE"))
            )
    return docs


@pytest.fixture(scope="module")
def model():
    return train(corpus(), LABELS)


def test_learns_and_suggests_spans_with_confidence(model):
    text = "Olga Petrova said on Monday that Nordic Oil would invest in Cairo."
    prediction = model.predict(text)
    assert isinstance(prediction, Prediction)
    got = {(text[s["start"] : s["end"]], s["label"]) for s in prediction.spans}
    assert got == {("Olga Petrova", "PERSON"), ("Nordic Oil", "ORG"), ("Cairo", "GPE")}
    for span in prediction.spans:
        assert 0 < span["confidence"] <= 1
        assert set(span) == {"start", "end", "label", "confidence"}
    assert 0 <= prediction.uncertainty <= 1


def test_uncertainty_is_higher_on_unfamiliar_text(model):
    familiar = model.predict("John Smith said on Monday that Acme Corp would invest in Paris.")
    odd = model.predict("Zorblat Quenn visited Xyloria with Frumpco executives yesterday.")
    assert odd.uncertainty > familiar.uncertainty


def test_empty_text_and_whitespace(model):
    assert model.predict("") == Prediction(spans=[], uncertainty=0.0)
    assert model.predict(" \r\n\t ").spans == []


def test_labels_and_training_counts(model):
    assert model.labels == LABELS
    assert model.training["documents"] == 60
    assert model.training["spans_learned"] == model.training["spans_given"] == 160


def test_deterministic_and_round_trips(model):
    again = train(corpus(), LABELS, seed=0)
    assert again.to_bytes() == model.to_bytes()
    loaded = Model.from_bytes(model.to_bytes())
    assert loaded.labels == model.labels
    assert loaded.training == model.training
    texts = ["Ana Silva told reporters in Lima.", "In Texas, Unicef met Chen Wei."]
    assert loaded.predict_many(texts) == model.predict_many(texts)
    assert [p.spans for p in model.predict_many(texts)] == [model.predict(t).spans for t in texts]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"garbage",
        b"ACCORD-CRF\n{not json}\nxx",
        b'ACCORD-CRF\n{"format": "accord-crf", "version": 1, "labels": ["X"]}\nnot a crf',
    ],
)
def test_from_bytes_refuses_garbage(data):
    with pytest.raises(LearnerError):
        Model.from_bytes(data)


def test_from_bytes_refuses_cut_or_damaged_weights(model):
    # crfsuite itself would crash the process on these: the checks come first
    data = model.to_bytes()
    with pytest.raises(LearnerError, match="cut short"):
        Model.from_bytes(data[: len(data) // 2])
    with pytest.raises(LearnerError, match="cut short"):
        Model.from_bytes(data + b"\0")
    damaged = bytearray(data)
    damaged[-100] ^= 0x5A
    with pytest.raises(LearnerError, match="damaged"):
        Model.from_bytes(bytes(damaged))


def test_label_names_with_hyphens_colons_and_accents():
    text = "Maria Lopez visited Kyiv."
    model = train(
        [Example(text, ((0, 11, "PER-SON"), (20, 24, "Ort:ü")))] * 3, ["PER-SON", "Ort:ü"]
    )
    model = Model.from_bytes(model.to_bytes())
    assert {(s["start"], s["end"], s["label"]) for s in model.predict(text).spans} == {
        (0, 11, "PER-SON"),
        (20, 24, "Ort:ü"),
    }


def test_predict_needs_a_string(model):
    with pytest.raises(LearnerError, match="not bytes"):
        model.predict(b"Maria Lopez")


def test_from_bytes_refuses_other_versions(model):
    data = model.to_bytes().replace(b'"version": 1', b'"version": 99')
    with pytest.raises(LearnerError, match="version 99"):
        Model.from_bytes(data)


def test_nothing_to_learn():
    with pytest.raises(LearnerError, match="no documents"):
        train([], LABELS)
    with pytest.raises(LearnerError, match="no spans of PERSON"):
        train([ex("Maria Lopez left.", ("Maria Lopez", "ORG"))], ["PERSON"])
    with pytest.raises(LearnerError, match="no entity labels"):
        train(corpus(3), [])
    with pytest.raises(LearnerError, match="could be learned"):
        train([Example("Maria Lopez left.", ((1, 5, "PERSON"),))], ["PERSON"])


def test_bad_spans_name_the_example_and_field():
    with pytest.raises(LearnerError, match="example 1, span 0: start 3 and end 99"):
        train([corpus(1)[0], Example("short", ((3, 99, "PERSON"),))], LABELS)
    with pytest.raises(LearnerError, match="example 0, span 0: end must be an integer"):
        train([Example("short", ((0, "5", "PERSON"),))], LABELS)


def test_overlaps_keep_the_longest_then_leftmost():
    docs = corpus(30)
    text = "John Smith of Acme Corp said so."
    nested = Example(text, ((0, 10, "PERSON"), (0, 4, "PERSON"), (14, 23, "ORG"), (14, 18, "GPE")))
    model = train([*docs, nested], LABELS)
    assert model.training["skipped_overlap"] == 2
    assert model.training["spans_learned"] == 80 + 2


def test_misaligned_and_cross_sentence_spans_are_left_out():
    text = "Maria Lopez left. Olga Petrova came."
    odd = Example(text, ((1, 5, "PERSON"), (6, 25, "PERSON"), (18, 30, "PERSON")))
    model = train([*corpus(30), odd], LABELS)
    assert model.training["skipped_misaligned"] == 1
    assert model.training["skipped_cross_sentence"] == 1
    assert model.training["spans_learned"] == 80 + 1


TRICKY = [
    "👨‍👩‍👧 Maria Lopez 🇻🇪 met John Smith in Paris 👍🏽.",
    "Quo\u0302\u0301c Maria Lopez said,\r\nJohn Smith (Acme Corp) left Kenya's capital.",
    "قال John Smith في القاهرة، ثم غادر Cairo؟",
    'Mr. O\'Brien-Smith (Reuters) — \u200fMaria Lopez\u200f, U.S. Sen., said "no".',
]


@pytest.mark.parametrize("text", TRICKY)
def test_suggestions_sit_on_token_boundaries_inside_the_text(model, text):
    bounds = token_offsets(text)
    starts = {s for s, _ in bounds}
    ends = {e for _, e in bounds}
    prediction = model.predict(text)
    for span in prediction.spans:
        assert 0 <= span["start"] < span["end"] <= len(text)
        assert span["start"] in starts and span["end"] in ends
    assert 0 <= prediction.uncertainty <= 1


def test_code_point_offsets_after_emoji_and_crlf(model):
    text = "🇻🇪👍🏽\r\nAna Silva told reporters in Lima."
    spans = {(text[s["start"] : s["end"]], s["label"]) for s in model.predict(text).spans}
    assert ("Ana Silva", "PERSON") in spans
    assert ("Lima", "GPE") in spans


def test_training_spans_after_emoji_and_combining_marks_are_learned():
    text = "👨‍👩‍👧 Quo\u0302\u0301c said:\r\nAna Silva."
    example = ex(text, ("Quo\u0302\u0301c", "PERSON"), ("Ana Silva", "PERSON"))
    model = train([example], ["PERSON"])
    assert model.training["spans_learned"] == 2


def test_features_describe_shape_case_affixes_and_neighbours():
    from apps.documents.text import tokenize

    tokens = tokenize("The U.S. said 3.5% of COVID-19 cases")
    feats = features(tokens)
    assert len(feats) == len(tokens)
    first, us = set(feats[0]), set(feats[1])
    assert {"BOS", "first_cap", "w=the", "cap", "+1:w=u.s."} <= first
    assert {"dotted", "allcaps", "shape=X.X.", "-1:w=the", "+1:w=said", "bigram-=the|u.s."} <= us
    covid = set(feats[tokens.index(next(t for t in tokens if t.text == "COVID-19"))])
    assert {"hyphen", "hasdigit", "sshape=X-d", "p3=cov", "s3=-19"} <= covid
    number = set(feats[3])
    assert {"shape=d.d", "hasdigit"} <= number
    assert "EOS" in feats[-1]


def test_spans_of_other_labels_are_ignored():
    docs = corpus(30)
    model = train(docs, ["GPE"])
    assert model.labels == ("GPE",)
    text = "Maria Lopez said on Monday that Acme Corp would invest in Paris."
    assert {s["label"] for s in model.predict(text).spans} <= {"GPE"}
