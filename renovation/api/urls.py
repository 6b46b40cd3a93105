"""The API: `/api/v1/` (one router per app), the OpenAPI schema and the offline docs page.

Apps add their routes to `v1_patterns`; the URL names live in the `api` namespace.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .exceptions import api_not_found

app_name = "api"

v1_patterns = [
    path("", include("programmes.api.urls")),
    path("", include("funding.api.urls")),
    path("", include("governance.api.urls")),
]

urlpatterns = [
    path("v1/", include(v1_patterns)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^.*$", api_not_found),
]
