from django.urls import path

from . import history_views, setup_urls, views

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
]
urlpatterns += setup_urls.urlpatterns
