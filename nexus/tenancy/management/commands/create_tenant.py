"""Create a tenant: ``manage.py create_tenant "Acme Trading" acme --currency EUR --time-zone UTC``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nexus.core.errors import NexusError
from nexus.core.models.refs import ActorRef
from nexus.tenancy.services import create_tenant

from ._errors import describe


class Command(BaseCommand):
    help = "Create an active tenant (name, slug, default currency, time zone)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The organisation's name, e.g. 'Acme Trading'.")
        parser.add_argument("slug", help="Short address for the X-Tenant header, e.g. 'acme'.")
        parser.add_argument("--currency", default="USD", help="ISO 4217 default currency (default USD).")
        parser.add_argument("--time-zone", default="UTC", help="IANA time zone (default UTC).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            tenant = create_tenant(
                name=options["name"],
                slug=options["slug"],
                default_currency=options["currency"],
                time_zone=options["time_zone"],
                actor=ActorRef.system("manage.py create_tenant"),
            )
        except NexusError as error:
            raise CommandError(describe(error)) from error
        settings = f"slug {tenant.slug}, {tenant.default_currency}, {tenant.time_zone}"
        self.stdout.write(self.style.SUCCESS(f"Created tenant {tenant.name} ({settings})."))
