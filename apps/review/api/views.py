"""Review endpoints: agreement, the queue, side-by-side review, gold, decisions.

Only reviewers and owners reach them (annotators get 403, non-members 404).
The views parse and answer; the rules live in report.py, queue.py, gold.py
and the pure merge.py.
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.actors.models import Concept
from apps.annotations.pseudonyms import (
    display_names,
    filter_username,
    hides_names,
    project_names,
)
from apps.annotations.sets import ProjectSchema
from apps.documents.models import Document, reviewable_count
from apps.documents.text import token_offsets
from apps.projects.api.schema import SCOPED, VersionConflictSerializer, errors
from apps.projects.errors import NotFound
from apps.projects.inputs import id_problem
from apps.projects.limits import MAX_ANNOTATORS, MIN_ANNOTATORS
from apps.projects.models import Role
from apps.projects.pagination import CountedPagination
from apps.projects.permissions import ProjectScopedMixin

from .. import gold as gold_ops
from .. import merge
from ..agreement import disagreement_score
from ..models import AdjudicationEvent, Decision
from ..queue import SORTS, model_source, review_queue
from ..report import agreement_report, pseudonymous_report
from . import schema


def _is_version(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _text(value, field):
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({field: "must be a string."})
    return value.strip()


class ReviewerView(ProjectScopedMixin, APIView):
    roles = {
        "GET": Role.REVIEWER,
        "POST": Role.REVIEWER,
        "PUT": Role.REVIEWER,
        "PATCH": Role.REVIEWER,
        "DELETE": Role.REVIEWER,
    }


# --------------------------------------------------------------------------- agreement


def _document_filter(request):
    values = []
    for raw in request.query_params.getlist("document"):
        for part in raw.split(","):
            part = part.strip()
            if not part:
                continue
            if problem := id_problem(part):
                raise ValidationError({"document": f"{part!r} is not a document id: {problem}."})
            values.append(int(part))
    return values or None


class AgreementView(ReviewerView):
    """Inter-annotator agreement over documents with two or more submitted sets.

    Under anonymous review a reviewer sees annotators as "Annotator 1..n"
    (project-wide, by user id), and filters by those names only."""

    @extend_schema(
        parameters=[
            OpenApiParameter("label", str, description="an entity or stance label name"),
            OpenApiParameter(
                "annotator",
                str,
                description="a username; under anonymous review a reviewer gives the pseudonym, "
                '"Annotator n" (a username is refused)',
            ),
            OpenApiParameter("document", str, description="document ids, comma-separated"),
        ],
        responses={200: schema.AgreementReportSerializer, **errors(400, *SCOPED)},
    )
    def get(self, request, *args, **kwargs):
        params = request.query_params
        annotator = params.get("annotator") or None
        # Under anonymous review a reviewer sees project-wide pseudonyms
        # ("Annotator n") and names an annotator only so.
        names = project_names(self.project) if hides_names(self.membership) else None
        if annotator is not None:
            annotator = filter_username(
                self.membership, request.user, annotator, "annotator", names=names
            )
        report = agreement_report(
            self.project,
            label=params.get("label") or None,
            annotator=annotator,
            documents=_document_filter(request),
        )
        if names is not None:
            report = pseudonymous_report(report, names)
        return Response(report)


# --------------------------------------------------------------------------- queue


class ReviewQueueView(ReviewerView):
    """Documents whose annotators have all submitted and that are not
    adjudicated, most disagreement first. ``sort=model`` orders them by the
    model's disagreement with the annotators instead: the prediction sets of
    ``source``, else of the most recently written prediction source; the
    answer names it in ``source``."""

    @extend_schema(
        parameters=[
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
            OpenApiParameter("sort", str, enum=list(SORTS)),
            OpenApiParameter("source", str),
        ],
        responses={
            200: schema.QueuePageSerializer,
            **errors(400, *SCOPED),
        },
    )
    def get(self, request, *args, **kwargs):
        sort = request.query_params.get("sort") or "disagreement"
        source = None
        if sort == "model":
            source = model_source(self.project, request.query_params.get("source"))
        fields = ["id", "external_id", "title", "submitted_count", "wanted", "disagreement"]
        if sort == "model":
            fields.append("model_disagreement")
        rows = review_queue(self.project, sort, source).values(*fields)
        # Counted by ReviewableCount: COUNT(*) of 900,000 waiting took 150 ms.
        paginator = CountedPagination(reviewable_count(self.project))
        page = paginator.paginate_queryset(rows, request, view=self)
        results = []
        for row in page:
            item = {
                "id": row["id"],
                "external_id": row["external_id"],
                "title": row["title"],
                "annotators": row["submitted_count"],
                "annotators_wanted": row["wanted"],
                "disagreement": row["disagreement"],
            }
            if sort == "model":
                item["model_disagreement"] = row["model_disagreement"]
            results.append(item)
        response = paginator.get_paginated_response(results)
        if sort == "model":
            response.data["source"] = source
        return response


# --------------------------------------------------------------------------- one document


class DocumentReviewView(ReviewerView):
    def get_document(self):
        document = Document.objects.filter(
            project=self.project, pk=self.kwargs["document_pk"]
        ).first()
        if document is None:
            raise Http404
        return document

    def load(self):
        self.review = gold_ops.load(self.get_document())
        return self.review

    def groups(self):
        """The project's category labels: ``{label: (group, multiple)}``, read once."""
        if not hasattr(self, "_groups"):
            self._groups = ProjectSchema(self.project).categories
        return self._groups

    def concept_names(self, review):
        """``{id: name}`` of the concepts the candidates and gold name, in one query."""
        ids = {cand["key"][1] for cand in review.cands["concept_stances"]}
        ids |= {key[1] for key in review.gold.concept_stances}
        if not ids:
            return {}
        rows = Concept.objects.filter(project=self.project, pk__in=ids).values_list("id", "name")
        return {str(pk): name for pk, name in rows}

    def names(self, review):
        names = display_names(review.usernames, hides_names(self.membership))
        by_id = {uid: names.get(u, u) for u, uid in review.annotator_ids.items()}
        return names, by_id

    def version_from(self, data, review, required):
        version = data.get("version") if isinstance(data, dict) else None
        if version is None and not required:
            return gold_ops.current_version(review)
        if not _is_version(version):
            raise ValidationError(
                {"version": "is required: the version of the gold set you last read (an integer)."}
            )
        return version

    def gold_response(self, review, names):
        """The gold set in the set shape, with where each item came from and
        the document's accept / reopen history."""
        if review.gold_payload is None:
            return None
        payload = dict(review.gold_payload)
        gold = review.gold
        origins = merge.provenance(gold, review.cands, self.groups())
        by_span = {v["id"]: k for k, v in gold.spans.items()}
        by_stance = {v["id"]: k for k, v in gold.stances.items()}
        by_claim = {v["id"]: k for k, v in gold.concept_stances.items()}

        def shown(entry):
            return {
                **entry,
                "annotators": [names[a] for a in entry["annotators"]],
                "from": [
                    {**made, "annotators": [names[a] for a in made["annotators"]]}
                    for made in entry["from"]
                ],
            }

        payload["provenance"] = {
            "spans": {sid: shown(origins["spans"][key]) for sid, key in by_span.items()},
            "stances": {sid: shown(origins["stances"][key]) for sid, key in by_stance.items()},
            "concept_stances": {
                sid: shown(origins["concept_stances"][key]) for sid, key in by_claim.items()
            },
            "categories": {
                label: shown(entry) for label, entry in sorted(origins["categories"].items())
            },
        }
        document = review.document
        payload["adjudicated"] = document.adjudicated_at is not None
        payload["adjudicated_at"] = document.adjudicated_at
        payload["history"] = [
            {"action": action, "by": by, "at": at, "reason": reason}
            for action, by, at, reason in AdjudicationEvent.objects.filter(
                document=document
            ).values_list("action", "user__username", "at", "reason")
        ]
        return payload

    def decisions(self, review, **filters):
        _, by_id = self.names(review)
        rows = (
            Decision.objects.filter(document=review.document, **filters)
            .order_by("id")
            .values(*DECISION_FIELDS)
        )
        return [decision_payload(row, by_id) for row in rows]

    def reload(self):
        review = self.load()
        names, _ = self.names(review)
        return review, self.gold_response(review, names)


