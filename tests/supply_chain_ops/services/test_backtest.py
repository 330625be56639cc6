"""The backtest scores each chosen method and the whole, beside the naive forecast."""

import numpy as np
import pytest

from supply_chain_ops.services.backtest import backtest

DAYS = 364


def test_smoothing_beats_the_naive_forecast_on_noisy_level_series() -> None:
    rng = np.random.default_rng(3)
    level = 30 + rng.normal(0, 5, size=(20, DAYS))
    intermittent = np.where(rng.random((10, DAYS)) < 0.2, 10.0, 0.0)
    scores = {s.group: s for s in backtest(np.vstack([level, intermittent]), 0, 28)}
    assert sorted(scores) == ["croston", "overall", "ses"]
    assert (scores["ses"].series, scores["croston"].series, scores["overall"].series) == (20, 10, 30)
    assert scores["ses"].mase < 1
    assert scores["ses"].mase < scores["ses"].naive_mase
    assert scores["ses"].wape < scores["ses"].naive_wape
    assert scores["overall"].mase < scores["overall"].naive_mase


def test_the_scores_of_a_known_error() -> None:
    y = np.full((1, DAYS), 4.0)
    y[0, ::2] += 1.0  # alternating 5, 4: the mean is forecast with a constant error of 0.5
    scores = backtest(y, 0, 28)
    assert scores[-1].group == "overall"
    assert scores[-1].wape == pytest.approx(0.5 / 4.5, abs=0.02)
    assert scores[-1].mase == pytest.approx(0.5, abs=0.02)
