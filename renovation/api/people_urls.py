"""Routes of the people API (accounts and API keys), under /api/v1/ in the `api` namespace."""

from rest_framework.routers import SimpleRouter

from . import people_views

router = SimpleRouter()
router.register("users", people_views.UserViewSet, basename="user")
router.register("api-keys", people_views.ApiKeyViewSet, basename="api-key")

urlpatterns = router.urls
