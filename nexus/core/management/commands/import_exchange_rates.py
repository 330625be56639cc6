"""``manage.py import_exchange_rates FILE --tenant SLUG``: load a CSV of daily exchange rates."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nexus.core import scope
from nexus.core.errors import NotFound
from nexus.core.exchange_rates.importing import RatesFileInvalid, import_exchange_rates
from nexus.core.models.refs import ActorRef
from nexus.core.progress import ProgressBar
from nexus.core.tenants import tenant_id_for_slug

ACTOR = ActorRef.system("manage.py import_exchange_rates")


class Command(BaseCommand):
    help = (
        "Import daily exchange rates into a tenant from a CSV file with the header date,currency,rate "
        "(date as YYYY-MM-DD; rate: units of the tenant's currency per unit of the currency). "
        "Every line is checked first: one bad line and nothing is imported. Importing the same "
        "file again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file (UTF-8).")
        parser.add_argument("--tenant", metavar="SLUG", required=True, help="The tenant the rates belong to.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            tenant_id = tenant_id_for_slug(options["tenant"])
        except NotFound as error:
            raise CommandError(error.detail) from error
        bar = ProgressBar(self.stdout)
        try:
            # utf-8-sig: a spreadsheet's byte-order mark must not become part of the header.
            with options["file"].open(encoding="utf-8-sig", newline="") as lines, scope.tenant(tenant_id):
                report = import_exchange_rates(lines, actor=ACTOR, progress=bar)
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error.strerror or error}.") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{options['file']} is not UTF-8 text ({error.reason}).") from error
        except RatesFileInvalid as error:
            bar.finish()
            for line, messages in error.fields.items():
                for message in messages:
                    self.stderr.write(f"{line}: {message}")
            raise CommandError(error.detail) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{options['tenant']}: {report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged."
            )
        )