class DocumentReviewDetailView(DocumentReviewView):
    """Every annotator set side by side, and the merged candidates with their votes."""

    @extend_schema(responses={200: schema.DocumentReviewSerializer, **errors(*SCOPED)})
    def get(self, request, *args, **kwargs):
        review = self.load()
        document = review.document
        names, _ = self.names(review)
        text = document.text
        voters = len(review.cands["annotators"])
        in_gold = review.gold
        sets = [{**s, "author": names[s["author"]]} for s in review.sets]
        submitted = {s["author"]: s for s in review.sets if s["status"] == "submitted"}

        def span_out(key):
            return {**merge.key_dict(key), "text": text[key[0] : key[1]]}

        spans = []
        for cand in review.cands["spans"]:
            by_actor = {}
            for who, actor in cand["actors"].items():
                by_actor.setdefault(actor, []).append(names[who])
            spans.append(
                {
                    **span_out(cand["key"]),
                    "annotators": [names[a] for a in cand["annotators"]],
                    "votes": f"{len(cand['annotators'])}/{voters}",
                    "unanimous": len(cand["annotators"]) == voters,
                    "actors": [
                        {"actor": actor, "annotators": who} for actor, who in by_actor.items()
                    ],
                    "actor": cand["actor"],
                    "tie": cand["tie"],
                    "in_gold": cand["key"] in in_gold.spans,
                }
            )
        stances = []
        for cand in review.cands["stances"]:
            holder, target, polarity = cand["key"]
            stances.append(
                {
                    "holder": span_out(holder),
                    "target": span_out(target),
                    "polarity": polarity,
                    "cue": span_out(cand["cue"]) if cand["cue"] else None,
                    "annotators": [names[a] for a in cand["annotators"]],
                    "votes": f"{len(cand['annotators'])}/{voters}",
                    "unanimous": len(cand["annotators"]) == voters,
                    "in_gold": cand["key"] in in_gold.stances,
                }
            )
        concept_stances = []
        for cand in review.cands["concept_stances"]:
            holder, concept, polarity = cand["key"]
            concept_stances.append(
                {
                    "holder": span_out(holder),
                    "concept": concept,
                    "polarity": polarity,
                    "cue": span_out(cand["cue"]) if cand["cue"] else None,
                    "annotators": [names[a] for a in cand["annotators"]],
                    "votes": f"{len(cand['annotators'])}/{voters}",
                    "unanimous": len(cand["annotators"]) == voters,
                    "in_gold": cand["key"] in in_gold.concept_stances,
                }
            )
        groups = self.groups()
        categories = [
            {
                "label": cand["key"],
                "group": groups.get(cand["key"], (None, True))[0],
                "annotators": [names[a] for a in cand["annotators"]],
                "votes": f"{len(cand['annotators'])}/{voters}",
                "unanimous": len(cand["annotators"]) == voters,
                "in_gold": cand["key"] in in_gold.categories,
            }
            for cand in review.cands["categories"]
        ]
        return Response(
            {
                "document": {
                    "id": document.pk,
                    "external_id": document.external_id,
                    "title": document.title,
                    "text": text,
                    # Selections snap to the tokens the exports write.
                    "tokens": token_offsets(text),
                    "annotators_wanted": document.wanted,
                    "submitted": document.submitted_count,
                    "adjudicated_at": document.adjudicated_at,
                },
                "anonymous_review": self.project.anonymous_review,
                "annotators": [names[s["author"]] for s in review.sets],
                "disagreement": disagreement_score(submitted),
                "sets": sets,
                "concepts": self.concept_names(review),
                "category_labels": [
                    {"label": label, "group": group, "multiple": multiple}
                    for label, (group, multiple) in sorted(
                        groups.items(), key=lambda kv: (str(kv[1][0]), kv[0])
                    )
                ],
                "candidates": {
                    "spans": spans,
                    "stances": stances,
                    "concept_stances": concept_stances,
                    "categories": categories,
                },
                "gold": self.gold_response(review, names),
            }
        )


