"""Deployment checks (`manage.py check --deploy`)."""

from django.conf import settings
from django.core import checks

IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"


@checks.register(checks.Tags.compatibility, deploy=True)
def jobs_run_outside_the_web_process(app_configs, **kwargs):
    if settings.TASKS["default"]["BACKEND"] != IMMEDIATE:
        return []
    return [
        checks.Warning(
            "Background jobs (large imports, pre-annotation, releases) run inside the "
            "web request that starts them: a long one outlives the server's timeout "
            "and is killed half-way.",
            hint="Unset TASK_BACKEND (the database backend is the default when DEBUG is "
            "off) and run `manage.py db_worker` beside the web processes.",
            id="accord.W001",
        )
    ]
