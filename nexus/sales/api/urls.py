"""Routes of the sales API, included under ``/api/v1/``."""

from rest_framework.routers import SimpleRouter

from .views import CustomerViewSet, SalesOrderViewSet, ShipmentViewSet

router = SimpleRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("sales-orders", SalesOrderViewSet, basename="sales-order")
router.register("shipments", ShipmentViewSet, basename="shipment")

urlpatterns = router.urls
