from django.apps import AppConfig


class RecommenderConfig(AppConfig):
    name = "apps.recommender"
    label = "recommender"
    verbose_name = "Recommender"

    def ready(self):
        from apps.datasets.signals import demo_created
        from apps.review.signals import document_adjudicated

        from .demo import switch_on_in_the_demo
        from .retrain import on_document_adjudicated

        document_adjudicated.connect(on_document_adjudicated, dispatch_uid="recommender-retrain")
        demo_created.connect(switch_on_in_the_demo, dispatch_uid="recommender-demo")
