"""Routes of the governance API, included under /api/v1/ in the `api` namespace."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import management_views, statistics, views

router = SimpleRouter()
router.register("committees", views.CommitteeViewSet, basename="committee")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("surveys", views.OpinionSurveyViewSet, basename="survey")
router.register(
    "satisfaction-surveys", views.SatisfactionSurveyViewSet, basename="satisfaction-survey"
)
router.register("votes", views.OwnerVoteViewSet, basename="vote")
router.register("suggestions", views.SuggestionViewSet, basename="suggestion")
router.register(
    "long-term-management",
    management_views.LongTermManagementViewSet,
    basename="long-term-management",
)

urlpatterns = [
    *router.urls,
    path(
        "statistics/governance/",
        statistics.GovernanceIndicatorsView.as_view(),
        name="statistics-governance",
    ),
]
