"""Which tenants a supply-chain command runs for: the one named, or every tenant."""

from typing import Any

from django.core.management.base import CommandError, CommandParser

from nexus.core.tenants import tenant_model


def add_tenant_argument(parser: CommandParser, *, required: bool = False) -> None:
    parser.add_argument(
        "--tenant", metavar="SLUG", required=required, help="Only this tenant (default: every tenant)."
    )


def tenants_for(slug: str | None) -> list[Any]:
    """The tenant named by ``slug``, or every tenant by slug."""
    tenants = tenant_model()._default_manager.order_by("slug")
    if slug:
        tenant = tenants.filter(slug=slug).first()
        if tenant is None:
            raise CommandError(f"There is no tenant with the slug {slug!r}.")
        return [tenant]
    return list(tenants)
