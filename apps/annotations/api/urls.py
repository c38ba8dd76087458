"""Annotation sets and the project's members, under projects/<project_pk>/."""

from django.urls import path

from apps.projects.ids import Router

from .members import MembershipViewSet
from .sets import DocumentSetsView, MySetView, SubmitMySetView

app_name = "annotations"

router = Router()
# Members live here, not in projects: removing one releases annotation slots.
router.register("members", MembershipViewSet, basename="member")

document = "documents/<id:document_pk>/"
urlpatterns = [
    *router.urls,
    path(f"{document}annotations/", DocumentSetsView.as_view(), name="document-sets"),
    path(f"{document}annotations/mine/", MySetView.as_view(), name="my-set"),
    path(f"{document}annotations/mine/submit/", SubmitMySetView.as_view(), name="my-set-submit"),
]
