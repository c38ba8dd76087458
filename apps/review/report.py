"""The project agreement report: what GET …/agreement/ and `manage.py agreement` show."""

from collections.abc import Mapping

from apps.annotations.models import AnnotationSet
from apps.documents.models import Document
from apps.documents.text import token_offsets
from apps.projects.errors import Invalid
from apps.projects.models import Label

from . import agreement
from .loading import prediction_spans, submitted_sets


class _Tokens(Mapping):
    """The token offsets of each document, computed when token_agreement reads them.

    token_agreement reads one document at a time, so only one document's tokens
    are held at once instead of every token of the project.
    """

    def __init__(self, texts):
        self.texts = texts

    def __getitem__(self, doc):
        return token_offsets(self.texts[doc])

    def __contains__(self, doc):
        return doc in self.texts

    def __iter__(self):
        return iter(self.texts)

    def __len__(self):
        return len(self.texts)


def category_groups(project):
    """The project's category labels: ``{label: (group name, multiple)}``."""
    rows = Label.objects.filter(project=project, kind=Label.Kind.CATEGORY).values_list(
        "name", "group__name", "group__multiple"
    )
    return {name: (group, multiple) for name, group, multiple in rows}


class ReportError(Invalid):
    """A filter of the report names nothing in the project."""

    def __init__(self, message, field):
        super().__init__(message, field=field)


def agreement_report(project, label=None, annotator=None, documents=None):
    """Agreement over the project's documents with at least two submitted
    annotator sets.

    Filters: `label` (an entity label restricts spans, tokens and actor links
    to it; a stance label restricts stances, on spans and on concepts, to
    that polarity; a category label restricts categories to its group),
    `annotator` (a username: the documents they annotated, and only the
    pairs they are in), `documents` (a list of document ids). Nine queries
    whatever the size of the project.
    """
    label_kind = None
    if label is not None:
        label_kind = (
            Label.objects.filter(project=project, name=label).values_list("kind", flat=True).first()
        )
        if label_kind is None:
            raise ReportError(f"There is no label {label!r} in this project.", "label")
    docs = Document.objects.filter(project=project, submitted_count__gte=2)
    if documents is not None:
        docs = docs.filter(pk__in=documents)
    if annotator is not None:
        docs = docs.filter(
            annotation_sets__kind=AnnotationSet.Kind.ANNOTATOR,
            annotation_sets__status=AnnotationSet.Status.SUBMITTED,
            annotation_sets__author__username=annotator,
        )
    sets = submitted_sets(docs)
    # A document counts when two of its sets are still there to compare.
    sets = {doc: by_user for doc, by_user in sets.items() if len(by_user) >= 2}

    groups = category_groups(project)
    if label_kind == Label.Kind.CATEGORY:
        group = groups[label][0]
        groups = {name: g for name, g in groups.items() if g[0] == group}
    spans, stances, concept_stances, categories = {}, {}, {}, {}
    for doc, by_user in sets.items():
        spans[doc], stances[doc], concept_stances[doc], categories[doc] = {}, {}, {}, {}
        for who, payload in by_user.items():
            doc_spans, doc_stances = payload["spans"], payload["stances"]
            if label_kind == Label.Kind.ENTITY:
                doc_spans = [s for s in doc_spans if s["label"] == label]
            elif label_kind == Label.Kind.STANCE:
                doc_stances = [s for s in doc_stances if s["polarity"] == label]
            spans[doc][who] = doc_spans
            stances[doc][who] = [s for s in doc_stances if s["target"] is not None]
            concept_stances[doc][who] = [s for s in doc_stances if s["target"] is None]
            categories[doc][who] = payload["categories"]

    texts = Document.objects.filter(pk__in=list(sets)).values_list("id", "text")
    tokens = _Tokens(dict(texts.iterator(2000)))

    span_result = agreement.span_agreement(spans)
    stance_result = agreement.stance_agreement(stances)
    concept_result = agreement.concept_stance_agreement(concept_stances)
    if annotator is not None:
        for result in (span_result, stance_result, concept_result):
            result["pairs"] = [p for p in result["pairs"] if annotator in (p["a"], p["b"])]
    links = agreement.actor_link_agreement(spans)
    # How annotators took the suggestions: accepted, or rejected (stored with
    # their sets), per prediction source, over the same documents and pairs.
    predicted = prediction_spans(list(sets))
    if label_kind == Label.Kind.ENTITY:
        predicted = {
            doc: {src: [s for s in got if s["label"] == label] for src, got in by_source.items()}
            for doc, by_source in predicted.items()
        }
    elif label_kind == Label.Kind.STANCE:
        predicted = {}
    reviewers = {
        doc: {
            who: {"spans": spans[doc][who], "rejected_predictions": p["rejected_predictions"]}
            for who, p in by_user.items()
            if annotator is None or who == annotator
        }
        for doc, by_user in sets.items()
    }
    annotators = sorted({who for by_user in sets.values() for who in by_user})
    return {
        "documents": len(sets),
        "annotators": annotators,
        "filters": {"label": label, "annotator": annotator, "document": documents},
        "spans": span_result,
        "tokens": agreement.token_agreement(spans, tokens),
        "stances": stance_result,
        "concept_stances": concept_result,
        "categories": agreement.category_agreement(categories, groups),
        "actors": {"link_agreement": links, "items": links["items"]},
        "predictions": agreement.prediction_agreement(predicted, reviewers),
    }


def pseudonymous_report(report, names):
    """The report with every annotator named by `names` (username -> pseudonym,
    in the order the pseudonyms should be listed: pseudonyms.project_names).

    Lists and pairs are reordered by that order too, so no alphabetical order
    of the hidden usernames shows through.
    """
    rank = {username: i for i, username in enumerate(names)}
    out = dict(report)
    out["annotators"] = [names[u] for u in sorted(report["annotators"], key=rank.__getitem__)]
    annotator = report["filters"]["annotator"]
    out["filters"] = {**report["filters"], "annotator": names.get(annotator, annotator)}
    for part in ("spans", "stances", "concept_stances"):
        if part not in report:
            continue  # a partial report (the tests build some)
        pairs = []
        for pair in report[part]["pairs"]:
            a, b = sorted((pair["a"], pair["b"]), key=rank.__getitem__)
            pairs.append({**pair, "a": a, "b": b})
        pairs.sort(key=lambda p: (rank[p["a"]], rank[p["b"]]))
        out[part] = {
            **report[part],
            "pairs": [{**p, "a": names[p["a"]], "b": names[p["b"]]} for p in pairs],
        }
    return out
