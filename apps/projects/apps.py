from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "apps.projects"
    verbose_name = "Projects"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import checks  # noqa: F401  (registers the deployment checks)
        from .ids import register
        from .labels import on_schema_row_saved
        from .models import ApiToken, CategoryGroup, Label
        from .tokens import on_token_deleted

        register()
        post_delete.connect(on_token_deleted, sender=ApiToken, dispatch_uid="token-forget")
        for model in (Label, CategoryGroup):
            for signal in (post_save, post_delete):
                signal.connect(on_schema_row_saved, sender=model, dispatch_uid=f"schema-{model}")
