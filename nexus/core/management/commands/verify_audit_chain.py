"""``manage.py verify_audit_chain [--tenant slug]``: recompute the chains, name any broken link."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nexus.core.audit.chains import chain_for_slug, chain_labels
from nexus.core.audit.verification import verify_chains
from nexus.core.errors import NotFound


class Command(BaseCommand):
    help = (
        "Recompute every sealed audit chain (or one tenant's). Exits 0 when all are intact, "
        "else names the first broken link of each broken chain and exits 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--tenant",
            metavar="SLUG",
            help='Verify only this tenant\'s chain ("global" for events without a tenant).',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        chains = None
        if options["tenant"]:
            try:
                chains = [chain_for_slug(options["tenant"])]
            except NotFound as exc:
                raise CommandError(exc.detail) from exc
        results = verify_chains(chains)
        labels = chain_labels([result.chain for result in results])
        broken = 0
        for result in results:
            label = labels[result.chain]
            pending = f", {result.unsealed} not sealed yet" if result.unsealed else ""
            if result.broken is None:
                self.stdout.write(
                    f"{label}: {result.verified} event(s) verified, head #{result.head_sequence} "
                    f"{result.head_hash}{pending}"
                )
                continue
            broken += 1
            link = result.broken
            where = f"sequence #{link.sequence}" if link.sequence is not None else "an unsealed event"
            self.stderr.write(
                f"{label}: BROKEN at {where} (event id {link.event_id}): {link.problem}; "
                f"{result.verified} event(s) before it verified"
            )
        verified = sum(result.verified for result in results)
        if broken:
            raise CommandError(f"{broken} of {len(results)} audit chain(s) broken.", returncode=1)
        self.stdout.write(
            self.style.SUCCESS(f"All {len(results)} audit chain(s) intact: {verified} event(s) verified.")
        )
