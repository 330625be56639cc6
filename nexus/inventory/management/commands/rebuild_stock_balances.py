"""``manage.py rebuild_stock_balances [--tenant slug]``: rewrite balances and availability from the ledger."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from nexus.core import scope
from nexus.inventory.services import rebuild_stock_balances

from ._tenants import add_tenant_argument, tenants_for

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Rewrite stock balances, availability (on hand, value, average cost, reserved) and cost-layer "
        "remainders from the stock ledger, layer consumptions and reservations, tenant by tenant."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_tenant_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        for tenant in tenants_for(options["tenant"]):
            with scope.tenant(tenant):
                written = rebuild_stock_balances(progress=self._progress_bar(tenant.slug))
            if written:
                self.stdout.write("")
            self.stdout.write(self.style.SUCCESS(f"{tenant.slug}: {written} row(s) rebuilt from the ledger."))

    def _progress_bar(self, label: str) -> Any:
        def show(done: int, total: int) -> None:
            filled = BAR_WIDTH * done // total if total else BAR_WIDTH
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            self.stdout.write(f"\r{label} [{bar}] {done}/{total}", ending="")
            self.stdout.flush()

        return show
