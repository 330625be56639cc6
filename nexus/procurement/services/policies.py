"""Tenant policies procurement obeys (``Tenant.policies``)."""

from decimal import Decimal, InvalidOperation

from nexus.core.errors import InvalidInput
from nexus.core.scope import require_tenant_id
from nexus.tenancy.models import Tenant

OVER_RECEIPT_TOLERANCE = "over_receipt_tolerance_percent"


def over_receipt_tolerance_percent() -> Decimal:
    """How far (percent of the ordered quantity) a line may be over-received; 0 by default."""
    tenant = Tenant.objects.only("policies").get(pk=require_tenant_id())
    raw = tenant.policy(OVER_RECEIPT_TOLERANCE, 0)
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        value = Decimal(-1)
    # JSON numbers arrive as int or float; str() of a float is its shortest exact spelling.
    if isinstance(raw, bool) or not value.is_finite() or value < 0:
        raise InvalidInput(
            f"The tenant policy {OVER_RECEIPT_TOLERANCE} is {raw!r}; "
            "it must be a number of percent, 0 or more."
        )
    return value
