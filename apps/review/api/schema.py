"""Serializers used only by the OpenAPI schema: the shapes that views.py
builds for agreement, the queue, side-by-side review, gold and decisions."""

from rest_framework import serializers

from apps.annotations.shapes import (
    AnnotationSetSerializer,
    SpanInputSerializer,
    StanceInputSerializer,
)
from apps.projects.limits import MAX_ANNOTATORS, MIN_ANNOTATORS

from ..models import AdjudicationEvent, Decision


def _names(**kwargs):
    return serializers.ListField(child=serializers.CharField(), **kwargs)


# --------------------------------------------------------------------------- agreement


class AgreementFiltersSerializer(serializers.Serializer):
    label = serializers.CharField(allow_null=True)
    annotator = serializers.CharField(allow_null=True)
    document = serializers.ListField(child=serializers.IntegerField(), allow_null=True)

    class Meta:
        ref_name = "AgreementFilters"


class SpanAgreementSerializer(serializers.Serializer):
    f1_exact = serializers.JSONField(help_text="{value, items, reason}: value null when undefined.")
    f1_partial = serializers.JSONField()
    per_label = serializers.DictField(child=serializers.JSONField())
    pairs = serializers.ListField(child=serializers.DictField())

    class Meta:
        ref_name = "SpanAgreement"


class TokenAgreementSerializer(serializers.Serializer):
    krippendorff_alpha = serializers.JSONField()
    fleiss_kappa = serializers.JSONField()
    cohen_kappa = serializers.JSONField()
    items = serializers.IntegerField()

    class Meta:
        ref_name = "TokenAgreement"


class StanceAgreementSerializer(serializers.Serializer):
    f1 = serializers.JSONField()
    polarity_kappa = serializers.JSONField()
    pairs = serializers.ListField(child=serializers.DictField())

    class Meta:
        ref_name = "StanceAgreement"


class CategoryGroupAgreementSerializer(serializers.Serializer):
    multiple = serializers.BooleanField(help_text="Whether the group takes several categories.")
    documents = serializers.IntegerField()
    alpha = serializers.JSONField(
        help_text="Krippendorff's alpha, {value, items, reason, distance: nominal|masi}."
    )
    kappa = serializers.JSONField(
        help_text="{measure: cohen|fleiss|null, value, items, reason}: Cohen's for two "
        "annotators, Fleiss' for more."
    )

    class Meta:
        ref_name = "CategoryGroupAgreement"


class ActorAgreementSerializer(serializers.Serializer):
    link_agreement = serializers.DictField()
    items = serializers.IntegerField()

    class Meta:
        ref_name = "ActorAgreement"


class PredictionSourceSerializer(serializers.Serializer):
    source = serializers.CharField(help_text='The prediction set\'s source ("" for none).')
    accepted = serializers.IntegerField(help_text="Suggested spans an annotator's set has.")
    rejected = serializers.IntegerField(help_text="Suggested spans an annotator rejected.")
    unreviewed = serializers.IntegerField(help_text="Suggested spans an annotator left alone.")
    acceptance = serializers.DictField(help_text="accepted / (accepted + rejected), a result.")

    class Meta:
        ref_name = "PredictionSource"


class PredictionAgreementSerializer(serializers.Serializer):
    sources = PredictionSourceSerializer(many=True)

    class Meta:
        ref_name = "PredictionAgreement"


class AgreementReportSerializer(serializers.Serializer):
    documents = serializers.IntegerField(help_text="Documents with two or more submitted sets.")
    annotators = _names()
    filters = AgreementFiltersSerializer()
    spans = SpanAgreementSerializer()
    tokens = TokenAgreementSerializer()
    stances = StanceAgreementSerializer()
    concept_stances = StanceAgreementSerializer(
        help_text="Stances on concepts: F1 over (holder, concept, polarity), polarity kappa."
    )
    categories = serializers.DictField(
        child=CategoryGroupAgreementSerializer(), help_text="By category group name."
    )
    actors = ActorAgreementSerializer()
    predictions = PredictionAgreementSerializer(
        help_text="How annotators took each prediction source's suggestions."
    )

    class Meta:
        ref_name = "AgreementReport"


# --------------------------------------------------------------------------- queue


class QueueItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    external_id = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    annotators = serializers.IntegerField(help_text="Submitted annotator sets.")
    annotators_wanted = serializers.IntegerField()
    disagreement = serializers.FloatField(allow_null=True, help_text="1 - micro F1; 0 is full.")
    model_disagreement = serializers.FloatField(
        allow_null=True,
        required=False,
        help_text="With sort=model: 1 - span F1 between the model's prediction set and the "
        "spans most annotators made; null without a prediction set of the source.",
    )

    class Meta:
        ref_name = "ReviewQueueItem"


class QueuePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = QueueItemSerializer(many=True)
    source = serializers.CharField(
        allow_null=True,
        required=False,
        help_text="With sort=model: the prediction source compared with (null: the project "
        "has no prediction set).",
    )

    class Meta:
        ref_name = "PaginatedReviewQueue"


# --------------------------------------------------------------------------- one document


