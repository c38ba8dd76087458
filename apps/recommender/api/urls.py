"""The recommender's endpoints, under projects/<project_pk>/."""

from django.urls import path

from .views import ModelsView, RecommenderView, TrainView

app_name = "recommender"

urlpatterns = [
    path("recommender/", RecommenderView.as_view(), name="recommender"),
    path("recommender/train/", TrainView.as_view(), name="recommender-train"),
    path("recommender/models/", ModelsView.as_view(), name="recommender-models"),
]
