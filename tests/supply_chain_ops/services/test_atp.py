"""ATP netting: hand-worked examples, and the closed form against the greedy netting it replaces."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from supply_chain_ops.services.atp import BEYOND_HORIZON, net, promise_index


def greedy_free(supply: list[int], demand: list[int]) -> list[int]:
    """The netting as the rule states it, one bucket at a time (the oracle)."""
    free = list(supply)
    backlog = 0
    for day, wanted in enumerate(demand):
        # Earlier backlog takes this bucket's supply first: it is the earliest later supply.
        taken = min(backlog, free[day])
        free[day] -= taken
        backlog -= taken
        for earlier in range(day, -1, -1):
            taken = min(wanted, free[earlier])
            free[earlier] -= taken
            wanted -= taken
        backlog += wanted
    return free


def test_worked_example() -> None:
    supply = [5, 0, 3, 6, 2, 5, 3]
    demand = [3, 4, 2, 1, 7, 1, 2]

    netting = net(supply, demand)

    assert netting.free.tolist() == [0, 0, 0, 0, 0, 3, 1]
    assert netting.cumulative.tolist() == [0, 0, 0, 0, 0, 3, 4]
    assert int(netting.promisable) == 4
    assert int(promise_index(netting.cumulative, 3)) == 5
    assert int(promise_index(netting.cumulative, 4)) == 6
    assert int(promise_index(netting.cumulative, 5)) == BEYOND_HORIZON


def test_backward_consumption_takes_the_latest_earlier_bucket() -> None:
    # Day 2's demand of 6 takes its own 1, then day 1's 4, then 1 of day 0's 3.
    netting = net([3, 4, 1, 0], [0, 0, 6, 0])

    assert netting.free.tolist() == [2, 0, 0, 0]
    assert int(promise_index(netting.cumulative, 2)) == 0


def test_a_backlog_pushes_the_promise_later() -> None:
    # Day 0's shortfall of 4 eats day 2's receipt of 6 before anything can be promised.
    netting = net([2, 0, 6, 3], [6, 0, 0, 0])

    assert netting.free.tolist() == [0, 0, 2, 3]
    assert int(promise_index(netting.cumulative, 2)) == 2
    assert int(promise_index(netting.cumulative, 5)) == 3


def test_no_supply_promises_nothing_within_the_horizon() -> None:
    netting = net([0, 0, 0], [0, 1, 0])

    assert netting.cumulative.tolist() == [0, 0, 0]
    assert int(promise_index(netting.cumulative, 1)) == BEYOND_HORIZON


def test_many_series_at_once() -> None:
    netting = net([[5, 0, 3, 6, 2, 5, 3], [1, 1, 1, 1, 1, 1, 1]], [[3, 4, 2, 1, 7, 1, 2], [0] * 7])

    assert netting.cumulative.tolist() == [[0, 0, 0, 0, 0, 3, 4], [1, 2, 3, 4, 5, 6, 7]]
    assert promise_index(netting.cumulative, [3, 3]).tolist() == [5, 2]


@pytest.mark.parametrize(("supply", "demand"), [([1, 2], [1]), ([], []), ([1], [-1]), ([-1], [0])])
def test_refuses_bad_series(supply: list[int], demand: list[int]) -> None:
    with pytest.raises(ValueError, match="supply and demand"):
        net(supply, demand)


series = st.integers(min_value=1, max_value=30).flatmap(
    lambda days: st.tuples(
        st.lists(st.integers(0, 50), min_size=days, max_size=days),
        st.lists(st.integers(0, 50), min_size=days, max_size=days),
    )
)


@given(series)
def test_never_promises_more_than_the_net_supply(pair: tuple[list[int], list[int]]) -> None:
    supply, demand = pair
    netting = net(supply, demand)

    assert int(netting.free.sum()) == max(0, sum(supply) - sum(demand))
    assert int(netting.promisable) == max(0, sum(supply) - sum(demand))
    assert (np.diff(netting.cumulative) >= 0).all()
    assert netting.free.tolist() == greedy_free(supply, demand)


@given(series, st.integers(0, 200))
def test_promising_the_atp_leaves_every_demand_covered(
    pair: tuple[list[int], list[int]], quantity: int
) -> None:
    supply, demand = pair
    netting = net(supply, demand)
    day = int(promise_index(netting.cumulative, quantity))
    if day == BEYOND_HORIZON:
        assert quantity > int(netting.promisable)
        return
    with_promise = list(demand)
    with_promise[day] += quantity
    # Adding the promise as demand starves no one: the free supply shrinks by exactly the promise,
    # so the demand left uncovered stays what it was.
    assert int(net(supply, with_promise).promisable) == int(netting.promisable) - quantity
