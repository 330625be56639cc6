"""Routes of the procurement API, included under ``/api/v1/``."""

from rest_framework.routers import SimpleRouter

from .views import (
    GoodsReceiptViewSet,
    PurchaseOrderViewSet,
    RequisitionViewSet,
    VendorBillViewSet,
    VendorProductViewSet,
    VendorViewSet,
)

router = SimpleRouter()
router.register("vendors", VendorViewSet, basename="vendor")
router.register("vendor-products", VendorProductViewSet, basename="vendor-product")
router.register("purchase-orders", PurchaseOrderViewSet, basename="purchase-order")
router.register("goods-receipts", GoodsReceiptViewSet, basename="goods-receipt")
router.register("vendor-bills", VendorBillViewSet, basename="vendor-bill")
router.register("requisitions", RequisitionViewSet, basename="requisition")

urlpatterns = router.urls
