from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from reporting import views as reporting_views

from . import views
from .login_forms import LoginForm

urlpatterns = [
    path("", reporting_views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("healthz/detail/", views.health_detail, name="healthz-detail"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=LoginForm
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("renovation.api.urls")),
    path("funding/", include("funding.urls")),
    path("reports/", include("reporting.report_urls")),
    path("statistics/", include("reporting.rollups.urls")),
    path("audit/", include("reporting.audit.urls")),
    path("people/", include("renovation.people_urls")),
    path("", include("programmes.urls")),
    path("", include("governance.urls")),
]

# Under /api/ these answer in the API's JSON error shape; elsewhere Django's pages.
handler400 = "renovation.api.failures.bad_request"
handler403 = "renovation.api.failures.permission_denied"
handler404 = "renovation.api.failures.page_not_found"
handler500 = "renovation.api.failures.server_error"
