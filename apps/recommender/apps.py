from django.apps import AppConfig


class RecommenderConfig(AppConfig):
    name = "apps.recommender"
    label = "recommender"
    verbose_name = "Recommender"

    def ready(self):
        from apps.review.signals import document_adjudicated

        from .retrain import on_document_adjudicated

        document_adjudicated.connect(on_document_adjudicated, dispatch_uid="recommender-retrain")
