"""Warehouses get the location they need to hold stock as soon as they exist."""

from nexus.inventory.models import Location, LocationKind, Warehouse, WarehouseKind

# The location a new warehouse starts with, by kind (a dropship warehouse holds no stock).
DEFAULT_LOCATIONS = {
    WarehouseKind.PHYSICAL: ("STOCK", "Stock", LocationKind.STOCK),
    WarehouseKind.TRANSIT: ("TRANSIT", "In transit", LocationKind.TRANSIT),
}

# Where a physical warehouse's goods wait between shipping and arriving elsewhere (two-step
# transfers): they stay in the shipping warehouse's pool, but not sellable.
TRANSIT_LOCATION = ("TRANSIT", "In transit", LocationKind.TRANSIT)


def add_default_location(warehouse: Warehouse) -> Location | None:
    """Give a warehouse without locations its default one (STOCK, or TRANSIT for transit ones),
    and a physical warehouse its transit location (``add_transit_location``)."""
    default = DEFAULT_LOCATIONS.get(WarehouseKind(warehouse.kind))
    location = None
    if default is not None and not warehouse.locations.exists():
        code, name, kind = default
        location = Location.objects.create(warehouse=warehouse, code=code, name=name, kind=kind)
    add_transit_location(warehouse)
    return location


def add_transit_location(warehouse: Warehouse) -> Location | None:
    """Give a physical warehouse without a transit location its ``TRANSIT`` one."""
    if warehouse.kind != WarehouseKind.PHYSICAL:
        return None
    if warehouse.locations.filter(kind=LocationKind.TRANSIT).exists():
        return None
    code, name, kind = TRANSIT_LOCATION
    return Location.objects.create(warehouse=warehouse, code=code, name=name, kind=kind)


def transit_location(warehouse_id: int) -> Location | None:
    """The physical warehouse's active transit location (the first by code), if it has one."""
    return (
        Location.objects.filter(warehouse_id=warehouse_id, kind=LocationKind.TRANSIT, active=True)
        .order_by("code", "id")
        .first()
    )
