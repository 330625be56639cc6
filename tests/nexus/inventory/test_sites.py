"""Every physical warehouse has its role locations (transit, quality hold, repair, staging): new
ones and, by migration, existing ones."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from nexus.core import scope
from nexus.inventory.models import Location, LocationKind, Warehouse, WarehouseKind
from nexus.inventory.services import add_default_location, staging_location
from tests.factories.inventory import LocationFactory, WarehouseFactory
from tests.factories.people import TenantFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("nexus.inventory.migrations.0004_physical_warehouse_transit_locations")
staging_migration = importlib.import_module("nexus.inventory.migrations.0005_staged_reservations")
role_migration = importlib.import_module("nexus.inventory.migrations.0006_repair_and_quality_hold_locations")
ROLES = [("QHOLD", "quality_hold"), ("REPAIR", "repair")]


def locations(warehouse: Warehouse) -> list[tuple[str, str]]:
    return list(Location.objects.filter(warehouse=warehouse).order_by("code").values_list("code", "kind"))


def test_a_new_physical_warehouse_gets_stock_and_its_role_locations(site):
    warehouse = WarehouseFactory.create(code="MUC1")

    created = add_default_location(warehouse)

    assert created is not None
    assert created.code == "STOCK"
    assert locations(warehouse) == [
        *ROLES,
        ("STAGING", "staging"),
        ("STOCK", "stock"),
        ("TRANSIT", "transit"),
    ]


def test_a_physical_warehouse_with_locations_gets_only_its_missing_role_locations(site):
    warehouse = WarehouseFactory.create(code="MUC1")
    LocationFactory.create(warehouse=warehouse, code="A-STOCK")
    LocationFactory.create(warehouse=warehouse, code="QC", kind="quality_hold")

    assert add_default_location(warehouse) is None
    assert add_default_location(warehouse) is None

    assert locations(warehouse) == [
        ("A-STOCK", "stock"),
        ("QC", "quality_hold"),
        ("REPAIR", "repair"),
        ("STAGING", "staging"),
        ("TRANSIT", "transit"),
    ]


def test_a_warehouse_with_a_staging_location_keeps_it_as_its_staging(site):
    warehouse = WarehouseFactory.create(code="MUC1")
    dock = LocationFactory.create(warehouse=warehouse, code="DOCK", kind=LocationKind.STAGING)

    add_default_location(warehouse)

    assert locations(warehouse) == [("DOCK", "staging"), *ROLES, ("TRANSIT", "transit")]
    assert staging_location(warehouse.pk) == dock


@pytest.mark.parametrize(
    ("kind", "expected"),
    [(WarehouseKind.TRANSIT, [("TRANSIT", "transit")]), (WarehouseKind.DROPSHIP, [])],
)
def test_transit_and_dropship_warehouses_get_no_extra_transit_location(site, kind, expected):
    warehouse = WarehouseFactory.create(code="X1", kind=kind)

    add_default_location(warehouse)

    assert locations(warehouse) == expected


def test_the_migration_adds_a_transit_location_to_existing_physical_warehouses_of_every_tenant(site):
    other = TenantFactory.create(slug="other")
    with scope.tenant(other):
        elsewhere = WarehouseFactory.create(code="PAR1")
        LocationFactory.create(warehouse=elsewhere, code="STOCK")
    with_transit = WarehouseFactory.create(code="MUC1")
    add_default_location(with_transit)
    dropship = WarehouseFactory.create(code="DS", kind=WarehouseKind.DROPSHIP)

    migration.add_transit_locations(apps, SimpleNamespace(connection=connection))
    migration.add_transit_locations(apps, SimpleNamespace(connection=connection))

    assert locations(site.warehouse)[-1] == ("TRANSIT", "transit")
    assert locations(with_transit) == [
        *ROLES,
        ("STAGING", "staging"),
        ("STOCK", "stock"),
        ("TRANSIT", "transit"),
    ]
    assert locations(dropship) == []
    with scope.tenant(other):
        assert locations(elsewhere) == [("STOCK", "stock"), ("TRANSIT", "transit")]
        assert Location.objects.get(warehouse=elsewhere, code="TRANSIT").tenant_id == other.pk


def test_the_migration_adds_a_staging_location_to_existing_physical_warehouses_of_every_tenant(site):
    other = TenantFactory.create(slug="other")
    with scope.tenant(other):
        elsewhere = WarehouseFactory.create(code="PAR1")
        LocationFactory.create(warehouse=elsewhere, code="STOCK")
    dropship = WarehouseFactory.create(code="DS", kind=WarehouseKind.DROPSHIP)

    staging_migration.add_staging_locations(apps, SimpleNamespace(connection=connection))
    staging_migration.add_staging_locations(apps, SimpleNamespace(connection=connection))

    assert [code for code, kind in locations(site.warehouse) if kind == "staging"] == ["STAGE"]
    assert locations(dropship) == []
    with scope.tenant(other):
        assert locations(elsewhere) == [("STAGING", "staging"), ("STOCK", "stock")]
        assert Location.objects.get(warehouse=elsewhere, code="STAGING").tenant_id == other.pk


def test_the_role_migration_adds_quality_hold_and_repair_to_existing_physical_warehouses(site):
    other = TenantFactory.create(slug="other")
    with scope.tenant(other):
        elsewhere = WarehouseFactory.create(code="PAR1")
        LocationFactory.create(warehouse=elsewhere, code="STOCK")
        LocationFactory.create(warehouse=elsewhere, code="repair", kind="stock")
    dropship = WarehouseFactory.create(code="DS", kind=WarehouseKind.DROPSHIP)

    role_migration.add_role_locations(apps, SimpleNamespace(connection=connection))
    role_migration.add_role_locations(apps, SimpleNamespace(connection=connection))

    assert locations(dropship) == []
    with scope.tenant(other):
        # A code already taken is left alone; the role it would fill stays empty.
        assert locations(elsewhere) == [("QHOLD", "quality_hold"), ("STOCK", "stock"), ("repair", "stock")]
        assert Location.objects.get(warehouse=elsewhere, code="QHOLD").tenant_id == other.pk
