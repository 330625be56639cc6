"""Each forecast method on a synthetic series whose answer is known, and the choice by the data."""

import numpy as np
import pytest

from supply_chain_ops.services.forecasting import METHODS, Method, classify, forecast, naive

DAYS = 364
MONDAY = 0


def _code(method: Method) -> int:
    return METHODS.index(method)


def test_a_level_series_is_smoothed_to_its_level() -> None:
    rng = np.random.default_rng(1)
    y = np.asarray(20 + rng.normal(0, 2, size=(3, DAYS)), dtype=np.float64)
    fitted = forecast(y, MONDAY)
    assert fitted.method_names() == ["ses", "ses", "ses"]
    assert np.allclose(fitted.predict(5), 20, atol=1.5)
    assert np.allclose(fitted.sigma, 2, atol=0.3)


def test_an_exact_line_is_continued_by_holt() -> None:
    y = (2 + 0.5 * np.arange(DAYS))[None, :]
    fitted = forecast(y, MONDAY)
    assert fitted.method_names() == ["holt"]
    assert fitted.predict(3)[0] == pytest.approx([2 + 0.5 * DAYS, 2 + 0.5 * (DAYS + 1), 2 + 0.5 * (DAYS + 2)])
    assert fitted.sigma[0] == pytest.approx(0, abs=1e-9)


def test_a_weekly_pattern_is_repeated_from_the_right_weekday() -> None:
    pattern = np.array([10, 10, 10, 10, 10, 4, 2], dtype=float)  # Monday .. Sunday
    y = np.tile(pattern, DAYS // 7)[None, :]
    fitted = forecast(y, MONDAY)
    assert fitted.method_names() == ["seasonal"]
    assert fitted.predict(7)[0] == pytest.approx(pattern)
    wednesday_start = np.tile(np.roll(pattern, -2), DAYS // 7)[None, :]
    assert forecast(wednesday_start, 2).predict(7)[0] == pytest.approx(np.roll(pattern, -2))


def test_intermittent_demand_gets_the_debiased_croston_rate() -> None:
    y = np.zeros((1, DAYS))
    y[0, 2::3] = 6.0  # six units every third day: 2 a day
    fitted = forecast(y, MONDAY)
    assert fitted.method_names() == ["croston"]
    assert fitted.predict(1)[0, 0] == pytest.approx((1 - 0.1 / 2) * 6 / 3, rel=1e-6)


def test_the_choice_is_made_per_series_in_one_call() -> None:
    rng = np.random.default_rng(7)
    t = np.arange(DAYS)
    intermittent = np.where(t % 5 == 0, 3.0, 0.0)
    level = 50 + rng.normal(0, 3, DAYS)
    trend = 5 + 0.2 * t + rng.normal(0, 1, DAYS)
    season = np.tile([20, 20, 20, 20, 20, 5, 5], DAYS // 7) + rng.normal(0, 1, DAYS)
    codes = classify(np.stack([intermittent, level, trend, season]).astype(np.float64), MONDAY)
    assert [METHODS[c] for c in codes] == [Method.CROSTON, Method.SES, Method.HOLT, Method.SEASONAL]


def test_a_series_without_demand_forecasts_nothing() -> None:
    fitted = forecast(np.zeros((2, DAYS)), MONDAY)
    assert fitted.predict(4).tolist() == [[0.0] * 4, [0.0] * 4]
    assert fitted.sigma.tolist() == [0.0, 0.0]


def test_a_forced_method_is_used_and_forecasts_never_go_negative() -> None:
    y = (200 - 0.6 * np.arange(DAYS))[None, :]
    fitted = forecast(y, MONDAY, method=np.array([_code(Method.HOLT)]))
    assert fitted.predict(400).min() == 0.0


def test_the_mean_over_each_series_lead_time() -> None:
    y = np.stack([np.full(DAYS, 4.0), 1 + np.arange(DAYS, dtype=float)])
    fitted = forecast(y, MONDAY)
    means = fitted.mean_over(np.array([10, 2]))
    assert means[0] == pytest.approx(4.0)
    assert means[1] == pytest.approx(DAYS + 1.5)


def test_naive_holds_the_last_value() -> None:
    assert naive(np.array([[1.0, 2.0, 5.0]]), 3).tolist() == [[5.0, 5.0, 5.0]]


def test_a_product_sold_every_working_day_is_not_intermittent() -> None:
    rng = np.random.default_rng(5)
    week = np.array([1, 1, 1, 1, 1, 0, 0], dtype=float)  # closed at weekends
    y = (np.tile(week, DAYS // 7) * rng.uniform(8, 12, DAYS))[None, :]
    fitted = forecast(y, MONDAY)
    assert fitted.method_names() == ["seasonal"]
    assert fitted.predict(7)[0, 5:].tolist() == [0.0, 0.0]
    assert fitted.predict(7)[0, :5] == pytest.approx([10] * 5, abs=1.5)


def test_intermittent_demand_on_working_days_is_forecast_on_those_days() -> None:
    y = np.zeros((1, DAYS))
    y[0, 0::14] = 14.0  # every other Monday: 1 a calendar day, on the five working days
    y[0, 3::14] = 0.0
    y[0, 9::14] = 7.0  # and every other Wednesday... so Monday to Friday all trade at some point
    y[0, 1::28] = 7.0
    y[0, 4::28] = 7.0
    y[0, 17::28] = 7.0
    fitted = forecast(y, MONDAY)
    assert fitted.method_names() == ["croston"]
    week = fitted.predict(7)[0]
    assert week[5:].tolist() == [0.0, 0.0]
    assert week[:5] == pytest.approx([week[0]] * 5)
    assert week.sum() == pytest.approx(7 * fitted.level[0])
