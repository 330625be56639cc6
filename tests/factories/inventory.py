"""Products, warehouses, locations and reservation sources. Create them inside ``scope.tenant(...)``.

Stock itself is never made by factories: tests post it through the inventory services, so
every balance a test sees was made the way production makes it.
"""

from decimal import Decimal

import factory

from nexus.inventory.models import Location, LocationKind, Product, Warehouse, WarehouseKind
from nexus.inventory.services import SourceRef, register_reservation_source, rows_of
from tests.factories.kernel_example import GadgetFactory
from tests.kernel_example.models import Gadget

# Inventory's own tests reserve for the kernel's example gadgets, registered the way a domain
# registers its document lines, so they need no document domain.
GADGET_SOURCE_TYPE = "kernel_example.gadget"


class ProductFactory(factory.django.DjangoModelFactory[Product]):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    unit = "pcs"
    unit_decimals = 0
    unit_weight = Decimal("1.2500")
    unit_volume = Decimal("0.002000")


class WarehouseFactory(factory.django.DjangoModelFactory[Warehouse]):
    class Meta:
        model = Warehouse

    code = factory.Sequence(lambda n: f"WH{n}")
    name = factory.Sequence(lambda n: f"Warehouse {n}")
    kind = WarehouseKind.PHYSICAL
    city = "Berlin"
    country = "DE"
    latitude = Decimal("52.520008")
    longitude = Decimal("13.404954")


class LocationFactory(factory.django.DjangoModelFactory[Location]):
    class Meta:
        model = Location

    warehouse = factory.SubFactory(WarehouseFactory)
    code = factory.Sequence(lambda n: f"LOC{n}")
    name = factory.LazyAttribute(lambda o: o.code.title())
    kind = LocationKind.STOCK


def reservation_source() -> SourceRef:
    """A new source reservations accept in the current tenant (a gadget)."""
    register_reservation_source(GADGET_SOURCE_TYPE, rows_of(Gadget))
    return SourceRef(GADGET_SOURCE_TYPE, GadgetFactory.create().pk)
