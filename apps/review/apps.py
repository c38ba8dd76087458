from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "apps.review"
    verbose_name = "Review"

    def ready(self):
        # annotations may not import review: it sends a signal when a set is
        # submitted, and routing listens here.
        from apps.annotations.signals import annotator_set_submitted

        from .queue import on_set_submitted

        annotator_set_submitted.connect(on_set_submitted, dispatch_uid="review-routing")
