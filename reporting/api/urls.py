"""Routes of the statistics API, included under /api/v1/ in the `api` namespace."""

from django.urls import path

from . import statistics

urlpatterns = [
    path(
        "statistics/progress/",
        statistics.ProgressStatisticsView.as_view(),
        name="statistics-progress",
    ),
    path("statistics/stages/", statistics.StageStatisticsView.as_view(), name="statistics-stages"),
    path(
        "statistics/effects/", statistics.EffectsStatisticsView.as_view(), name="statistics-effects"
    ),
]
