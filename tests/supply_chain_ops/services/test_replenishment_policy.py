"""Safety stock, reorder point, EOQ and rounding by a hand-worked example, and their invariants."""

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from supply_chain_ops.services.replenishment_policy import (
    PolicyInputs,
    PolicySettings,
    eoq,
    policy,
    reorder_point,
    round_order,
    safety_stock,
    service_z,
)


def _inputs(**overrides: list[float]) -> PolicyInputs:
    values = {
        "demand": [10.0],
        "sigma_demand": [4.0],
        "lead_days": [9.0],
        "sigma_lead": [2.0],
        "position": [100.0],
        "unit_cost": [4.0],
        "minimum": [float("nan")],
        "maximum": [float("nan")],
    } | overrides
    return PolicyInputs(**{name: np.array(v, dtype=float) for name, v in values.items()})


def test_the_hand_worked_example() -> None:
    # d = 10/day, sd = 4, L = 9 days, sL = 2 days, 95 % service: z = 1.644854
    # SS = 1.644854 · sqrt(9·16 + 100·4) = 1.644854 · sqrt(544) = 38.3642
    # ROP = 10·9 + 38.3642 = 128.3642; S = ROP + 10·7 = 198.3642
    z = service_z(0.95)
    assert z == pytest.approx(1.644854, abs=1e-6)
    ss = safety_stock(z, np.array([10.0]), np.array([4.0]), np.array([9.0]), np.array([2.0]))
    assert ss[0] == pytest.approx(38.3642, abs=1e-4)
    assert reorder_point(np.array([10.0]), np.array([9.0]), ss)[0] == pytest.approx(128.3642, abs=1e-4)
    result = policy(_inputs(), PolicySettings(service_level=0.95, review_days=7))
    assert result.order_up_to[0] == pytest.approx(198.3642, abs=1e-4)
    assert result.below.tolist() == [True]
    assert result.wanted[0] == pytest.approx(98.3642, abs=1e-4)
    # The vendor sells cases of 12 with a minimum of 100: 98.3642 → 100 → 108.
    assert round_order(Decimal("98.3642"), Decimal(100), Decimal(12)) == Decimal(108)


def test_eoq_by_hand() -> None:
    # D = 3650/year, K = 50 per order, h = 25 % of 4.00 a year: sqrt(2·3650·50 / 1) = 604.1523
    assert eoq(np.array([10.0]), 50.0, 0.25, np.array([4.0]))[0] == pytest.approx(604.1523, abs=1e-4)
    result = policy(_inputs(), PolicySettings(ordering_cost=50, holding_rate=0.25))
    assert result.wanted[0] == pytest.approx(604.1523, abs=1e-4)
    assert result.order_up_to[0] == pytest.approx(128.3642 + 604.1523, abs=1e-4)
    assert round_order(Decimal("604.1523"), Decimal(0), Decimal(12)) == Decimal(612)


def test_a_position_at_or_above_the_reorder_point_wants_nothing() -> None:
    result = policy(_inputs(position=[128.4, 500.0]), PolicySettings())
    assert result.below.tolist() == [False, False]


def test_plain_min_max_overrides_the_forecast() -> None:
    result = policy(_inputs(position=[30.0], minimum=[40.0], maximum=[100.0]), PolicySettings())
    assert (result.reorder_point[0], result.order_up_to[0], result.wanted[0]) == (40.0, 100.0, 70.0)
    assert result.safety_stock[0] == 0.0


def test_rounding_keeps_unit_places() -> None:
    assert round_order(Decimal("2.01"), Decimal(0), Decimal("0.5"), unit_decimals=0) == Decimal(3)
    assert round_order(Decimal("0.2"), Decimal(0), Decimal(1)) == Decimal(1)


@given(
    wanted=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(10**6), places=4),
    minimum=st.decimals(min_value=Decimal(0), max_value=Decimal(10**4), places=4),
    multiple=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(500), places=4),
)
def test_rounding_is_the_least_multiple_covering_both(
    wanted: Decimal, minimum: Decimal, multiple: Decimal
) -> None:
    quantity = round_order(wanted, minimum, multiple)
    assert quantity >= wanted
    assert quantity >= minimum
    assert quantity % multiple == 0
    assert quantity - multiple < max(wanted, minimum)


@given(
    demand=st.floats(0, 1000),
    sigma=st.floats(0, 100),
    lead=st.floats(0, 120),
    sigma_lead=st.floats(0, 30),
    position=st.floats(-1000, 10000),
    level=st.floats(0.5, 0.999),
)
def test_safety_stock_grows_with_every_uncertainty_and_orders_reach_the_level(
    demand: float, sigma: float, lead: float, sigma_lead: float, position: float, level: float
) -> None:
    inputs = _inputs(
        demand=[demand], sigma_demand=[sigma], lead_days=[lead], sigma_lead=[sigma_lead], position=[position]
    )
    result = policy(inputs, PolicySettings(service_level=level))
    more = policy(
        _inputs(
            demand=[demand],
            sigma_demand=[sigma + 1],
            lead_days=[lead],
            sigma_lead=[sigma_lead + 1],
            position=[position],
        ),
        PolicySettings(service_level=level),
    )
    assert more.safety_stock[0] >= result.safety_stock[0]
    if result.below[0]:
        assert position + result.wanted[0] == pytest.approx(result.order_up_to[0])
    else:
        assert result.wanted[0] == 0
