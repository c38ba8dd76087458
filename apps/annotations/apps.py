from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    name = "apps.annotations"
    verbose_name = "Annotations"

    def ready(self):
        # projects may not import annotations: it sends a signal when a member
        # is removed, and their unfinished slots are released here.
        from apps.projects.signals import member_removed

        from .assignment import on_member_removed

        member_removed.connect(on_member_removed, dispatch_uid="annotations-release-slots")
