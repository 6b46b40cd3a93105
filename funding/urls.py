from django.urls import path

from . import rule_views, views

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
]
