"""``manage.py dispatch_outbox [--once | --loop]``: run the outbox sweeper from the command line."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nexus.core.events.sweeper import SweepReport, outbox_report, sweep


class Command(BaseCommand):
    help = (
        "Deliver outbox events that Celery did not (broker down, lost message) and retry failed "
        "deliveries that are due. By default sweeps until nothing is left to do."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--once", action="store_true", help="Sweep one batch and stop.")
        mode.add_argument(
            "--loop", action="store_true", help="Keep sweeping (the embedded mode's worker); Ctrl-C stops."
        )
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds to wait when idle with --loop (default 5)."
        )
        parser.add_argument("--batch", type=int, default=None, help="Events and deliveries per sweep.")

    def handle(self, *args: Any, **options: Any) -> None:
        total = SweepReport()
        try:
            while True:
                report = sweep(options["batch"])
                total.add(report)
                if not report.idle:
                    self._progress(total)
                for error in report.errors:
                    self.stderr.write(f"  {error}")
                if options["once"]:
                    break
                if report.idle:
                    if not options["loop"]:
                        break
                    time.sleep(options["interval"])
        except KeyboardInterrupt:
            self.stdout.write("")
        state = outbox_report()
        lag, dead = state["outbox_lag_seconds"], state["outbox_dead_deliveries"]
        self.stdout.write(
            self.style.SUCCESS(f"Done: {total.summary()}.")
            + f" Lag now: {_seconds(lag)}; dead deliveries: {dead}."
        )
        if total.errors:
            raise CommandError(f"{len(total.errors)} item(s) could not be handled; see the log.")

    def _progress(self, total: SweepReport) -> None:
        self.stdout.write(f"swept so far: {total.summary()}")


def _seconds(value: Any) -> str:
    return "none waiting" if value is None else f"{value:.1f}s"
