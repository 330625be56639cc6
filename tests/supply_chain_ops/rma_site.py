"""A shipped sales order, a return reason and the people of a return, for the RMA tests.

BER1 (with its STOCK, QHOLD, REPAIR and TRANSIT locations) received 100 BOLT-10 at 2.00 and
20 PUMP-1 at 40.00; order SO-RMA-1 of customer Kunde GmbH sold 10 bolts at 25.00 less 10 %
and 4 pumps at 120.00, all shipped (bolts in two shipments of 6 and 4).
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from nexus.accounts.models import User
from nexus.core import scope
from nexus.core.models.refs import ActorRef
from nexus.inventory.models import Location, LocationKind, Product, Warehouse
from nexus.inventory.services import add_default_location, receive
from nexus.procurement.models import Vendor
from nexus.sales.models import Customer, SalesOrder, SalesOrderLine
from nexus.sales.services import confirm_order, draft_shipment, post_shipment
from nexus.tenancy.models import Role, Tenant
from supply_chain_ops.models import Rma, RmaReason
from supply_chain_ops.workflows import rmas
from tests.factories.inventory import ProductFactory, WarehouseFactory
from tests.factories.people import MembershipFactory, TenantFactory
from tests.factories.procurement import VendorFactory
from tests.factories.sales import CustomerFactory, SalesOrderFactory, SalesOrderLineFactory

SYSTEM = ActorRef.system("test stock")


@dataclass
class RmaSite:
    tenant: Tenant
    warehouse: Warehouse
    stock: Location
    hold: Location
    repair: Location
    bolt: Product
    pump: Product
    customer: Customer
    order: SalesOrder
    bolt_line: SalesOrderLine
    pump_line: SalesOrderLine
    reason: RmaReason
    defect: RmaReason
    vendor: Vendor
    clerk: User  # sales clerk: drafts and submits
    manager: User  # approves
    warehouse_clerk: User  # receives and inspects
    accountant: User  # resolves and closes


def make_rma_site(slug: str = "acme", currency: str = "USD") -> RmaSite:
    tenant = TenantFactory.create(slug=slug, name=slug.title())
    with scope.tenant(tenant):
        warehouse = WarehouseFactory.create(code="BER1", name="Berlin", address_line1="Lagerstr. 1")
        stock = add_default_location(warehouse)
        assert stock is not None
        bolt = ProductFactory.create(sku="BOLT-10", name="Bolt M10")
        pump = ProductFactory.create(sku="PUMP-1", name="Pump")
        receive(bolt.pk, stock.pk, 100, "2.00", actor=SYSTEM)
        receive(pump.pk, stock.pk, 20, "40.00", actor=SYSTEM)
        manager = MembershipFactory.create(
            tenant=tenant, role=Role.MANAGER, user__email="boss@acme.example"
        ).user
        customer = CustomerFactory.create(
            code="KUNDE", name="Kunde GmbH", email="returns@kunde.example", currency_id=currency
        )
        order = SalesOrderFactory.create(customer=customer, currency_id=currency, warehouse=warehouse)
        bolt_line = SalesOrderLineFactory.create(
            order=order,
            product=bolt,
            quantity=Decimal(10),
            unit_price=Decimal(25),
            discount_percent=Decimal(10),
        )
        pump_line = SalesOrderLineFactory.create(
            order=order, product=pump, quantity=Decimal(4), unit_price=Decimal(120)
        )
        confirm_order(order, actor=manager)
        post_shipment(draft_shipment(order, quantities={bolt_line.pk: Decimal(6)}), actor=manager)
        post_shipment(draft_shipment(order), actor=manager)
        return RmaSite(
            tenant=tenant,
            warehouse=warehouse,
            stock=stock,
            hold=warehouse.locations.get(kind=LocationKind.QUALITY_HOLD),
            repair=warehouse.locations.get(kind=LocationKind.REPAIR),
            bolt=bolt,
            pump=pump,
            customer=customer,
            order=SalesOrder.objects.get(pk=order.pk),
            bolt_line=SalesOrderLine.objects.get(pk=bolt_line.pk),
            pump_line=SalesOrderLine.objects.get(pk=pump_line.pk),
            reason=RmaReason.objects.create(code="CHANGED-MIND", name="Changed mind"),
            defect=RmaReason.objects.create(code="DEFECT", name="Defective", defective=True),
            vendor=VendorFactory.create(code="ACME", name="Acme Supplies"),
            clerk=MembershipFactory.create(
                tenant=tenant, role=Role.SALES, user__email="sales@acme.example"
            ).user,
            manager=manager,
            warehouse_clerk=MembershipFactory.create(
                tenant=tenant, role=Role.WAREHOUSE_CLERK, user__email="wh@acme.example"
            ).user,
            accountant=MembershipFactory.create(
                tenant=tenant, role=Role.ACCOUNTANT, user__email="books@acme.example"
            ).user,
        )


@pytest.fixture
def rma_site(db: None) -> Iterator[RmaSite]:
    made = make_rma_site()
    with scope.tenant(made.tenant):
        yield made


def draft_rma(
    site: RmaSite, *lines: tuple[SalesOrderLine, str], resolution: str = "refund", **options: object
) -> Rma:
    return rmas.create_rma(
        sales_order_id=site.order.pk,
        reason_id=options.pop("reason_id", site.reason.pk),  # type: ignore[arg-type]
        requested_resolution=resolution,
        lines=[(line.pk, Decimal(quantity)) for line, quantity in lines],
        actor=site.clerk,
        **options,  # type: ignore[arg-type]
    )


def approved_rma(site: RmaSite, *lines: tuple[SalesOrderLine, str], resolution: str = "refund") -> Rma:
    rma = rmas.submit(draft_rma(site, *lines, resolution=resolution), actor=site.clerk)
    return rmas.approve(rma, actor=site.manager)


def received_rma(site: RmaSite, *lines: tuple[SalesOrderLine, str], resolution: str = "refund") -> Rma:
    rma = approved_rma(site, *lines, resolution=resolution)
    return rmas.receive(rma, actor=site.warehouse_clerk).instance


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)
