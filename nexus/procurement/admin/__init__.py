"""Procurement in the admin: vendors and terms, purchase orders, receipts, bills, requisitions."""

from nexus.core.admin.dashboard import register_daily_count
from nexus.core.admin.navigation import Group, register_screen
from nexus.core.admin.queues import register_queue
from nexus.procurement.models import (
    GoodsReceipt,
    GoodsReceiptStatus,
    PurchaseOrder,
    PurchaseOrderStatus,
    Requisition,
    Vendor,
    VendorBill,
    VendorProduct,
)

from . import bills, purchasing, requisitions, vendors  # noqa: F401  (each registers its screens)

register_screen(Group.PURCHASING, model=PurchaseOrder, icon="shopping_cart", order=10)
register_screen(Group.PURCHASING, model=GoodsReceipt, icon="move_to_inbox", order=20)
register_screen(Group.PURCHASING, model=VendorBill, icon="request_quote", order=30)
register_screen(Group.PURCHASING, model=Requisition, icon="assignment", order=40)
register_screen(Group.PURCHASING, model=Vendor, icon="factory", order=50)
register_screen(Group.PURCHASING, model=VendorProduct, icon="sell", order=60)

register_queue(
    "procurement.orders_to_send",
    title="Purchase orders to send",
    group=Group.PURCHASING,
    permission="procurement.send_purchaseorder",
    queryset=lambda request: PurchaseOrder.objects.filter(status=PurchaseOrderStatus.DRAFT),
    changelist="admin:procurement_purchaseorder_changelist",
    filters={"status__exact": PurchaseOrderStatus.DRAFT},
    order=10,
)
register_queue(
    "procurement.receipts_to_post",
    title="Goods receipts to post",
    group=Group.PURCHASING,
    permission="procurement.post_goodsreceipt",
    queryset=lambda request: GoodsReceipt.objects.filter(status=GoodsReceiptStatus.DRAFT),
    changelist="admin:procurement_goodsreceipt_changelist",
    filters={"status__exact": GoodsReceiptStatus.DRAFT},
    order=20,
)
register_daily_count(
    "procurement.receipts_per_day",
    title="Goods received per day",
    permission="procurement.view_goodsreceipt",
    queryset=lambda request: GoodsReceipt.objects.filter(status=GoodsReceiptStatus.POSTED),
    date_field="received_at",
    changelist="admin:procurement_goodsreceipt_changelist",
    order=20,
)
