"""Service tokens bound to one vendor: what a vendor's integration may hold, and which vendors exist.

Accounts knows neither vendors nor the workflows that let vendors act. The code that offers
vendors an action registers, at start-up, how to tell that a vendor exists in a tenant and which
permissions a vendor-bound token may hold (``bind_vendors``). A token bound to a vendor is refused
anything else, even if its creator's role grants more; what it may touch within those permissions
(that vendor's own documents) is for the endpoints to decide from ``ServicePrincipal.bound_vendor_id``.
"""

from collections.abc import Callable, Iterable

#: (tenant id, vendor id) → whether that vendor exists in that tenant.
VendorExists = Callable[[int, int], bool]

_exists: list[VendorExists] = []
_scopes: set[str] = set()


def bind_vendors(*, exists: VendorExists, scopes: Iterable[str]) -> None:
    """Let tokens be bound to vendors, with ``scopes`` (permission names) offered to them."""
    _exists[:] = [exists]
    _scopes.update(scopes)


def vendor_scopes() -> frozenset[str]:
    """The permission names a vendor-bound token may hold (empty: vendors cannot be bound)."""
    return frozenset(_scopes)


def vendor_exists(tenant_id: int, vendor_id: int) -> bool:
    return bool(_exists) and _exists[0](tenant_id, vendor_id)
