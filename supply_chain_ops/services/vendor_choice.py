"""Choosing the vendor of a dropship line from the vendors' offers (no ORM)."""

from collections.abc import Sequence
from decimal import Decimal

from supply_chain_ops.contracts.dropship import VendorOffer


def fits(offer: VendorOffer, quantity: Decimal) -> bool:
    """Whether the vendor can ship exactly ``quantity``: at least its minimum, in its multiples.

    A dropship line is bought one for one (what the vendor ships is what the customer ordered),
    so terms that would round the quantity up make the vendor ineligible for the line.
    """
    if quantity < offer.minimum_order_quantity:
        return False
    return offer.order_multiple <= 0 or quantity % offer.order_multiple == 0


def why_none_fits(offers: Sequence[VendorOffer], quantity: Decimal) -> str:
    """Why no offer is eligible for ``quantity``, in a sentence."""
    if not offers:
        return "no active vendor terms for the product"
    terms = ", ".join(
        f"{o.vendor_code} (minimum {o.minimum_order_quantity.normalize():f}, "
        f"multiple {o.order_multiple.normalize():f})"
        for o in offers
    )
    return f"no vendor ships exactly {quantity.normalize():f}: {terms}"


def choose_vendor(offers: Sequence[VendorOffer], quantity: Decimal) -> VendorOffer | None:
    """The eligible offer with the lowest priority number, then price, then quoted lead time.

    Prices are compared as quoted (each in its own currency); ties end on the vendor code, so
    the choice never depends on the order the offers came in. None when no offer fits.
    """
    eligible = [offer for offer in offers if fits(offer, quantity)]
    if not eligible:
        return None
    return min(
        eligible, key=lambda o: (o.priority, o.unit_price, o.lead_time_days, o.vendor_code, o.vendor_id)
    )
