"""Balancing matches nearest first and never over-transfers, whatever the input."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from supply_chain_ops.services.balancing import Excess, Need, distance_km, distance_table, match

BERLIN = (52.52, 13.405)
HAMBURG = (53.5511, 9.9937)
MUNICH = (48.1351, 11.582)


def test_distance_is_great_circle() -> None:
    assert round(distance_km(BERLIN, HAMBURG) or 0) == 255
    assert distance_km(BERLIN, None) is None


def test_the_nearest_surplus_gives_first() -> None:
    distances = distance_table({1: BERLIN, 2: HAMBURG, 3: MUNICH})
    moves = match([Need(1, Decimal(50))], [Excess(2, Decimal(30)), Excess(3, Decimal(40))], distances, None)
    assert [(m.source_warehouse_id, m.destination_warehouse_id, m.quantity) for m in moves] == [
        (2, 1, Decimal(30)),
        (3, 1, Decimal(20)),
    ]


def test_the_distance_limit_and_unknown_places_keep_pairs_apart() -> None:
    distances = distance_table({1: BERLIN, 2: HAMBURG, 3: MUNICH, 4: None})
    needs = [Need(1, Decimal(50))]
    assert match(needs, [Excess(3, Decimal(40)), Excess(4, Decimal(9))], distances, 300.0) == []
    assert [m.source_warehouse_id for m in match(needs, [Excess(2, Decimal(5))], distances, 300.0)] == [2]


amounts = st.decimals(min_value=Decimal(0), max_value=Decimal(1000), places=2)


@given(
    needs=st.dictionaries(st.integers(1, 6), amounts, max_size=6),
    excesses=st.dictionaries(st.integers(1, 6), amounts, max_size=6),
    coordinates=st.dictionaries(
        st.integers(1, 6), st.tuples(st.floats(-60, 60), st.floats(-170, 170)), min_size=6, max_size=6
    ),
    limit=st.none() | st.floats(0, 20000),
)
def test_never_over_transfers(
    needs: dict[int, Decimal],
    excesses: dict[int, Decimal],
    coordinates: dict[int, tuple[float, float]],
    limit: float | None,
) -> None:
    distances = distance_table(dict(coordinates))
    moves = match(
        [Need(w, q) for w, q in needs.items()], [Excess(w, q) for w, q in excesses.items()], distances, limit
    )
    given_by: dict[int, Decimal] = {}
    taken_by: dict[int, Decimal] = {}
    for move in moves:
        assert move.quantity > 0
        assert move.source_warehouse_id != move.destination_warehouse_id
        assert limit is None or move.distance_km <= limit
        given_by[move.source_warehouse_id] = (
            given_by.get(move.source_warehouse_id, Decimal(0)) + move.quantity
        )
        taken_by[move.destination_warehouse_id] = (
            taken_by.get(move.destination_warehouse_id, Decimal(0)) + move.quantity
        )
    assert all(total <= excesses[w] for w, total in given_by.items())
    assert all(total <= needs[w] for w, total in taken_by.items())
    # Nothing matchable is left: every remaining in-range pair has one side exhausted.
    for (source, destination), distance in distances.items():
        if distance is None or (limit is not None and distance > limit):
            continue
        left_excess = excesses.get(source, Decimal(0)) - given_by.get(source, Decimal(0))
        left_need = needs.get(destination, Decimal(0)) - taken_by.get(destination, Decimal(0))
        assert min(left_excess, left_need) <= 0
