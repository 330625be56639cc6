"""Forecast accuracy on held-out weeks: WAPE and MASE per method, against the naive forecast.

The last ``horizon`` days of every series are held out; each series is fitted on the days before
and forecast over them, by the method the data chooses. WAPE is the total absolute error over
the total demand (defined on intermittent series, where MAPE is not); MASE scales each series'
mean absolute error by the in-sample mean absolute change from one day to the next (the one-step
naive forecast's error), so below 1 beats it. The naive last-value forecast is scored the same
way on the same series, for comparison.
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .forecasting import METHODS, forecast, naive

FloatArray = npt.NDArray[np.float64]
OVERALL = "overall"


@dataclass(frozen=True)
class Accuracy:
    """The scores of one group of series (a method's, or all of them)."""

    group: str
    series: int
    wape: float
    mase: float
    naive_wape: float
    naive_mase: float


def _wape(error: FloatArray, actual: FloatArray) -> float:
    total = float(np.abs(actual).sum())
    return float(np.abs(error).sum()) / total if total > 0 else float("nan")


def _mase(error: FloatArray, scale: FloatArray) -> float:
    usable = scale > 0
    if not usable.any():
        return float("nan")
    return float((np.abs(error[usable]).mean(axis=1) / scale[usable]).mean())


def backtest(history: FloatArray, first_weekday: int, horizon: int) -> list[Accuracy]:
    """Scores per chosen method and overall (series with no demand in training are left out)."""
    history = np.asarray(history, dtype=np.float64)
    train, actual = history[:, :-horizon], history[:, -horizon:]
    keep = train.sum(axis=1) > 0
    train, actual = train[keep], actual[keep]
    fitted = forecast(train, first_weekday)
    error = fitted.predict(horizon) - actual
    naive_error = naive(train, horizon) - actual
    scale = np.abs(np.diff(train, axis=1)).mean(axis=1) if train.shape[1] > 1 else np.zeros(len(train))
    groups = [(name.value, fitted.method == code) for code, name in enumerate(METHODS)]
    groups.append((OVERALL, np.ones(len(train), dtype=bool)))
    return [
        Accuracy(
            group=name,
            series=int(rows.sum()),
            wape=_wape(error[rows], actual[rows]),
            mase=_mase(error[rows], scale[rows]),
            naive_wape=_wape(naive_error[rows], actual[rows]),
            naive_mase=_mase(naive_error[rows], scale[rows]),
        )
        for name, rows in groups
        if rows.any()
    ]