class SpanKeySerializer(serializers.Serializer):
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    label = serializers.CharField()

    class Meta:
        ref_name = "SpanKey"


class SpanKeyTextSerializer(SpanKeySerializer):
    text = serializers.CharField()

    class Meta:
        ref_name = "SpanKeyText"


class ActorVotesSerializer(serializers.Serializer):
    actor = serializers.IntegerField(allow_null=True)
    annotators = _names()

    class Meta:
        ref_name = "ActorVotes"


class CandidateSpanSerializer(SpanKeyTextSerializer):
    annotators = _names()
    votes = serializers.CharField(help_text='"made by / voters", e.g. "2/3".')
    unanimous = serializers.BooleanField()
    actors = ActorVotesSerializer(many=True)
    actor = serializers.IntegerField(allow_null=True, help_text="The majority's actor.")
    tie = serializers.BooleanField()
    in_gold = serializers.BooleanField()

    class Meta:
        ref_name = "CandidateSpan"


class CandidateStanceSerializer(serializers.Serializer):
    holder = SpanKeyTextSerializer()
    target = SpanKeyTextSerializer()
    polarity = serializers.CharField()
    cue = SpanKeyTextSerializer(allow_null=True)
    annotators = _names()
    votes = serializers.CharField()
    unanimous = serializers.BooleanField()
    in_gold = serializers.BooleanField()

    class Meta:
        ref_name = "CandidateStance"


class CandidateConceptStanceSerializer(CandidateStanceSerializer):
    target = None  # a stance on a concept has none
    concept = serializers.IntegerField(help_text="The concept's id in the project's codebook.")

    class Meta:
        ref_name = "CandidateConceptStance"


class CandidateCategorySerializer(serializers.Serializer):
    label = serializers.CharField()
    group = serializers.CharField(allow_null=True, help_text="The label's category group.")
    annotators = _names()
    votes = serializers.CharField()
    unanimous = serializers.BooleanField()
    in_gold = serializers.BooleanField()

    class Meta:
        ref_name = "CandidateCategory"


class CandidatesSerializer(serializers.Serializer):
    spans = CandidateSpanSerializer(many=True)
    stances = CandidateStanceSerializer(many=True)
    concept_stances = CandidateConceptStanceSerializer(many=True)
    categories = CandidateCategorySerializer(many=True)

    class Meta:
        ref_name = "Candidates"


class MadeItemSerializer(serializers.Serializer):
    span = serializers.DictField(required=False, help_text="A span item, for a span's origin.")
    stance = serializers.DictField(required=False, help_text="A stance item, for a stance's.")
    concept_stance = serializers.DictField(
        required=False, help_text="A concept stance item, for a concept stance's."
    )
    category = serializers.DictField(required=False, help_text="{label}, for a category's.")
    annotators = _names()

    class Meta:
        ref_name = "MadeItem"


class ProvenanceSerializer(serializers.Serializer):
    origin = serializers.ChoiceField(choices=["annotators", "changed", "added"])
    annotators = _names()
    from_ = MadeItemSerializer(
        many=True,
        help_text="The close items annotators made instead, each with who made it.",
    )

    class Meta:
        ref_name = "Provenance"


# "from" is a Python keyword: the field is declared as from_ and named here.
ProvenanceSerializer._declared_fields["from"] = ProvenanceSerializer._declared_fields.pop("from_")


class GoldProvenanceSerializer(serializers.Serializer):
    spans = serializers.DictField(child=ProvenanceSerializer(), help_text="By span id.")
    stances = serializers.DictField(child=ProvenanceSerializer(), help_text="By stance id.")
    concept_stances = serializers.DictField(
        child=ProvenanceSerializer(), help_text="By stance id, the stances on concepts."
    )
    categories = serializers.DictField(
        child=ProvenanceSerializer(), help_text="By category label name."
    )

    class Meta:
        ref_name = "GoldProvenance"


class AdjudicationEventSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=AdjudicationEvent.Action.choices)
    by = serializers.CharField()
    at = serializers.DateTimeField()
    reason = serializers.CharField(allow_blank=True)

    class Meta:
        ref_name = "AdjudicationEvent"


class GoldSerializer(AnnotationSetSerializer):
    provenance = GoldProvenanceSerializer()
    adjudicated = serializers.BooleanField()
    adjudicated_at = serializers.DateTimeField(allow_null=True)
    history = AdjudicationEventSerializer(many=True)

    class Meta:
        ref_name = "Gold"


class ReviewDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    external_id = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    text = serializers.CharField()
    tokens = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField(), min_length=2, max_length=2),
        help_text="Each token's [start, end) in code points, as the exports tokenize.",
    )
    annotators_wanted = serializers.IntegerField()
    submitted = serializers.IntegerField()
    adjudicated_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "ReviewDocument"


class DocumentReviewSerializer(serializers.Serializer):
    document = ReviewDocumentSerializer()
    anonymous_review = serializers.BooleanField()
    annotators = _names()
    disagreement = serializers.FloatField(allow_null=True)
    sets = AnnotationSetSerializer(many=True)
    concepts = serializers.DictField(
        child=serializers.CharField(), help_text="Concept id -> name, for those named here."
    )
    category_labels = serializers.ListField(
        child=serializers.DictField(),
        help_text="Every category label of the project: {label, group, multiple}.",
    )
    candidates = CandidatesSerializer()
    gold = GoldSerializer(allow_null=True, help_text="None until the gold set is first read.")

    class Meta:
        ref_name = "DocumentReview"


class GoldWriteSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    spans = SpanInputSerializer(many=True, required=False)
    stances = StanceInputSerializer(many=True, required=False)
    categories = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Document categories (label names); left out, the gold set has none.",
    )
    rationale = serializers.CharField(required=False, allow_blank=True)

    class Meta:
        ref_name = "GoldWrite"


class AutoMergeRequestSerializer(serializers.Serializer):
    min_agreement = serializers.IntegerField(min_value=MIN_ANNOTATORS, max_value=MAX_ANNOTATORS)
    version = serializers.IntegerField(min_value=1, required=False)

    class Meta:
        ref_name = "AutoMergeRequest"


class MergedSpanSerializer(SpanKeySerializer):
    actor = serializers.IntegerField(allow_null=True)
    annotators = _names()

    class Meta:
        ref_name = "MergedSpan"


class TiedSpanSerializer(MergedSpanSerializer):
    linked = serializers.ListField(
        child=serializers.IntegerField(), help_text="The actors the annotators linked."
    )

    class Meta:
        ref_name = "TiedSpan"


class MergedStanceSerializer(serializers.Serializer):
    holder = SpanKeySerializer()
    target = SpanKeySerializer()
    polarity = serializers.CharField()
    cue = SpanKeySerializer(allow_null=True)
    annotators = _names()

    class Meta:
        ref_name = "MergedStance"


class MergedConceptStanceSerializer(serializers.Serializer):
    holder = SpanKeySerializer()
    concept = serializers.IntegerField()
    polarity = serializers.CharField()
    cue = SpanKeySerializer(allow_null=True)
    annotators = _names()

    class Meta:
        ref_name = "MergedConceptStance"


class MergedCategorySerializer(serializers.Serializer):
    label = serializers.CharField()
    annotators = _names()

    class Meta:
        ref_name = "MergedCategory"


class CategoryTieSerializer(serializers.Serializer):
    group = serializers.CharField()
    categories = MergedCategorySerializer(many=True, help_text="Tied for the most votes.")

    class Meta:
        ref_name = "CategoryTie"


class MergedSerializer(serializers.Serializer):
    spans = MergedSpanSerializer(many=True)
    stances = MergedStanceSerializer(many=True)
    concept_stances = MergedConceptStanceSerializer(many=True)
    categories = MergedCategorySerializer(many=True)

    class Meta:
        ref_name = "Merged"


class AutoMergeResultSerializer(serializers.Serializer):
    gold = GoldSerializer()
    merged = MergedSerializer()
    ties = TiedSpanSerializer(many=True)
    skipped_stances = MergedStanceSerializer(many=True)
    skipped_concept_stances = MergedConceptStanceSerializer(many=True)
    category_ties = CategoryTieSerializer(
        many=True, help_text="Single-choice groups whose top categories tied: none merged."
    )

    class Meta:
        ref_name = "AutoMergeResult"


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)

    class Meta:
        ref_name = "Reason"


class RationaleSerializer(serializers.Serializer):
    rationale = serializers.CharField(required=False, allow_blank=True)

    class Meta:
        ref_name = "Rationale"


# --------------------------------------------------------------------------- decisions


class ReversalSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    by = serializers.CharField(allow_null=True)
    rationale = serializers.CharField(allow_blank=True)

    class Meta:
        ref_name = "Reversal"


class DecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.ChoiceField(choices=Decision.Action.choices)
    item_type = serializers.ChoiceField(choices=Decision.ItemType.choices)
    item = serializers.DictField(
        help_text="The span, stance, concept stance or category decided on (merge.py's shape)."
    )
    edited_to = serializers.DictField(allow_null=True, help_text="For an edit, what it became.")
    annotators = _names(help_text="Who made the item (empty for an added item).")
    rationale = serializers.CharField(allow_blank=True)
    source = serializers.CharField()
    reviewer = serializers.CharField()
    created_at = serializers.DateTimeField()
    reversed = ReversalSerializer(allow_null=True)

    class Meta:
        ref_name = "Decision"


class VersionedDecisionSerializer(DecisionSerializer):
    version = serializers.IntegerField(help_text="The gold set's version after the change.")

    class Meta:
        ref_name = "VersionedDecision"


class DecisionRequestSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=Decision.Action.choices)
    span = serializers.DictField(required=False, help_text="{start, end, label, actor?}")
    stance = serializers.DictField(
        required=False, help_text="{holder, target, polarity, cue?}, spans inline"
    )
    concept_stance = serializers.DictField(
        required=False, help_text="{holder, concept, polarity, cue?}, spans inline"
    )
    category = serializers.DictField(required=False, help_text="{label}")
    edited_to = serializers.DictField(required=False, help_text="For an edit only.")
    rationale = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(min_value=1, required=False)

    class Meta:
        ref_name = "DecisionRequest"
