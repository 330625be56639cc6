"""Routes of the supply-chain API, included under ``/api/v1/``; each workflow registers its own."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .atp import AtpView, PromiseViewSet
from .landed_costs import LandedCostViewSet
from .transfers import TransferOrderViewSet

router = SimpleRouter()
router.register("landed-costs", LandedCostViewSet, basename="landed-cost")
router.register("transfer-orders", TransferOrderViewSet, basename="transfer-order")
router.register("promises", PromiseViewSet, basename="promise")

urlpatterns = [path("atp/", AtpView.as_view(), name="atp"), *router.urls]
