"""``manage.py refresh_lead_times [--tenant slug]``: relearn every vendor's lead times from receipts."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from nexus.core import scope
from supply_chain_ops.coordinators.lead_times import refresh_lead_times
from supply_chain_ops.models import VendorLeadTime

from ._tenants import add_tenant_argument, tenants_for


class Command(BaseCommand):
    help = (
        "Recompute each vendor's lead time per product from purchase order to goods receipt history "
        "(the quoted lead time where history is thin) and the vendors' delivery statistics."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_tenant_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        for tenant in tenants_for(options["tenant"]):
            with scope.tenant(tenant):
                stored = refresh_lead_times()
                learnt = VendorLeadTime.objects.filter(source="history").count()
            noun = "lead time" if stored == 1 else "lead times"
            self.stdout.write(f"{tenant.slug}: {stored} {noun} stored ({learnt} from history).")
