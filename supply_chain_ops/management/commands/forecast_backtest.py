"""``manage.py forecast_backtest --tenant SLUG [--weeks N]``: forecast accuracy on held-out weeks."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from nexus.core import scope
from supply_chain_ops import wiring
from supply_chain_ops.services.backtest import backtest

WEEK = 7


class Command(BaseCommand):
    help = (
        "Hold out the last N weeks of every product's daily demand per warehouse, forecast them from "
        "the days before, and report WAPE and MASE per method and overall beside the naive "
        "last-value forecast."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", metavar="SLUG", required=True)
        parser.add_argument("--weeks", type=int, default=4, help="Weeks held out (default 4).")

    def handle(self, *args: Any, tenant: str, weeks: int, **options: Any) -> None:
        found = wiring.replenishment_data().tenants(tenant)
        if not found:
            raise CommandError(f"There is no tenant with the slug {tenant!r}.")
        if weeks < 1:
            raise CommandError("--weeks must be at least 1.")
        with scope.tenant(found[0][0]):
            data = wiring.replenishment_data()
            days = data.policy().history_days
            end = timezone.localdate() - dt.timedelta(days=1)
            start = end - dt.timedelta(days=days - 1)
            history = data.demand_history(start, end)
        horizon = weeks * WEEK
        if history.quantities.shape[1] <= horizon + 2 * WEEK:
            raise CommandError(
                f"{days} days of history leave too little to fit before {weeks} held-out weeks."
            )
        scores = backtest(history.quantities, start.weekday(), horizon)
        if not scores:
            self.stdout.write("No series with demand to test.")
            return
        self.stdout.write(f"{len(history.keys)} series, {days} days, the last {weeks} weeks held out.")
        self.stdout.write(
            f"{'method':<10} {'series':>7} {'WAPE':>7} {'MASE':>7} {'naive WAPE':>11} {'naive MASE':>11}"
        )
        for s in scores:
            self.stdout.write(
                f"{s.group:<10} {s.series:>7} {s.wape:>7.3f} {s.mase:>7.3f} "
                f"{s.naive_wape:>11.3f} {s.naive_mase:>11.3f}"
            )
