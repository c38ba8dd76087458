"""What the management commands share."""

from django.core.management.base import CommandError

from .models import Project


def find_project(ref):
    """A project by id or by exact name, for a command's PROJECT argument."""
    projects = Project.objects.filter(pk=int(ref)) if ref.isdigit() else Project.objects.none()
    project = projects.first() or Project.objects.filter(name=ref).first()
    if project is None:
        raise CommandError(f"No project with id or name {ref!r}.")
    return project
