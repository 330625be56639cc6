"""``manage.py purge_expired [--dry-run]``: delete rows past their retention period."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from nexus.core import scope
from nexus.core.progress import ProgressBar
from nexus.core.retention import DEFAULT_BATCH_SIZE, count_expired, purge, purge_rules


class Command(BaseCommand):
    help = (
        "Run every registered purge rule (nexus.core.retention): delete, in batches, the rows older "
        "than each rule's retention period. Audit events, ledger rows and posted documents are never purged."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count what each rule would delete.")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"Rows deleted per transaction (default {DEFAULT_BATCH_SIZE}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rules = purge_rules()
        if not rules:
            self.stdout.write("No purge rules are registered.")
            return
        grand_total = 0
        bar = ProgressBar(self.stdout)
        with scope.system_context("purge_expired"):
            for rule in rules:
                if options["dry_run"]:
                    count = count_expired(rule)
                    self.stdout.write(
                        f"{rule.name}: {count} row(s) older than {rule.period()} would be deleted"
                    )
                    grand_total += count
                    continue
                last = None
                for progress in purge(rule, batch_size=options["batch_size"]):
                    bar(f"{rule.name}:", progress.deleted, progress.total)
                    last = progress
                bar.finish()
                grand_total += last.deleted if last else 0
        verb = (
            "would be deleted (dry run; each rule counted as if the ones before it had not run)"
            if options["dry_run"]
            else "deleted"
        )
        self.stdout.write(self.style.SUCCESS(f"{grand_total} row(s) {verb}."))