class GoldView(DocumentReviewView):
    """The document's gold set; 404 while it has none (reading creates
    nothing: the first write does, a PUT with version 1, a decision,
    auto-merge or accept). PUT replaces it whole, carrying the version last
    read (stale: 409); each change is recorded as a decision. An adjudicated
    document's gold set is frozen (409)."""

    @extend_schema(responses={200: schema.GoldSerializer, **errors(*SCOPED)})
    def get(self, request, *args, **kwargs):
        gold = self.reload()[1]
        if gold is None:
            raise NotFound(gold_ops.NO_GOLD)
        return Response(gold)

    @extend_schema(
        request=schema.GoldWriteSerializer,
        responses={
            200: schema.GoldSerializer,
            **errors(400, *SCOPED, 409, e409=VersionConflictSerializer),
        },
    )
    def put(self, request, *args, **kwargs):
        data = request.data
        if not isinstance(data, dict):
            raise ValidationError({"detail": "Send the gold set as a JSON object."})
        review = self.load()
        version = self.version_from(data, review, required=True)
        if review.document.adjudicated_at is not None:
            raise gold_ops.Frozen(gold_ops.current_version(review))
        rationale = _text(data.get("rationale"), "rationale")
        gold_ops.put_gold(review, self.project, request.user, data, version, rationale)
        return Response(self.reload()[1])


