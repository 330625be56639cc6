"""Choosing a dropship line's vendor: priority, then price, then quoted lead time; exact quantities."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from supply_chain_ops.contracts.dropship import VendorOffer
from supply_chain_ops.services.vendor_choice import choose_vendor, why_none_fits


def offer(
    code: str, *, priority: int = 10, price: str = "10", lead: int = 7, moq: str = "0", multiple: str = "1"
):
    return VendorOffer(
        vendor_id=ord(code[0]),
        vendor_code=code,
        product_id=1,
        vendor_sku="",
        unit_price=Decimal(price),
        currency="USD",
        lead_time_days=lead,
        priority=priority,
        minimum_order_quantity=Decimal(moq),
        order_multiple=Decimal(multiple),
    )


def test_priority_comes_first_then_price_then_lead_time():
    cheap_late = offer("A", priority=2, price="5")
    preferred = offer("B", priority=1, price="9")
    assert choose_vendor([cheap_late, preferred], Decimal(1)) == preferred
    cheaper, quicker = offer("D", price="8"), offer("F", lead=3)
    assert choose_vendor([offer("C", price="9"), cheaper], Decimal(1)) == cheaper
    assert choose_vendor([offer("E", lead=9), quicker], Decimal(1)) == quicker


def test_a_vendor_that_cannot_ship_exactly_the_quantity_is_not_eligible():
    cases = offer("A", priority=1, multiple="12")
    minimum = offer("B", priority=2, moq="10")
    assert choose_vendor([cases, minimum], Decimal(5)) is None
    assert why_none_fits([cases, minimum], Decimal(5)) == (
        "no vendor ships exactly 5: A (minimum 0, multiple 12), B (minimum 10, multiple 1)"
    )
    assert choose_vendor([cases, minimum], Decimal(24)) == cases
    assert why_none_fits([], Decimal(1)) == "no active vendor terms for the product"


offers = st.lists(
    st.builds(
        offer,
        st.sampled_from("ABCDEFGH"),
        priority=st.integers(0, 3),
        price=st.sampled_from(["1", "2", "3"]),
        lead=st.integers(0, 3),
    ),
    min_size=1,
    max_size=6,
)


@given(offers, st.randoms())
def test_the_choice_never_depends_on_the_order_of_the_offers(choices, rng):
    shuffled = list(choices)
    rng.shuffle(shuffled)
    best = choose_vendor(choices, Decimal(1))
    assert best == choose_vendor(shuffled, Decimal(1))
    assert best is not None
    assert all(
        (best.priority, best.unit_price, best.lead_time_days) <= (o.priority, o.unit_price, o.lead_time_days)
        for o in choices
    )
