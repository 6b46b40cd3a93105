"""Routes of the programmes API, included under /api/v1/ in the `api` namespace."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import geography_views, programme_import_views, views, work_setup_views

router = SimpleRouter()
router.register("districts", views.DistrictViewSet, basename="district")
# Geography set-up (issue 13): the read-only viewsets with POST, PATCH and the merge.
router.register("streets", geography_views.StreetSetupViewSet, basename="street")
router.register("communities", geography_views.CommunityViewSet, basename="community")
router.register("areas", geography_views.AreaSetupViewSet, basename="area")
router.register("compounds", geography_views.CompoundSetupViewSet, basename="compound")
router.register("buildings", geography_views.BuildingSetupViewSet, basename="building")
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
    path(
        "programmes/<int:pk>/import/",
        programme_import_views.ProgrammeImportApi.as_view(),
        name="programme-import",
    ),
    *router.urls,
]
