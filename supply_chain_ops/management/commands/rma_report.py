"""``manage.py rma_report --tenant SLUG [--since YYYY-MM-DD]``: returns by reason and by disposition."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nexus.core import scope
from nexus.core.errors import NotFound
from nexus.core.tenants import tenant_id_for_slug
from supply_chain_ops.workflows.rma_report import summary


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since {value!r} is not a date (YYYY-MM-DD).") from None


def _q(value: Any) -> str:
    return f"{value.normalize():f}"


class Command(BaseCommand):
    help = (
        "Summarise a tenant's returns: RMAs opened per reason (how many, how many rejected, the "
        "quantities requested and received) and inspected goods per disposition (quantity, value)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", metavar="SLUG", required=True, help="The tenant to report on.")
        parser.add_argument("--since", metavar="DATE", help="Only RMAs opened (goods inspected) since then.")

    def handle(self, *args: Any, **options: Any) -> None:
        since = _date(options["since"]) if options["since"] else None
        try:
            tenant_id = tenant_id_for_slug(options["tenant"])
        except NotFound as error:
            raise CommandError(error.detail) from error
        with scope.tenant(tenant_id):
            reasons, dispositions = summary(since)
        period = f" since {since.isoformat()}" if since else ""
        self.stdout.write(f"Returns of {options['tenant']}{period}")
        self.stdout.write("")
        self.stdout.write(f"{'reason':<24} {'RMAs':>6} {'rejected':>9} {'requested':>11} {'received':>11}")
        for row in reasons:
            figures = f"{row.rmas:>6} {row.rejected:>9} {_q(row.requested):>11} {_q(row.received):>11}"
            self.stdout.write(f"{row.code:<24} {figures}")
        if not reasons:
            self.stdout.write("(no RMAs)")
        self.stdout.write("")
        self.stdout.write(f"{'disposition':<24} {'quantity':>11} {'value':>14}")
        for line in dispositions:
            self.stdout.write(f"{line.disposition:<24} {_q(line.quantity):>11} {_q(line.value):>14}")
        if not dispositions:
            self.stdout.write("(nothing inspected)")
