"""Warehouses get the location they need to hold stock as soon as they exist."""

from nexus.inventory.models import Location, LocationKind, Warehouse, WarehouseKind

# The location a new warehouse starts with, by kind (a dropship warehouse holds no stock).
DEFAULT_LOCATIONS = {
    WarehouseKind.PHYSICAL: ("STOCK", "Stock", LocationKind.STOCK),
    WarehouseKind.TRANSIT: ("TRANSIT", "In transit", LocationKind.TRANSIT),
}


def add_default_location(warehouse: Warehouse) -> Location | None:
    """Give a warehouse without locations its default one (STOCK, or TRANSIT for transit ones)."""
    default = DEFAULT_LOCATIONS.get(WarehouseKind(warehouse.kind))
    if default is None or warehouse.locations.exists():
        return None
    code, name, kind = default
    return Location.objects.create(warehouse=warehouse, code=code, name=name, kind=kind)
