"""The tenant as the kernel sees it, without importing the tenancy domain.

Every tenant column's foreign key names the tenant model, so the kernel reaches it through one
of them. It relies on two of its fields only: ``slug`` (what operators type) and
``default_currency`` (the currency exchange rates convert into).
"""

from typing import Any

from nexus.core.errors import NotFound
from nexus.core.models import AuditEvent

TENANT_CURRENCY_FIELD = "default_currency"


def tenant_model() -> Any:
    """The tenant model, as named by the kernel's own tenant columns."""
    return AuditEvent._meta.get_field("tenant").related_model


def tenant_id_for_slug(slug: str) -> int:
    """The id of the tenant with ``slug``; ``NotFound`` when there is none."""
    tenant_id = tenant_model()._default_manager.filter(slug=slug).values_list("pk", flat=True).first()
    if tenant_id is None:
        raise NotFound(f"No tenant with the slug {slug!r}.")
    return int(tenant_id)


def tenant_currency(tenant_id: int) -> str:
    """The ISO code of the tenant's own currency (what its books are kept in)."""
    tenants = tenant_model()._default_manager.filter(pk=tenant_id)
    code = tenants.values_list(TENANT_CURRENCY_FIELD, flat=True).first()
    if code is None:
        raise NotFound(f"No tenant with the id {tenant_id}.")
    return str(code)