class AutoMergeView(DocumentReviewView):
    """`{"min_agreement": N}`: every span made by at least N annotators goes
    into gold with the actor most of them linked (a tie links none and is
    listed under `ties`); then every stance made by at least N annotators
    whose holder and target are in gold, every concept stance whose holder
    is, and every category (in a single-choice group the one with the most
    votes; a tie merges none and is listed under `category_ties`). Optional
    `version`."""

    @extend_schema(
        request=schema.AutoMergeRequestSerializer,
        responses={
            200: schema.AutoMergeResultSerializer,
            **errors(400, *SCOPED, 409, e409=VersionConflictSerializer),
        },
    )
    def post(self, request, *args, **kwargs):
        data = request.data if isinstance(request.data, dict) else {}
        n = data.get("min_agreement")
        if (
            not isinstance(n, int)
            or isinstance(n, bool)
            or not MIN_ANNOTATORS <= n <= MAX_ANNOTATORS
        ):
            raise ValidationError(
                {
                    "min_agreement": "is required: how many annotators must agree, "
                    f"an integer from {MIN_ANNOTATORS} to {MAX_ANNOTATORS}."
                }
            )
        review = self.load()
        version = self.version_from(data, review, required=False)
        if review.document.adjudicated_at is not None:
            raise gold_ops.Frozen(gold_ops.current_version(review))
        result, _ = gold_ops.auto_merge(review, self.project, request.user, n, version)
        names, _ = self.names(review)

        def span(cand):
            return {
                **merge.key_dict(cand["key"]),
                "actor": cand["actor"],
                "annotators": [names[a] for a in cand["annotators"]],
            }

        def stance(cand):
            return {
                **merge.stance_item(cand["key"], None),
                "annotators": [names[a] for a in cand["annotators"]],
            }

        def concept_stance(cand):
            return {
                **merge.concept_stance_item(cand["key"], None),
                "annotators": [names[a] for a in cand["annotators"]],
            }

        def category(cand):
            return {"label": cand["key"], "annotators": [names[a] for a in cand["annotators"]]}

        _, gold = self.reload()
        return Response(
            {
                "gold": gold,
                "merged": {
                    "spans": [span(c) for c in result.spans],
                    "stances": [stance(c) for c in result.stances],
                    "concept_stances": [concept_stance(c) for c in result.concept_stances],
                    "categories": [category(c) for c in result.categories],
                },
                "ties": [
                    {**span(c), "linked": sorted({a for a in c["actors"].values() if a})}
                    for c in result.ties
                ],
                "skipped_stances": [stance(c) for c in result.skipped_stances],
                "skipped_concept_stances": [
                    concept_stance(c) for c in result.skipped_concept_stances
                ],
                "category_ties": [
                    {"group": tie["group"], "categories": [category(c) for c in tie["categories"]]}
                    for tie in result.category_ties
                ],
            }
        )


class AcceptView(DocumentReviewView):
    """Mark the document adjudicated: its gold set is frozen (later writes 409)."""

    @extend_schema(
        request=schema.ReasonSerializer,
        responses={
            200: schema.GoldSerializer,
            **errors(400, *SCOPED, 409, e409=VersionConflictSerializer),
        },
    )
    def post(self, request, *args, **kwargs):
        data = request.data if isinstance(request.data, dict) else {}
        reason = _text(data.get("reason"), "reason")
        document = self.get_document()
        gold_ops.accept(document, request.user, reason)
        return Response(self.reload()[1])


