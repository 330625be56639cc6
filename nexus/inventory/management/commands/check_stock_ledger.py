"""``manage.py check_stock_ledger [--tenant slug]``: prove ledger == balances == availability == layers."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nexus.core import scope
from nexus.inventory.services import check_stock_ledger

from ._tenants import add_tenant_argument, tenants_for


class Command(BaseCommand):
    help = (
        "Recompute balances, availability, valuation, cost layers and reserved quantities from the "
        "stock ledger and compare them with the stored rows. Exits 0 when they agree, else names "
        "the first difference of each tenant and exits 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_tenant_argument(parser)
        parser.add_argument("--all", action="store_true", help="List every difference, not only the first.")

    def handle(self, *args: Any, **options: Any) -> None:
        tenants = tenants_for(options["tenant"])
        failing = 0
        for tenant in tenants:
            with scope.tenant(tenant):
                differences = check_stock_ledger()
            if not differences:
                self.stdout.write(f"{tenant.slug}: the stock ledger and its balances agree.")
                continue
            failing += 1
            shown = differences if options["all"] else differences[:1]
            for difference in shown:
                self.stderr.write(f"{tenant.slug}: {difference}")
            if len(differences) > len(shown):
                self.stderr.write(
                    f"{tenant.slug}: … and {len(differences) - len(shown)} more (--all lists them)."
                )
        if failing:
            raise CommandError(
                f"The stock ledger disagrees with its balances in {failing} of {len(tenants)} tenant(s); "
                "rebuild_stock_balances rewrites them from the ledger.",
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS(f"Checked {len(tenants)} tenant(s): no differences."))
