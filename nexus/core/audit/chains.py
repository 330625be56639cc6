"""Naming chains for operators: a tenant's slug, or "global" for events without a tenant."""

from nexus.core.tenants import tenant_id_for_slug, tenant_model

from .sealer import Chain

GLOBAL_CHAIN_LABEL = "global"


def chain_for_slug(slug: str) -> Chain:
    """The chain of the tenant with ``slug`` ("global" names the chain of tenant-less events)."""
    if slug == GLOBAL_CHAIN_LABEL:
        return None
    return tenant_id_for_slug(slug)


def chain_labels(chains: list[Chain]) -> dict[Chain, str]:
    """Operator-facing names of ``chains``: tenant slugs, and "global"."""
    tenant_ids = [chain for chain in chains if chain is not None]
    slugs = dict(tenant_model()._default_manager.filter(pk__in=tenant_ids).values_list("pk", "slug"))
    return {
        chain: GLOBAL_CHAIN_LABEL if chain is None else slugs.get(chain, f"tenant {chain}")
        for chain in chains
    }
