from django.apps import AppConfig


class MentionsConfig(AppConfig):
    name = "apps.mentions"
    verbose_name = "Mentions"
