"""Sales in the admin: customers, sales orders and shipments."""

from nexus.core.admin.dashboard import register_daily_count
from nexus.core.admin.navigation import Group, register_screen
from nexus.core.admin.queues import register_queue
from nexus.sales.models import (
    Customer,
    SalesOrder,
    SalesOrderStatus,
    Shipment,
    ShipmentStatus,
    short_stock_lines,
)

from . import customers, orders  # noqa: F401  (each registers its screens)

register_screen(Group.SALES, model=SalesOrder, icon="receipt_long", order=10)
register_screen(Group.SALES, model=Shipment, icon="local_shipping", order=20)
register_screen(Group.SALES, model=Customer, icon="storefront", order=30)

register_queue(
    "sales.orders_to_confirm",
    title="Sales orders to confirm",
    group=Group.SALES,
    permission="sales.confirm_salesorder",
    queryset=lambda request: SalesOrder.objects.filter(status=SalesOrderStatus.DRAFT),
    changelist="admin:sales_salesorder_changelist",
    filters={"status__exact": SalesOrderStatus.DRAFT},
    order=10,
)
register_queue(
    "sales.short_stock_lines",
    title="Order lines short of stock",
    description="Confirmed but not all reserved: reserve when stock arrives.",
    group=Group.SALES,
    permission="sales.change_salesorder",
    queryset=lambda request: short_stock_lines(),
    changelist="admin:sales_salesorder_changelist",
    filters={"short_stock": "yes"},
    order=20,
)
register_queue(
    "sales.shipments_to_post",
    title="Shipments to post",
    group=Group.SALES,
    permission="sales.post_shipment",
    queryset=lambda request: Shipment.objects.filter(status=ShipmentStatus.DRAFT),
    changelist="admin:sales_shipment_changelist",
    filters={"status__exact": ShipmentStatus.DRAFT},
    order=30,
)
register_daily_count(
    "sales.orders_per_day",
    title="Sales orders per day",
    permission="sales.view_salesorder",
    queryset=lambda request: SalesOrder.objects.exclude(status=SalesOrderStatus.CANCELLED),
    date_field="order_date",
    changelist="admin:sales_salesorder_changelist",
    order=10,
)
