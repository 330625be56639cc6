"""Daily demand forecasts for many series at once, each by the method its data calls for.

No ORM: a matrix of daily demand (one row per product and warehouse, one column per day) goes
in, a forecast per row comes out. Every method runs over all rows together — the loop is over
days, never over series — so ten thousand series cost about what one does.

Methods, chosen per series by its data (in this order):

- **Croston/SBA** where demand is intermittent (average interval between demands above 1.32
  trading days): sizes and intervals smoothed separately, the ratio debiased by ``1 - alpha/2``,
  and the daily rate spread over the series' trading days.
- **Weekly seasonal** where the days of the week differ significantly (one-way F test of the
  weekday means): simple smoothing of the deseasonalised series times the weekday's index.
- **Holt** where a linear trend is significant (|t| of the least-squares slope above 3).
- **SES** otherwise: simple exponential smoothing of the level.

A series' **trading days** are the weekdays on which it ever had demand (a distributor closed at
weekends ships nothing on Saturdays and Sundays); intervals are judged on them, or a product sold
every working day would count as intermittent.

Each smoothing constant is picked per series from a small grid by the smallest in-sample
one-step-ahead squared error (summed as the days go by, never stored); sigma is the root mean
square of those one-step errors, the daily forecast error the safety stock needs.
"""

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Average inter-demand interval above which a series is intermittent (Syntetos-Boylan cut-off).
INTERMITTENT_ADI = 1.32
#: |t| of the trend slope above which a trend is significant.
TREND_T = 3.0
#: F statistic of the weekday means above which weekly seasonality is significant (df 6, ~358:
#: the 0.1 % critical value is about 3.7).
SEASONAL_F = 4.0
SES_ALPHAS = (0.05, 0.1, 0.2, 0.3, 0.5)
HOLT_PARAMETERS = ((0.1, 0.05), (0.2, 0.05), (0.3, 0.1), (0.5, 0.2))
CROSTON_ALPHA = 0.1
WEEK = 7


class Method(StrEnum):
    SES = "ses"
    HOLT = "holt"
    SEASONAL = "seasonal"
    CROSTON = "croston"


#: Each method's code in ``Forecasts.method``.
METHODS = (Method.SES, Method.HOLT, Method.SEASONAL, Method.CROSTON)


@dataclass(frozen=True)
class Forecasts:
    """The fitted state of every series, enough to forecast any horizon.

    ``method`` holds an index into ``METHODS`` per series; ``level``, ``trend`` (Holt) and
    ``season`` (weekly indices, by weekday of the day after the history) define the forecast;
    ``sigma`` is the daily one-step forecast error.
    """

    method: IntArray
    level: FloatArray
    trend: FloatArray
    season: FloatArray  # (n, 7)
    sigma: FloatArray

    def method_names(self) -> list[str]:
        return [METHODS[code].value for code in self.method]

    def predict(self, horizon: int) -> FloatArray:
        """Daily forecasts for the next ``horizon`` days, shape (n, horizon), never negative."""
        steps = np.arange(1, horizon + 1, dtype=np.float64)
        weekday = (steps.astype(np.int64) - 1) % WEEK
        base = self.level[:, None] + self.trend[:, None] * steps[None, :]
        return np.maximum(base * self.season[:, weekday], 0.0)

    def mean_over(self, days: IntArray) -> FloatArray:
        """Each series' mean daily forecast over its own number of ``days`` (at least one)."""
        days = np.maximum(days, 1)
        path = self.predict(int(days.max()) if days.size else 1)
        cumulative = np.cumsum(path, axis=1)
        return cumulative[np.arange(len(days)), days - 1] / days


def _skip(days: int) -> int:
    """Days left out of the in-sample error while the smoothing settles (the first week)."""
    return WEEK if days > 2 * WEEK else 0


def _ses(
    y: FloatArray, alphas: FloatArray, factors: FloatArray | None = None
) -> tuple[FloatArray, FloatArray]:
    """Level after the history and in-sample squared error, per alpha and series: (k, n) each.

    With ``factors`` (n, T) the errors are scaled by them first (the seasonal variant's errors
    in demand units), and a day whose factor is 0 (a weekday without trade) leaves the level as
    it is: its zero says nothing about the level. Errors are summed as they arise, never stored:
    memory stays (k, n).
    """
    n, days = y.shape
    level = np.broadcast_to(y[:, : min(WEEK, days)].mean(axis=1), (len(alphas), n)).copy()
    sse = np.zeros((len(alphas), n))
    a = alphas[:, None]
    skip = _skip(days)
    for t in range(days):
        error = y[:, t] - level
        if t >= skip:
            raw = error if factors is None else error * factors[:, t]
            sse += raw * raw
        level += a * (error if factors is None else np.where(factors[:, t] > 0, error, 0.0))
    return level, sse


