"""Routes of the inventory API, included under ``/api/v1/``."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("products", views.ProductViewSet, basename="product")
router.register("warehouses", views.WarehouseViewSet, basename="warehouse")
router.register("locations", views.LocationViewSet, basename="location")
router.register("stock-balances", views.StockBalanceViewSet, basename="stock-balance")
router.register("stock-availability", views.StockAvailabilityViewSet, basename="stock-availability")
router.register("stock-moves", views.StockMoveViewSet, basename="stock-move")
router.register("reservations", views.ReservationViewSet, basename="reservation")

urlpatterns = router.urls
