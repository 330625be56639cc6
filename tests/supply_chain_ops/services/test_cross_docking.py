"""Sharing a receipt among waiting order lines: oldest promise first, never more than either side has."""

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from supply_chain_ops.services.cross_docking import Waiting, allocate_to_waiting

quantities = st.decimals(min_value=0, max_value=1000, places=2)
lines = st.lists(
    st.tuples(st.dates(dt.date(2026, 1, 1), dt.date(2026, 1, 20)), quantities.filter(lambda q: q > 0)),
    max_size=8,
)


def waiting(given_lines: list[tuple[dt.date, Decimal]]) -> list[Waiting]:
    return [Waiting(index + 1, day, needed) for index, (day, needed) in enumerate(given_lines)]


def test_a_receipt_short_of_three_orders_fills_the_oldest_promises_first():
    orders = [
        Waiting(1, dt.date(2026, 6, 12), Decimal(4)),
        Waiting(2, dt.date(2026, 6, 10), Decimal(5)),
        Waiting(3, dt.date(2026, 6, 11), Decimal(6)),
    ]

    assert allocate_to_waiting(Decimal(12), orders) == [(2, Decimal(5)), (3, Decimal(6)), (1, Decimal(1))]


@given(quantity=quantities, given_lines=lines)
def test_the_parts_never_exceed_the_receipt_nor_what_a_line_needs(quantity, given_lines):
    needs = {w.line_id: w for w in waiting(given_lines)}

    parts = allocate_to_waiting(quantity, list(needs.values()))

    assert sum((q for _, q in parts), Decimal(0)) == min(
        quantity, sum((w.needed for w in needs.values()), Decimal(0))
    )
    assert all(0 < q <= needs[line_id].needed for line_id, q in parts)
    # Only the last line served may get less than it needs, and none later than it gets anything.
    assert all(q == needs[line_id].needed for line_id, q in parts[:-1])
    served = [needs[line_id].promised_date for line_id, _ in parts]
    assert served == sorted(served)
    unserved = [w.promised_date for w in needs.values() if w.line_id not in dict(parts)]
    if parts and unserved:
        assert min(unserved) >= served[-1]
