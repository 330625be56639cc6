"""``manage.py rebuild_stock_balances [--tenant slug]``: rewrite balances and availability from the ledger."""

import functools
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from nexus.core import scope
from nexus.core.progress import ProgressBar
from nexus.inventory.services import rebuild_stock_balances

from ._tenants import add_tenant_argument, tenants_for


class Command(BaseCommand):
    help = (
        "Rewrite stock balances, availability (on hand, value, average cost, reserved) and cost-layer "
        "remainders from the stock ledger, layer consumptions and reservations, tenant by tenant."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_tenant_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        bar = ProgressBar(self.stdout)
        for tenant in tenants_for(options["tenant"]):
            with scope.tenant(tenant):
                written = rebuild_stock_balances(progress=functools.partial(bar, tenant.slug))
            bar.finish()
            self.stdout.write(self.style.SUCCESS(f"{tenant.slug}: {written} row(s) rebuilt from the ledger."))
