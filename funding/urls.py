from django.urls import path

from . import correction_views, rule_views, views

app_name = "funding"

urlpatterns = [
    path("mix/", views.mix, name="mix"),
    path("projects/<int:pk>/", views.project_funding, name="project"),
    path(
        "projects/<int:pk>/commitments/new/",
        views.project_commitment_create,
        name="project-commitment-create",
    ),
    path("programmes/<int:pk>/", views.programme_funding, name="programme"),
    path(
        "programmes/<int:pk>/commitments/new/",
        views.programme_commitment_create,
        name="programme-commitment-create",
    ),
    path("programmes/<int:pk>/rules/new/", rule_views.rule_create, name="rule-create"),
    path("commitments/<int:pk>/", views.commitment_detail, name="commitment-detail"),
    path("commitments/<int:pk>/approve/", views.commitment_approve, name="commitment-approve"),
    path("commitments/<int:pk>/receipts/new/", views.receipt_create, name="receipt-create"),
    path(
        "commitments/<int:pk>/expenditures/new/",
        views.expenditure_create,
        name="expenditure-create",
    ),
    path(
        "commitments/<int:pk>/allocations/new/",
        views.allocation_create,
        name="allocation-create",
    ),
    # Corrections without deletes (冲销), lines as published, contributions in kind, vouchers.
    path(
        "commitments/<int:pk>/reverse/",
        correction_views.commitment_reverse,
        name="commitment-reverse",
    ),
    path("commitments/<int:pk>/split/", correction_views.commitment_split, name="commitment-split"),
    path("commitments/<int:pk>/value/", correction_views.commitment_value, name="commitment-value"),
    path("receipts/<int:pk>/", correction_views.receipt_detail, name="receipt-detail"),
    path("receipts/<int:pk>/reverse/", correction_views.receipt_reverse, name="receipt-reverse"),
    path("expenditures/<int:pk>/", correction_views.expenditure_detail, name="expenditure-detail"),
    path(
        "expenditures/<int:pk>/reverse/",
        correction_views.expenditure_reverse,
        name="expenditure-reverse",
    ),
    path("vouchers/<int:pk>/", correction_views.voucher_file, name="voucher-file"),
    path(
        "commitments/<int:pk>/attribute-spending/",
        correction_views.spending_attribute,
        name="spending-attribute",
    ),
]
