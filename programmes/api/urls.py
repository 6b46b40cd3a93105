"""Routes of the programmes API, included under /api/v1/ in the `api` namespace."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import statistics, views, work_setup_views

router = SimpleRouter()
router.register("districts", views.DistrictViewSet, basename="district")
router.register("streets", views.StreetViewSet, basename="street")
router.register("areas", views.AreaViewSet, basename="area")
router.register("compounds", views.CompoundViewSet, basename="compound")
router.register("buildings", views.BuildingViewSet, basename="building")
router.register("programmes", views.ProgrammeViewSet, basename="programme")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("work-types", views.WorkTypeViewSet, basename="work-type")
router.register("work-items", views.WorkItemViewSet, basename="work-item")
router.register("progress-reports", views.ProgressReportViewSet, basename="progress-report")
router.register("progress-photos", views.ProgressPhotoViewSet, basename="progress-photo")
router.register("site-problems", views.SiteProblemViewSet, basename="site-problem")
router.register(
    "acceptance-records", work_setup_views.AcceptanceRecordViewSet, basename="acceptance-record"
)

urlpatterns = [
    *router.urls,
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
