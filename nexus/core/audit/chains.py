"""Naming chains for operators: a tenant's slug, or "global" for events without a tenant."""

from typing import Any

from nexus.core.errors import NotFound
from nexus.core.models import AuditEvent

from .sealer import Chain

GLOBAL_CHAIN_LABEL = "global"


def _tenant_model() -> Any:
    # The kernel does not import the tenancy domain; the audit table's foreign key names it.
    return AuditEvent._meta.get_field("tenant").related_model


def chain_for_slug(slug: str) -> Chain:
    """The chain of the tenant with ``slug`` ("global" names the chain of tenant-less events)."""
    if slug == GLOBAL_CHAIN_LABEL:
        return None
    tenant_id = _tenant_model()._default_manager.filter(slug=slug).values_list("pk", flat=True).first()
    if tenant_id is None:
        raise NotFound(f"No tenant with the slug {slug!r}.")
    return int(tenant_id)


def chain_labels(chains: list[Chain]) -> dict[Chain, str]:
    """Operator-facing names of ``chains``: tenant slugs, and "global"."""
    tenant_ids = [chain for chain in chains if chain is not None]
    slugs = dict(_tenant_model()._default_manager.filter(pk__in=tenant_ids).values_list("pk", "slug"))
    return {
        chain: GLOBAL_CHAIN_LABEL if chain is None else slugs.get(chain, f"tenant {chain}")
        for chain in chains
    }
