"""Routes of the funding API, included under /api/v1/ in the `api` namespace."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import correction_views, rule_views, statistics, views

router = SimpleRouter()
router.register("funding-sources", views.FundingSourceViewSet, basename="funding-source")
router.register("commitments", views.CommitmentViewSet, basename="commitment")
router.register("allocations", views.AllocationViewSet, basename="allocation")
router.register("receipts", views.ReceiptViewSet, basename="receipt")
router.register("expenditures", views.ExpenditureViewSet, basename="expenditure")
router.register("vouchers", correction_views.VoucherViewSet, basename="voucher")
router.register(
    "contribution-rules", rule_views.ContributionRuleViewSet, basename="contribution-rule"
)

urlpatterns = [
    *router.urls,
    path(
        "statistics/funding-mix/",
        statistics.FundingMixView.as_view(),
        name="statistics-funding-mix",
    ),
]
