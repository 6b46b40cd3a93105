from django.urls import path

from . import views

app_name = "rollups"

urlpatterns = [
    path("recompute/", views.recompute, name="recompute"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/status/", views.run_status, name="run-status"),
    path("all/", views.scope_statistics, {"kind": "all"}, name="all"),
    path("<slug:kind>/<int:pk>/", views.scope_statistics, name="scope"),
]
