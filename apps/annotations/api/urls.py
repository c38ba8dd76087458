from django.urls import path
from rest_framework.routers import SimpleRouter

from .actors import MergeActorView
from .documents import DocumentViewSet
from .members import MembershipViewSet
from .mentions import ActorMentionsView
from .preannotate import PreannotateView
from .sets import DocumentSetsView, MySetView, SubmitMySetView

router = SimpleRouter()
router.register(r"projects/(?P<project_pk>[0-9]+)/documents", DocumentViewSet, basename="document")
# Members live here, not in projects: removing one releases annotation slots.
router.register(r"projects/(?P<project_pk>[0-9]+)/members", MembershipViewSet, basename="member")

document = "projects/<int:project_pk>/documents/<int:document_pk>/"
urlpatterns = [
    *router.urls,
    path(f"{document}annotations/", DocumentSetsView.as_view(), name="document-sets"),
    path(f"{document}annotations/mine/", MySetView.as_view(), name="my-set"),
    path(f"{document}annotations/mine/submit/", SubmitMySetView.as_view(), name="my-set-submit"),
    path(
        "projects/<int:project_pk>/actors/<int:actor_pk>/merge/",
        MergeActorView.as_view(),
        name="actor-merge",
    ),
    path(
        "projects/<int:project_pk>/actors/<int:actor_pk>/mentions/",
        ActorMentionsView.as_view(),
        name="actor-mentions",
    ),
    path("projects/<int:project_pk>/preannotate/", PreannotateView.as_view(), name="preannotate"),
]