class ReopenView(DocumentReviewView):
    """`{"reason": "…"}`: undo an accept; recorded with who, when and why."""

    @extend_schema(
        request=schema.ReasonSerializer,
        responses={200: schema.GoldSerializer, **errors(400, *SCOPED, 409)},
    )
    def post(self, request, *args, **kwargs):
        data = request.data if isinstance(request.data, dict) else {}
        reason = _text(data.get("reason"), "reason")
        if not reason:
            raise ValidationError({"reason": "is required: say why the document is reopened."})
        document = self.get_document()
        gold_ops.reopen(document, request.user, reason)
        return Response(self.reload()[1])


# --------------------------------------------------------------------------- decisions

DECISION_FIELDS = (
    "id",
    "action",
    "item_type",
    "item",
    "edited_to",
    "annotators",
    "rationale",
    "source",
    "created_at",
    "reviewer__username",
    "reversed_at",
    "reversed_by__username",
    "reversal_rationale",
)


def decision_payload(row, names_by_id):
    return {
        "id": row["id"],
        "action": row["action"],
        "item_type": row["item_type"],
        "item": row["item"],
        "edited_to": row["edited_to"],
        "annotators": [names_by_id.get(uid, "a former annotator") for uid in row["annotators"]],
        "rationale": row["rationale"],
        "source": row["source"],
        "reviewer": row["reviewer__username"],
        "created_at": row["created_at"],
        "reversed": None
        if row["reversed_at"] is None
        else {
            "at": row["reversed_at"],
            "by": row["reversed_by__username"],
            "rationale": row["reversal_rationale"],
        },
    }


class DecisionsView(DocumentReviewView):
    """GET: the document's decisions, oldest first. POST: decide on one item:
    `{"action": "accept"|"reject"|"edit"|"add", "span": {...}}`, or
    `"stance": {...}` (holder and target inline), `"concept_stance": {...}`
    (holder inline, concept id) or `"category": {"label"}`; `"edited_to"` for an edit,
    optional `"rationale"` and `"version"` of the gold set."""

    @extend_schema(responses={200: schema.DecisionSerializer(many=True), **errors(*SCOPED)})
    def get(self, request, *args, **kwargs):
        return Response(self.decisions(self.load()))

    @extend_schema(
        request=schema.DecisionRequestSerializer,
        responses={
            201: schema.VersionedDecisionSerializer,
            **errors(400, *SCOPED, 409, e409=VersionConflictSerializer),
        },
    )
    def post(self, request, *args, **kwargs):
        data = request.data
        if not isinstance(data, dict):
            raise ValidationError({"detail": "Send the decision as a JSON object."})
        action = data.get("action")
        if action not in Decision.Action.values:
            raise ValidationError(
                {"action": f"must be one of {', '.join(Decision.Action.values)}."}
            )
        kinds = [kind for kind in Decision.ItemType.values if kind in data]
        if len(kinds) != 1:
            raise ValidationError(
                {"span": "give exactly one of span, stance, concept_stance or category."}
            )
        item_type = kinds[0]
        edited_to = data.get("edited_to")
        if (action == "edit") != (edited_to is not None):
            raise ValidationError({"edited_to": "is required for an edit, and only for an edit."})
        rationale = _text(data.get("rationale"), "rationale")
        review = self.load()
        version = self.version_from(data, review, required=False)
        if review.document.adjudicated_at is not None:
            raise gold_ops.Frozen(gold_ops.current_version(review))
        decision, new_version = gold_ops.decide(
            review,
            self.project,
            request.user,
            action,
            item_type,
            data[item_type],
            edited_to,
            rationale,
            version,
        )
        [payload] = self.decisions(review, pk=decision.pk)
        return Response({**payload, "version": new_version}, status=status.HTTP_201_CREATED)


class ReverseDecisionView(DocumentReviewView):
    """Undo a decision on the gold set; the decision stays, marked reversed.
    Refused (409) when later changes touched the same items."""

    @extend_schema(
        request=schema.RationaleSerializer,
        responses={
            200: schema.VersionedDecisionSerializer,
            **errors(400, *SCOPED, 409, e409=VersionConflictSerializer),
        },
    )
    def post(self, request, *args, **kwargs):
        data = request.data if isinstance(request.data, dict) else {}
        rationale = _text(data.get("rationale"), "rationale")
        review = self.load()
        decision = Decision.objects.filter(
            document=review.document, pk=self.kwargs["decision_pk"]
        ).first()
        if decision is None:
            raise Http404
        new_version = gold_ops.reverse(review, self.project, request.user, decision, rationale)
        [payload] = self.decisions(review, pk=decision.pk)
        return Response({**payload, "version": new_version})
