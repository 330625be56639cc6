"""The inventory admin: catalogue and sites editable, the ledger and its balances read-only."""

from nexus.core.admin.dashboard import register_breakdown, tenant_currency
from nexus.core.admin.navigation import Group, register_screen
from nexus.inventory.models import (
    CostLayer,
    Location,
    Product,
    Reservation,
    StockAvailability,
    StockBalance,
    StockMove,
    Warehouse,
)
from nexus.inventory.services.queries import stock_value_by_warehouse

from . import catalog, ledger, reservations, sites  # noqa: F401  (each registers its screens)

register_screen(Group.INVENTORY, model=Product, icon="category", order=10)
register_screen(Group.INVENTORY, model=StockMove, title="Stock ledger", icon="swap_horiz", order=20)
register_screen(Group.INVENTORY, model=StockBalance, icon="stacked_bar_chart", order=30)
register_screen(Group.INVENTORY, model=StockAvailability, icon="fact_check", order=40)
register_screen(Group.INVENTORY, model=Reservation, icon="bookmark_added", order=50)
register_screen(Group.INVENTORY, model=CostLayer, icon="layers", order=60)
register_screen(Group.INVENTORY, model=Warehouse, icon="warehouse", order=70)
register_screen(Group.INVENTORY, model=Location, icon="shelves", order=80)

register_breakdown(
    "inventory.stock_value_by_warehouse",
    title="Stock value by warehouse",
    permission="inventory.view_stockavailability",
    rows=lambda request: stock_value_by_warehouse(),
    unit=tenant_currency,
    changelist="admin:inventory_stockavailability_changelist",
)
