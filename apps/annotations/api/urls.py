"""Annotation sets and the project's members, under projects/<project_pk>/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .members import MembershipViewSet
from .sets import DocumentSetsView, MySetView, SubmitMySetView

app_name = "annotations"

router = SimpleRouter()
# Members live here, not in projects: removing one releases annotation slots.
router.register("members", MembershipViewSet, basename="member")

document = "documents/<int:document_pk>/"
urlpatterns = [
    *router.urls,
    path(f"{document}annotations/", DocumentSetsView.as_view(), name="document-sets"),
    path(f"{document}annotations/mine/", MySetView.as_view(), name="my-set"),
    path(f"{document}annotations/mine/submit/", SubmitMySetView.as_view(), name="my-set-submit"),
]
