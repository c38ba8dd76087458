from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "apps.projects"
    verbose_name = "Projects"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deployment checks)
        from .ids import register

        register()
