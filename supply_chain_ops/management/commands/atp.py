"""``manage.py atp SKU --quantity 40 [--warehouse BER1] --tenant acme``: when, from where, how surely."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nexus.core import scope
from supply_chain_ops import wiring
from supply_chain_ops.coordinators.atp import AtpRequest, available_to_promise

from ._tenants import add_tenant_argument, tenants_for


class Command(BaseCommand):
    help = (
        "Answer when a quantity of a product can be promised, from which warehouse, and how sure that "
        "is; --buckets prints the daily supply, demand and cumulative ATP."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("sku")
        parser.add_argument("--quantity", required=True)
        parser.add_argument("--warehouse", action="append", default=[], metavar="CODE")
        parser.add_argument("--buckets", action="store_true")
        add_tenant_argument(parser, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            quantity = Decimal(options["quantity"])
        except InvalidOperation:
            raise CommandError(f"{options['quantity']!r} is not a quantity.") from None
        if not quantity.is_finite() or quantity <= 0:
            raise CommandError("The quantity must be positive.")
        (tenant,) = tenants_for(options["tenant"])
        with scope.tenant(tenant):
            domain = wiring.atp_domain()
            product = domain.products_by_sku([options["sku"]]).get(options["sku"])
            if product is None:
                raise CommandError(f"{tenant.slug} has no product {options['sku']!r}.")
            sites = domain.stock_warehouses()
            by_code = {site.code.lower(): site.id for site in sites.values()}
            unknown = [code for code in options["warehouse"] if code.lower() not in by_code]
            if unknown:
                raise CommandError(f"No warehouse holding stock with the code {', '.join(unknown)}.")
            chosen = tuple(by_code[code.lower()] for code in options["warehouse"]) or None
            (answer,) = available_to_promise(
                [AtpRequest(product.id, quantity, chosen)], with_buckets=options["buckets"]
            )
        self._print(answer, sites)

    def _print(self, answer: Any, sites: Any) -> None:
        where = ", ".join(f"{s.warehouse_code} {s.quantity.normalize():f}" for s in answer.sources) or "-"
        when = answer.promise_date.isoformat() if answer.promise_date else "cannot be promised"
        self.stdout.write(
            f"{answer.product.sku} x {answer.quantity.normalize():f}: {when} from {where} "
            f"({answer.basis}), confidence {answer.confidence:.2f}"
        )
        details = ", ".join(f"{k} {v}" for k, v in answer.breakdown.items() if k != "basis")
        self.stdout.write(f"  because: {details}")
        for warehouse, promisable in answer.promisable.items():
            self.stdout.write(
                f"  {sites[warehouse].code}: {promisable.normalize():f} promisable over the horizon"
            )
            for bucket in (answer.buckets or {}).get(warehouse, []):
                if bucket.supply or bucket.demand:
                    self.stdout.write(
                        f"    {bucket.date}  supply {bucket.supply.normalize():f}  demand "
                        f"{bucket.demand.normalize():f}  ATP {bucket.cumulative_atp.normalize():f}"
                    )
