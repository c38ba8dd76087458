from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "apps.review"
    verbose_name = "Review"

    def ready(self):
        # annotations may not import review: it sends a signal when a set is
        # submitted, and routing listens here; imports, beside review, sends
        # one when it stores gold, whose provenance review records.
        from apps.annotations.signals import annotator_set_submitted, gold_sets_imported

        from .gold import on_gold_imported
        from .queue import on_set_submitted

        annotator_set_submitted.connect(on_set_submitted, dispatch_uid="review-routing")
        gold_sets_imported.connect(on_gold_imported, dispatch_uid="review-imported-gold")
