"""Mentions, actor merges and pre-annotation, under projects/<project_pk>/."""

from django.urls import path

from .mentions import ActorMentionsView
from .merge import MergeActorView
from .preannotate import PreannotateCountView, PreannotateView

app_name = "mentions"

urlpatterns = [
    path("actors/<id:actor_pk>/merge/", MergeActorView.as_view(), name="actor-merge"),
    path("actors/<id:actor_pk>/mentions/", ActorMentionsView.as_view(), name="actor-mentions"),
    path("preannotate/", PreannotateView.as_view(), name="preannotate"),
    path("preannotate/count/", PreannotateCountView.as_view(), name="preannotate-count"),
]
