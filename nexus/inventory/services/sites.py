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

# Where a physical warehouse stages goods for orders waiting on them (cross-docking): not
# sellable, held by reservations pinned to it, picked by shipping.
STAGING_LOCATION = ("STAGING", "Staging", LocationKind.STAGING)


def add_default_location(warehouse: Warehouse) -> Location | None:
    """Give a warehouse without locations its default one (STOCK, or TRANSIT for transit ones),
    and a physical warehouse its transit and staging locations."""
    default = DEFAULT_LOCATIONS.get(WarehouseKind(warehouse.kind))
    location = None
    if default is not None and not warehouse.locations.exists():
        code, name, kind = default
        location = Location.objects.create(warehouse=warehouse, code=code, name=name, kind=kind)
    add_transit_location(warehouse)
    add_staging_location(warehouse)
    return location


def add_transit_location(warehouse: Warehouse) -> Location | None:
    """Give a physical warehouse without a transit location its ``TRANSIT`` one."""
    return _add_missing(warehouse, TRANSIT_LOCATION)


def transit_location(warehouse_id: int) -> Location | None:
    """The physical warehouse's active transit location (the first by code), if it has one."""
    return _first_active(warehouse_id, LocationKind.TRANSIT)


def add_staging_location(warehouse: Warehouse) -> Location | None:
    """Give a physical warehouse without a staging location its ``STAGING`` one."""
    return _add_missing(warehouse, STAGING_LOCATION)


def staging_location(warehouse_id: int) -> Location | None:
    """The physical warehouse's active staging location (the first by code), if it has one."""
    return _first_active(warehouse_id, LocationKind.STAGING)


def _add_missing(warehouse: Warehouse, spec: tuple[str, str, LocationKind]) -> Location | None:
    """Create ``spec``'s location in a physical warehouse that has no location of its kind."""
    code, name, kind = spec
    if warehouse.kind != WarehouseKind.PHYSICAL or warehouse.locations.filter(kind=kind).exists():
        return None
    return Location.objects.create(warehouse=warehouse, code=code, name=name, kind=kind)


def _first_active(warehouse_id: int, kind: LocationKind) -> Location | None:
    return (
        Location.objects.filter(warehouse_id=warehouse_id, kind=kind, active=True)
        .order_by("code", "id")
        .first()
    )
