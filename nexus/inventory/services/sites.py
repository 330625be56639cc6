"""Warehouses get the locations they need to hold stock as soon as they exist."""

from nexus.inventory.models import Location, LocationKind, Warehouse, WarehouseKind

# The location a new warehouse starts with, by kind (a dropship warehouse holds no stock).
DEFAULT_LOCATIONS = {
    WarehouseKind.PHYSICAL: ("STOCK", "Stock", LocationKind.STOCK),
    WarehouseKind.TRANSIT: ("TRANSIT", "In transit", LocationKind.TRANSIT),
}

# The locations every physical warehouse keeps beside its stock, one per role; goods in them
# stay in the warehouse's pool (on hand, valued) but are not sellable:
# - transit: between shipping and arriving elsewhere (two-step transfers);
# - quality hold: returned goods waiting for inspection;
# - repair: returned goods being repaired, back to stock when done;
# - staging: goods staged for orders waiting on them (cross-docking), held by reservations
#   pinned to them and picked by shipping.
ROLE_LOCATIONS = (
    ("TRANSIT", "In transit", LocationKind.TRANSIT),
    ("QHOLD", "Quality hold", LocationKind.QUALITY_HOLD),
    ("REPAIR", "Repair", LocationKind.REPAIR),
    ("STAGING", "Staging", LocationKind.STAGING),
)


def add_default_location(warehouse: Warehouse) -> Location | None:
    """Give a warehouse without locations its default one (STOCK, or TRANSIT for transit ones),
    and a physical warehouse its role locations (``add_role_locations``)."""
    default = DEFAULT_LOCATIONS.get(WarehouseKind(warehouse.kind))
    location = None
    if default is not None and not warehouse.locations.exists():
        code, name, kind = default
        location = Location.objects.create(warehouse=warehouse, code=code, name=name, kind=kind)
    add_role_locations(warehouse)
    return location


def add_role_locations(warehouse: Warehouse) -> list[Location]:
    """Give a physical warehouse each role location (``ROLE_LOCATIONS``) it has none of; the new ones.

    A role is filled by any location of its kind; a code already taken (ignoring case) is not
    created again.
    """
    if warehouse.kind != WarehouseKind.PHYSICAL:
        return []
    existing = list(warehouse.locations.values_list("code", "kind"))
    kinds = {kind for _, kind in existing}
    codes = {code.upper() for code, _ in existing}
    return [
        Location.objects.create(warehouse=warehouse, code=code, name=name, kind=kind)
        for code, name, kind in ROLE_LOCATIONS
        if kind not in kinds and code not in codes
    ]


def role_location(warehouse_id: int, kind: LocationKind) -> Location | None:
    """The warehouse's active location of ``kind`` (the first by code), if it has one."""
    return (
        Location.objects.filter(warehouse_id=warehouse_id, kind=kind, active=True)
        .order_by("code", "id")
        .first()
    )


def transit_location(warehouse_id: int) -> Location | None:
    """The physical warehouse's active transit location (the first by code), if it has one."""
    return role_location(warehouse_id, LocationKind.TRANSIT)


def staging_location(warehouse_id: int) -> Location | None:
    """The physical warehouse's active staging location (the first by code), if it has one."""
    return role_location(warehouse_id, LocationKind.STAGING)
