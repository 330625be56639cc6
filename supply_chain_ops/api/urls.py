"""Routes of the supply-chain API, included under ``/api/v1/``; each workflow registers its own."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

urlpatterns = router.urls
