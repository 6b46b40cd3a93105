from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("governance/compounds/<int:pk>/", views.compound_governance, name="compound"),
    path(
        "governance/compounds/<int:pk>/committees/new/",
        views.committee_create,
        name="committee-create",
    ),
    path("governance/committees/<int:pk>/edit/", views.committee_edit, name="committee-edit"),
    path("governance/committees/<int:pk>/members/new/", views.member_add, name="member-add"),
    path("governance/members/<int:pk>/remove/", views.member_remove, name="member-remove"),
    path(
        "governance/compounds/<int:pk>/meetings/new/", views.meeting_create, name="meeting-create"
    ),
    path("governance/meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting-minutes"),
    path("governance/projects/<int:pk>/surveys/new/", views.survey_create, name="survey-create"),
    path("governance/compounds/<int:pk>/votes/new/", views.vote_create, name="vote-create"),
    path("governance/votes/<int:pk>/", views.vote_detail, name="vote-detail"),
    path("governance/votes/<int:pk>/tally/", views.vote_tally, name="vote-tally"),
    path("governance/votes/<int:pk>/ballots/", views.vote_ballots, name="vote-ballots"),
    path(
        "governance/compounds/<int:pk>/suggestions/new/",
        views.suggestion_create,
        name="suggestion-create",
    ),
    path("governance/suggestions/", views.suggestion_list, name="suggestion-list"),
    path("governance/suggestions/<int:pk>/", views.suggestion_detail, name="suggestion-detail"),
    path(
        "governance/projects/<int:pk>/satisfaction/new/",
        views.satisfaction_create,
        name="satisfaction-create",
    ),
    path(
        "governance/compounds/<int:pk>/management/new/",
        views.management_create,
        name="management-create",
    ),
    path("governance/projects/<int:pk>/funds/", views.fund_edit, name="fund-edit"),
    path(
        "governance/projects/<int:pk>/disclosures/new/",
        views.disclosure_create,
        name="disclosure-create",
    ),
    path("governance/disclosures/<int:pk>/edit/", views.disclosure_edit, name="disclosure-edit"),
    # Public, no login: the address printed on the notice board must never change.
    path("public/d/<slug:token>/", views.public_disclosure, name="public-disclosure"),
    path(
        "public/d/<slug:token>/print/",
        views.public_disclosure_print,
        name="public-disclosure-print",
    ),
    path("public/d/<slug:token>/qr.svg", views.public_disclosure_qr, name="public-disclosure-qr"),
]
