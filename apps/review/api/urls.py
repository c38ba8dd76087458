from django.urls import path

from . import views

document = "documents/<id:document_pk>/"

app_name = "review"

urlpatterns = [
    path("agreement/", views.AgreementView.as_view(), name="review-agreement"),
    path("review/queue/", views.ReviewQueueView.as_view(), name="review-queue"),
    path(f"{document}review/", views.DocumentReviewDetailView.as_view(), name="document-review"),
    path(f"{document}gold/", views.GoldView.as_view(), name="gold"),
    path(f"{document}gold/auto-merge/", views.AutoMergeView.as_view(), name="gold-auto-merge"),
    path(f"{document}gold/accept/", views.AcceptView.as_view(), name="gold-accept"),
    path(f"{document}gold/reopen/", views.ReopenView.as_view(), name="gold-reopen"),
    path(f"{document}decisions/", views.DecisionsView.as_view(), name="decision-list"),
    path(
        f"{document}decisions/<id:decision_pk>/reverse/",
        views.ReverseDecisionView.as_view(),
        name="decision-reverse",
    ),
]
