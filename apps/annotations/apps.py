from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    name = "apps.annotations"
    verbose_name = "Annotations"
