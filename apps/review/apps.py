from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "apps.review"
    verbose_name = "Review"

    def ready(self):
        # annotations may not import review: it sends a signal when a set is
        # submitted, and routing listens here; imports, beside review, sends
        # one when it stores gold, whose provenance review records, and one
        # when it stores submitted sets, whose scores review keeps; writers of
        # prediction sets send one, and review keeps the model's scores.
        from apps.annotations.signals import (
            annotator_set_submitted,
            gold_sets_imported,
            prediction_sets_changed,
            submitted_sets_changed,
        )

        from .gold import on_gold_imported
        from .queue import (
            on_prediction_sets_changed,
            on_set_submitted,
            on_submitted_sets_changed,
        )

        annotator_set_submitted.connect(on_set_submitted, dispatch_uid="review-routing")
        submitted_sets_changed.connect(on_submitted_sets_changed, dispatch_uid="review-rescore")
        gold_sets_imported.connect(on_gold_imported, dispatch_uid="review-imported-gold")
        prediction_sets_changed.connect(
            on_prediction_sets_changed, dispatch_uid="review-model-scores"
        )
