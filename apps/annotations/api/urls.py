"""Annotation sets, under projects/<project_pk>/."""

from django.urls import path

from .sets import DocumentSetsView, MySetView, SubmitMySetView

app_name = "annotations"

document = "documents/<int:document_pk>/"
urlpatterns = [
    path(f"{document}annotations/", DocumentSetsView.as_view(), name="document-sets"),
    path(f"{document}annotations/mine/", MySetView.as_view(), name="my-set"),
    path(f"{document}annotations/mine/submit/", SubmitMySetView.as_view(), name="my-set-submit"),
]
