"""``manage.py run_replenishment --tenant SLUG [--balancing]``: plan now, with a progress bar."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nexus.core import scope
from nexus.core.models.refs import ActorRef
from nexus.core.progress import ProgressBar
from supply_chain_ops import wiring
from supply_chain_ops.models import SuggestionKind
from supply_chain_ops.workflows.balancing import run_balancing
from supply_chain_ops.workflows.replenishment import run_replenishment


class Command(BaseCommand):
    help = (
        "Run replenishment (or, with --balancing, warehouse balancing) for a tenant now: the previous "
        "unreleased run is superseded and a proposed run is left for a planner."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", metavar="SLUG", required=True, help="The tenant to plan for.")
        parser.add_argument("--balancing", action="store_true", help="Run warehouse balancing instead.")

    def handle(self, *args: Any, tenant: str, balancing: bool, **options: Any) -> None:
        found = wiring.replenishment_data().tenants(tenant)
        if not found:
            raise CommandError(f"There is no tenant with the slug {tenant!r}.")
        tenant_id, slug = found[0]
        actor = ActorRef.system("manage.py run_replenishment")
        bar = ProgressBar(self.stdout)
        with scope.tenant(tenant_id):
            if balancing:
                moves = run_balancing(actor=actor, progress=bar)
                bar.finish()
                count = moves.lines.count()
                self.stdout.write(self.style.SUCCESS(f"{slug}: {moves} proposes {count} transfer line(s)."))
                return
            run = run_replenishment(actor=actor, progress=bar)
            bar.finish()
            kinds = list(run.lines.values_list("kind", flat=True))
            purchases = kinds.count(SuggestionKind.PURCHASE)
            transfers = kinds.count(SuggestionKind.TRANSFER)
            self.stdout.write(
                self.style.SUCCESS(
                    f"{slug}: {run} planned {run.series_count} series; "
                    f"{purchases} purchase and {transfers} transfer suggestion(s)."
                )
            )
