from django.urls import path

from . import geography_views, history_views, setup_urls, views

app_name = "programmes"

urlpatterns = [
    path("compounds/", views.compound_list, name="compound-list"),
    path("compounds/<int:pk>/", views.compound_detail, name="compound-detail"),
    path("projects/<int:pk>/progress/", views.progress_file, name="progress-file"),
    path("projects/<int:pk>/stage/", views.stage_change, name="stage-change"),
    path(
        "projects/<int:pk>/historical-record/",
        history_views.historical_record,
        name="historical-record",
    ),
    path("projects/<int:pk>/problems/new/", views.problem_raise, name="problem-raise"),
    path("problems/<int:pk>/close/", views.problem_close, name="problem-close"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("reports/<int:pk>/return/", views.report_return, name="report-return"),
    # Geography set-up (区划与小区), district officials.
    path("setup/geography/", geography_views.geography, name="geography"),
    path("setup/streets/new/", geography_views.street_create, name="street-create"),
    path("setup/streets/<int:pk>/", geography_views.street_edit, name="street-edit"),
    path("setup/communities/new/", geography_views.community_create, name="community-create"),
    path("setup/communities/<int:pk>/", geography_views.community_edit, name="community-edit"),
    path("setup/areas/new/", geography_views.area_create, name="area-create"),
    path("setup/areas/<int:pk>/", geography_views.area_edit, name="area-edit"),
    path("compounds/new/", geography_views.compound_create, name="compound-create"),
    path("compounds/<int:pk>/edit/", geography_views.compound_edit, name="compound-edit"),
    path("compounds/<int:pk>/merge/", geography_views.compound_merge, name="compound-merge"),
    path(
        "compounds/<int:pk>/buildings/new/",
        geography_views.building_create,
        name="building-create",
    ),
    path("buildings/<int:pk>/edit/", geography_views.building_edit, name="building-edit"),
]
urlpatterns += setup_urls.urlpatterns
