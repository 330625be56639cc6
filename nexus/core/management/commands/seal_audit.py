"""``manage.py seal_audit [--tenant slug]``: seal committed audit events now."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nexus.core.audit.chains import chain_for_slug, chain_labels
from nexus.core.audit.sealer import seal_chains
from nexus.core.errors import NotFound


class Command(BaseCommand):
    help = "Seal committed audit events: assign sequence, previous hash and hash, per chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--tenant",
            metavar="SLUG",
            help='Seal only this tenant\'s chain ("global" for events without a tenant).',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        chains = None
        if options["tenant"]:
            try:
                chains = [chain_for_slug(options["tenant"])]
            except NotFound as exc:
                raise CommandError(exc.detail) from exc
        report = seal_chains(chains)
        labels = chain_labels([*report.sealed, *report.busy])
        for chain, count in report.sealed.items():
            self.stdout.write(f"{labels[chain]}: sealed {count} event(s)")
        for chain in report.busy:
            self.stdout.write(f"{labels[chain]}: skipped, another sealer holds this chain")
        self.stdout.write(
            self.style.SUCCESS(f"Sealed {report.total} event(s) in {len(report.sealed)} chain(s).")
        )
