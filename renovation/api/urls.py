"""The API: `/api/v1/` (one router per app), the OpenAPI schema and the offline docs page.

Apps add their routes to `v1_patterns`; the URL names live in the `api` namespace.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .failures import api_not_found

app_name = "api"

v1_patterns = [
    path("", include("programmes.api.urls")),
    path("", include("funding.api.urls")),
    path("", include("governance.api.urls")),
    path("", include("reporting.api.urls")),
    path("", include("renovation.api.people_urls")),
]

urlpatterns = [
    path("v1/", include(v1_patterns)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's init script as a file of its own (?script), and the
    # template keeps its styles in static/: the page holds under the strict CSP.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    # [\s\S]: a path holding a newline (%0A) is still a JSON 404.
    re_path(r"^[\s\S]*$", api_not_found),
]
