"""Demo data for the supply-chain domains: a year of purchasing, receiving, selling and shipping.

``load_history(tenant, size="full", out=sys.stdout)`` fills a tenant (the demo tenant, from
``manage.py load_demo``) with warehouses in four US cities, a few hundred industrial supplies
with weights and volumes, vendors with terms (a few of them late deliverers, some billing in
EUR or CAD at the daily exchange rates of ``rates``), customers with coordinates, and a
simulated year of history (``simulation``), written set-based (``writing``) and leaving
``check_stock_ledger`` clean, with each document's transition log and audit events
(``transitions``), sealed. Deterministic (fixed seed) and idempotent: a tenant that already
has the demo's warehouses gets nothing new.
"""

import datetime as dt
import random
import sys
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from nexus.core import scope
from nexus.core.audit.sealer import seal_chains
from nexus.core.transitions import record_past_transitions
from nexus.inventory.models import Warehouse
from nexus.inventory.services import rebuild_stock_balances
from nexus.tenancy.models import Tenant

from . import catalog
from .progress import Output, ProgressBar
from .rates import daily_rates
from .simulation import first_order_day, simulate
from .sizes import SIZES, Size
from .transitions import document_transitions
from .writing import ACTOR, Writer

SEED = 2026
RATES_FOR = dt.timedelta(days=365)


@dataclass(frozen=True)
class Loaded:
    """What a load did: nothing (already there) or how much it made."""

    created: bool
    products: int = 0
    purchase_orders: int = 0
    sales_orders: int = 0
    stock_moves: int = 0


def load_history(tenant: Tenant, *, size: str | Size = "full", out: Output = sys.stdout) -> Loaded:
    """Load the demo's master data and year of history into ``tenant`` unless it is there already.

    Runs in one transaction in the tenant's scope. The ledger it writes passes
    ``check_stock_ledger`` (its tests prove it; ``manage.py check_stock_ledger`` does too).
    ``size`` names one of ``SIZES`` or is a shape of its own (the scale benchmark loads a slice).
    """
    shape = SIZES[size] if isinstance(size, str) else size
    with scope.tenant(tenant), transaction.atomic():
        if Warehouse.objects.filter(code=catalog.WAREHOUSES[0][0]).exists():
            return Loaded(created=False)
        bar = ProgressBar(out, total=13)
        rng = random.Random(SEED)  # noqa: S311  (reproducible demo data, not secrets)
        products = catalog.products(shape, rng)
        vendors = catalog.vendors(shape)
        customers = catalog.customers(shape)
        today = timezone.localdate()
        # At least a year of rates, and one for every day a purchase order is placed.
        rates = daily_rates(min(first_order_day(shape, today), today - RATES_FOR), today)
        bar.step("simulating a year of trading")
        history = simulate(shape, products, vendors, customers, today, rng, rates)
        writer = Writer(tenant.pk, history, rng)
        bar.step("warehouses, products, vendors and customers")
        writer.master_data(products, vendors, customers, shape.warehouses)
        bar.step("daily exchange rates")
        writer.exchange_rates(rates)
        bar.step("purchase orders and goods receipts")
        writer.purchasing()
        bar.step("sales orders and shipments")
        writer.selling()
        bar.step("stock moves, cost layers and consumptions")
        writer.ledger()
        bar.step("reservations of open orders")
        writer.reservations()
        bar.step("vendor bills")
        writer.bills()
        bar.step("requisitions and credit notes")
        writer.requisitions()
        writer.credit_notes()
        writer.todays_drafts()
        bar.step("historical events")
        writer.document_events()
        writer.save_events()
        bar.step("transition logs and audit events, sealed")
        record_past_transitions(document_transitions(writer), actor=ACTOR, tenant_id=tenant.pk)
        seal_chains([tenant.pk])
        writer.numbers.save_counters(tenant.pk)
        bar.step("balances and availability from the ledger")
        rebuild_stock_balances()
        bar.step("done")
    return Loaded(
        created=True,
        products=len(products),
        purchase_orders=len(history.purchase_orders),
        sales_orders=len(history.sales_orders),
        stock_moves=len(history.moves),
    )
