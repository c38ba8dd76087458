"""`manage.py check --deploy` warns when jobs would run inside web requests."""

import os
import subprocess
import sys

from django.core.checks import run_checks
from django.test import override_settings

from apps.projects.checks import IMMEDIATE


def warnings_of_accord():
    return [m.id for m in run_checks(include_deployment_checks=True) if m.id.startswith("accord.")]


def test_immediate_jobs_in_production_are_a_deployment_warning():
    with override_settings(TASKS={"default": {"BACKEND": IMMEDIATE}}):
        assert warnings_of_accord() == ["accord.W001"]


def test_the_database_backend_passes():
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        assert warnings_of_accord() == []


def backend_of_settings(**env):
    """The task backend config.settings picks in a fresh interpreter with `env`."""
    environ = {k: v for k, v in os.environ.items() if k not in ("TASK_BACKEND", "DEBUG")}
    code = "import config.settings as s; print(s.TASKS['default']['BACKEND'])"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**environ, **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_production_settings_default_to_the_database_backend():
    assert backend_of_settings() == "django_tasks_db.DatabaseBackend"
    assert backend_of_settings(DEBUG="true") == IMMEDIATE
    assert backend_of_settings(TASK_BACKEND=IMMEDIATE) == IMMEDIATE
