"""Which tenants an inventory command runs for: the one named, or every active tenant."""

from django.core.management.base import CommandError, CommandParser

from nexus.tenancy.models import Tenant, TenantStatus


def add_tenant_argument(parser: CommandParser) -> None:
    parser.add_argument("--tenant", metavar="SLUG", help="Only this tenant (default: every active tenant).")


def tenants_for(slug: str | None) -> list[Tenant]:
    """The tenant named by ``slug`` (whatever its status), or every active tenant by slug."""
    if slug:
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            raise CommandError(f"There is no tenant with the slug {slug!r}.")
        return [tenant]
    return list(Tenant.objects.filter(status=TenantStatus.ACTIVE).order_by("slug"))
