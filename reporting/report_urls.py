from django.urls import path

from . import report_views as views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("ledger.xlsx", views.ledger_export, {"fmt": "xlsx"}, name="ledger-xlsx"),
    path("ledger.csv", views.ledger_export, {"fmt": "csv"}, name="ledger-csv"),
    path("exports/<int:pk>/", views.export_job, name="export-job"),
    path("exports/<int:pk>/download/", views.export_job_download, name="export-download"),
    path("returns/annual.xlsx", views.annual_return, name="annual-return"),
    path("returns/monthly.xlsx", views.monthly_return, name="monthly-return"),
    path("weekly/", views.weekly_report, name="weekly"),
    path("monthly/", views.monthly_bulletin, name="monthly"),
    path("census/", views.census_import, name="census-import"),
    path("census/template.xlsx", views.census_template, name="census-template"),
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification-read"),
    path("notifications/read-all/", views.notification_read_all, name="notification-read-all"),
]
