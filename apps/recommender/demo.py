"""The recommender's part of the demo project (`manage.py demo`)."""

from .models import RecommenderSettings
from .training import start_training


def switch_on_in_the_demo(sender, project, owner, **kwargs):
    """Switch the recommender on, at the default threshold (its first version,
    on the demo's six adjudicated documents, passes it), and queue its first
    training: it runs once the demo's transaction commits (in the command
    under bin/run's DEBUG, by `manage.py db_worker` otherwise) and suggests
    in the stories still open."""
    RecommenderSettings.objects.create(project=project, enabled=True)
    start_training(project, owner, reason="demo")