def _best(sse: FloatArray) -> IntArray:
    """Per series, the parameter row with the smallest in-sample squared error."""
    return np.argmin(sse, axis=0)


def _take(values: FloatArray, best: IntArray) -> FloatArray:
    return values[best, np.arange(values.shape[1])]


def _sigma(sse: FloatArray, days: int) -> FloatArray:
    """The root mean square one-step error from its sum over the days counted."""
    return np.sqrt(sse / max(days - _skip(days), 1))


def fit_ses(y: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Simple exponential smoothing: the level and sigma of the best alpha."""
    level, sse = _ses(y, np.array(SES_ALPHAS))
    best = _best(sse)
    return _take(level, best), _sigma(_take(sse, best), y.shape[1])


def fit_holt(y: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Holt's linear trend: level, trend and sigma of the best (alpha, beta)."""
    n, days = y.shape
    slope, intercept = _ols(y[:, : min(2 * WEEK, days)])
    alphas = np.array([a for a, _ in HOLT_PARAMETERS])[:, None]
    betas = np.array([b for _, b in HOLT_PARAMETERS])[:, None]
    level = np.broadcast_to(intercept - slope, (len(alphas), n)).copy()
    trend = np.broadcast_to(slope, (len(alphas), n)).copy()
    sse = np.zeros((len(alphas), n))
    skip = _skip(days)
    for t in range(days):
        forecast = level + trend
        error = y[:, t] - forecast
        if t >= skip:
            sse += error * error
        level = forecast + alphas * error
        trend = trend + alphas * betas * error
    best = _best(sse)
    return _take(level, best), _take(trend, best), _sigma(_take(sse, best), days)


def fit_seasonal(y: FloatArray, first_weekday: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Weekly seasonal smoothing: level, indices by weekday after the history, sigma."""
    index = weekday_index(y, first_weekday)
    weekday = (np.arange(y.shape[1]) + first_weekday) % WEEK
    factors = index[:, weekday]
    adjusted = np.divide(y, factors, out=np.zeros_like(y), where=factors > 0)
    level, sse = _ses(adjusted, np.array(SES_ALPHAS), factors)
    best = _best(sse)
    after = (np.arange(WEEK) + first_weekday + y.shape[1]) % WEEK
    return _take(level, best), index[:, after], _sigma(_take(sse, best), y.shape[1])


def fit_croston(y: FloatArray, first_weekday: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Croston with the Syntetos-Boylan correction: the rate per calendar day, the weekday
    factors (by weekday after the history) that put it on the trading days, and sigma."""
    n, days = y.shape
    profile = trading_profile(y, first_weekday)
    weekday = (np.arange(days) + first_weekday) % WEEK
    nonzero = y > 0
    counts = nonzero.sum(axis=1)
    size = np.divide(y.sum(axis=1), counts, out=np.zeros(n), where=counts > 0)
    interval = np.divide(days, counts, out=np.ones(n), where=counts > 0)
    since = np.ones(n)
    sse = np.zeros(n)
    alpha = CROSTON_ALPHA
    skip = _skip(days)
    for t in range(days):
        error = y[:, t] - (1 - alpha / 2) * size / interval * profile[:, weekday[t]]
        if t >= skip:
            sse += error * error
        hit = nonzero[:, t]
        size = np.where(hit, size + alpha * (y[:, t] - size), size)
        interval = np.where(hit, interval + alpha * (since - interval), interval)
        since = np.where(hit, 1.0, since + 1.0)
    after = (np.arange(WEEK) + first_weekday + days) % WEEK
    return (1 - alpha / 2) * size / interval, profile[:, after], _sigma(sse, days)


def _ols(y: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Least-squares slope and intercept of each row against day 0, 1, ..."""
    t = np.arange(y.shape[1], dtype=np.float64)
    centred = t - t.mean()
    denominator = float((centred**2).sum()) or 1.0
    slope = (y - y.mean(axis=1, keepdims=True)) @ centred / denominator
    return slope, y.mean(axis=1) - slope * t.mean()


def trend_t(y: FloatArray) -> FloatArray:
    """The t statistic of each row's least-squares slope (0 where the fit is exact and flat)."""
    days = y.shape[1]
    t = np.arange(days, dtype=np.float64)
    slope, intercept = _ols(y)
    residual = y - (intercept[:, None] + slope[:, None] * t[None, :])
    variance = (residual**2).sum(axis=1) / max(days - 2, 1)
    standard_error = np.sqrt(variance / ((t - t.mean()) ** 2).sum())
    exact = standard_error <= 1e-12 * (1 + np.abs(slope))
    return np.where(
        exact, np.where(np.abs(slope) > 1e-9, np.inf, 0.0), slope / np.where(exact, 1, standard_error)
    )


def weekday_index(y: FloatArray, first_weekday: int) -> FloatArray:
    """Multiplicative weekday indices (n, 7) by weekday number, mean 1 (all 1 for a zero series)."""
    weekday = (np.arange(y.shape[1]) + first_weekday) % WEEK
    sums = np.stack([y[:, weekday == d].sum(axis=1) for d in range(WEEK)], axis=1)
    counts = np.array([(weekday == d).sum() for d in range(WEEK)], dtype=np.float64)
    means = sums / np.maximum(counts, 1)
    overall = means.mean(axis=1, keepdims=True)
    return np.divide(means, overall, out=np.ones_like(means), where=overall > 0)


def seasonal_f(y: FloatArray, first_weekday: int) -> FloatArray:
    """One-way ANOVA F of the weekday groups, per row (0 where there is no variation)."""
    days = y.shape[1]
    weekday = (np.arange(days) + first_weekday) % WEEK
    grand = y.mean(axis=1, keepdims=True)
    between = np.zeros(y.shape[0])
    within = np.zeros(y.shape[0])
    for d in range(WEEK):
        group = y[:, weekday == d]
        if group.shape[1] == 0:
            continue
        mean = group.mean(axis=1, keepdims=True)
        between += group.shape[1] * ((mean - grand) ** 2)[:, 0]
        within += ((group - mean) ** 2).sum(axis=1)
    between /= WEEK - 1
    within /= max(days - WEEK, 1)
    return np.divide(between, within, out=np.where(between > 0, np.inf, 0.0), where=within > 1e-12)


def trading_days(y: FloatArray, first_weekday: int) -> npt.NDArray[np.bool_]:
    """Per series, the weekdays (by number) it trades on: those with any demand in its history.

    Every weekday counts while the history is under three weeks (too short to tell), and for a
    series without demand.
    """
    weekday = (np.arange(y.shape[1]) + first_weekday) % WEEK
    sold = np.stack([(y[:, weekday == d] > 0).any(axis=1) for d in range(WEEK)], axis=1)
    if y.shape[1] < 3 * WEEK:
        return np.ones_like(sold)
    return np.where(sold.any(axis=1, keepdims=True), sold, True)


def trading_profile(y: FloatArray, first_weekday: int) -> FloatArray:
    """Weekday factors (n, 7) that spread a calendar-day rate over the trading days (mean 1)."""
    open_days = trading_days(y, first_weekday)
    return open_days * (WEEK / open_days.sum(axis=1, keepdims=True))


def classify(y: FloatArray, first_weekday: int) -> IntArray:
    """Each series' method code (index into ``METHODS``) from its data."""
    demand_days = (y > 0).sum(axis=1)
    weekday = (np.arange(y.shape[1]) + first_weekday) % WEEK
    open_days = trading_days(y, first_weekday)[:, weekday].sum(axis=1)
    adi = np.divide(open_days, demand_days, out=np.full(y.shape[0], np.inf), where=demand_days > 0)
    method = np.full(y.shape[0], METHODS.index(Method.SES), dtype=np.int64)
    enough = y.shape[1] >= 3 * WEEK
    if enough:
        method[np.abs(trend_t(y)) > TREND_T] = METHODS.index(Method.HOLT)
        method[seasonal_f(y, first_weekday) > SEASONAL_F] = METHODS.index(Method.SEASONAL)
    method[adi > INTERMITTENT_ADI] = METHODS.index(Method.CROSTON)
    return method


def forecast(y: npt.ArrayLike, first_weekday: int, method: npt.ArrayLike | None = None) -> Forecasts:
    """Fit every series of ``y`` (n series x days, oldest first) with its method.

    ``first_weekday`` is the weekday (Monday 0) of the first column. ``method`` forces a method
    per series (the backtest compares them); by default ``classify`` chooses.
    """
    y = np.asarray(y, dtype=np.float64)
    n = y.shape[0]
    chosen = classify(y, first_weekday) if method is None else np.asarray(method, dtype=np.int64)
    level = np.zeros(n)
    trend = np.zeros(n)
    season = np.ones((n, WEEK))
    sigma = np.zeros(n)
    if y.shape[1] == 0:
        return Forecasts(chosen, level, trend, season, sigma)
    for code, name in enumerate(METHODS):
        rows = np.flatnonzero(chosen == code)
        if rows.size == 0:
            continue
        part = y[rows]
        if name is Method.SES:
            level[rows], sigma[rows] = fit_ses(part)
        elif name is Method.HOLT:
            level[rows], trend[rows], sigma[rows] = fit_holt(part)
        elif name is Method.SEASONAL:
            level[rows], season[rows], sigma[rows] = fit_seasonal(part, first_weekday)
        else:
            level[rows], season[rows], sigma[rows] = fit_croston(part, first_weekday)
    return Forecasts(chosen, level, trend, season, sigma)


def naive(y: npt.ArrayLike, horizon: int) -> FloatArray:
    """The naive forecast: the last observed value, held for ``horizon`` days."""
    return np.repeat(np.asarray(y, dtype=np.float64)[:, -1:], horizon, axis=1)
