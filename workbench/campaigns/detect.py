"""Campaign detection: bursts of activity found as change points in the daily series.

The method, step by step (every step works on one number per day, never on rows):

1. **Series.** Actions per UTC day, counted in DuckDB (``campaigns.daily_actions``): every collected
   post and every interaction no collected post carries; or only the posts with a hashtag; or only
   the interactions of others with the focal accounts. Days without actions count 0.
2. **Baseline.** The usual level of each day: a running median over ``baseline_days`` days centred
   on it (robust to a burst shorter than half of that), times a weekday factor (the median ratio of
   each weekday to the running median) when the series spans three weeks or more.
3. **Lift.** ``r = log((actions + 1) / (baseline + 1))``, standardised by its noise: Poisson
   variation ``1 / (baseline + 1)`` plus day-to-day variation ``noise`` (a floor; with three weeks or
   more, the series' own estimate when larger: the median absolute difference of consecutive days,
   scaled to a standard deviation).
4. **Change points.** PELT (Killick, Fearnhead & Eckley 2012) on the standardised series, with a
   squared-error cost and the penalty ``penalty * log(days)`` per change point (2: the Schwarz
   criterion), as implemented in ``ruptures`` (Truong, Oudre & Vayatis 2020; ``KernelCPD`` with the
   linear kernel, its C implementation of PELT).
5. **Bursts.** A segment between change points is a burst when its actions are at least ``min_lift``
   times its baseline (sums over the segment) and its standardised excess is beyond the penalty
   (``sum(z) / sqrt(days) >= sqrt(penalty * log(days))``); adjacent burst segments form one window.

A flat series (the same rate every day) has no change point, and therefore no burst.

Examples
--------
>>> import numpy as np
>>> counts = np.r_[np.full(20, 100), np.full(4, 320), np.full(20, 130)]
>>> days = pd.date_range("2022-03-01", periods=len(counts), freq="D")
>>> burst = windows(days, counts).iloc[0]
>>> f"{burst.start:%Y-%m-%d} to {burst.end:%Y-%m-%d} (exclusive): {burst.lift:.2f}x the usual level"
'2022-03-21 to 2022-03-25 (exclusive): 2.52x the usual level'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta

import numpy as np
import pandas as pd

from workbench.campaigns import log as log_module
from workbench.checks import TimeLike, check_window
from workbench.errors import ParameterError

__all__ = ["daily", "windows", "detect", "WEEKLY_MIN_DAYS"]

#: With fewer days, a weekday pattern and the day-to-day noise cannot be told from the signal.
WEEKLY_MIN_DAYS = 21


def _series(store, *, hashtag: str | None, focal: bool | str | Iterable[str] | None, since: TimeLike,
            until: TimeLike) -> tuple[pd.DataFrame, str]:
    since_at, until_at = check_window(since, until)
    if hashtag is not None and focal:
        raise ParameterError("restrict detection to a hashtag or to the focal accounts, not both")
    mode, pattern, focal_ids = "all", "", []
    if hashtag is not None:
        tags = log_module.check_hashtags(hashtag)
        if len(tags) != 1:
            raise ParameterError(f"detection follows one hashtag at a time; got {hashtag!r}")
        mode, pattern = "hashtag", r"(?i)(^|[^\w&])#" + tags[0] + r"(\W|$)"
    elif focal:
        from workbench.roles.window import resolve_focal

        focal_ids = resolve_focal(store, None if focal is True else focal)
        if not focal_ids:
            raise ParameterError("no focal accounts: flag some (workbench focal add) or name them, e.g. focal=['@brand']")
        mode = "focal"
    frame = store.query("campaigns.daily_actions", mode=mode, pattern=pattern, focal_ids=focal_ids,
                        since=since_at, until=until_at)
    frame["day"] = pd.to_datetime(frame["day"])
    measure = {"all": "actions", "focal": "actions towards the focal accounts"}.get(mode) or f"#{tags[0]} posts"
    return frame, measure


def _baseline(days: pd.DatetimeIndex, counts: np.ndarray, baseline_days: int) -> np.ndarray:
    running = pd.Series(counts).rolling(baseline_days, center=True, min_periods=1).median().to_numpy()
    if len(counts) < WEEKLY_MIN_DAYS:
        return running
    log_ratio = np.log1p(counts) - np.log1p(running)
    weekday = np.asarray(days.day_of_week)
    effect = pd.Series(log_ratio).groupby(weekday).median()
    effect = effect - effect.mean()
    return np.expm1(np.log1p(running) + effect.reindex(weekday).fillna(0.0).to_numpy())


def windows(days: Sequence, counts: Sequence[float], *, min_lift: float = 1.5, noise: float = 0.2,
            penalty: float = 2.0, baseline_days: int = 28) -> pd.DataFrame:
    """Bursts in a daily series (the method of this module's docstring, steps 2 to 5).

    Parameters
    ----------
    days : sequence of dates
        Consecutive days.
    counts : sequence of numbers
        Actions on each day.
    min_lift : float
        A burst has at least this many times its usual actions.
    noise : float
        The day-to-day variation taken as ordinary (0.2: plus or minus 20 %), a floor.
    penalty : float
        Cost of a change point in units of ``log(days)`` (2: the Schwarz criterion).
    baseline_days : int
        Width of the running median that gives each day's usual level.

    Returns
    -------
    pandas.DataFrame
        One row per burst: ``start``, ``end`` (exclusive), ``days``, ``actions``, ``baseline``
        (usual actions over the same days), ``lift`` (actions / baseline), ``peak_day``, ``peak_actions``.
    """
    if min_lift <= 1:
        raise ParameterError(f"min_lift must be above 1 (a burst is more than the usual level); got {min_lift}")
    if noise < 0 or penalty <= 0 or baseline_days < 3:
        raise ParameterError("noise must be >= 0, penalty > 0 and baseline_days >= 3")
    days = pd.DatetimeIndex(pd.to_datetime(days))
    counts = np.asarray(counts, dtype=float)
    columns = ["start", "end", "days", "actions", "baseline", "lift", "peak_day", "peak_actions"]
    n = len(counts)
    if n < 2 or counts.sum() == 0:
        return pd.DataFrame(columns=columns)
    base = _baseline(days, counts, baseline_days)
    lift = np.log1p(counts) - np.log1p(base)
    poisson = 1.0 / (base + 1.0)
    if n >= WEEKLY_MIN_DAYS:
        spread = 1.4826 * np.median(np.abs(np.diff(lift))) / np.sqrt(2.0)
        noise = max(noise, float(np.sqrt(max(spread**2 - np.median(poisson), 0.0))))
    z = lift / np.sqrt(poisson + noise**2)
    pen = penalty * np.log(n)
    import ruptures

    ends = ruptures.KernelCPD(kernel="linear", min_size=1, jump=1).fit(z.reshape(-1, 1)).predict(pen=pen)
    starts = np.r_[0, ends[:-1]].astype(int)
    ends = np.asarray(ends, dtype=int)
    lengths = ends - starts
    sums = np.add.reduceat(counts, starts)
    base_sums = np.add.reduceat(base, starts)
    z_sums = np.add.reduceat(z, starts)
    ratio = (sums + lengths) / (base_sums + lengths)
    burst = (ratio >= min_lift) & (z_sums / np.sqrt(lengths) >= np.sqrt(pen))
    if not burst.any():
        return pd.DataFrame(columns=columns)
    # adjacent burst segments form one window: label runs of consecutive burst segments
    run = np.cumsum(np.r_[True, ~burst[1:] | ~burst[:-1]])[burst]
    rows = []
    for label in np.unique(run):  # one iteration per burst, not per day
        segs = np.flatnonzero(burst)[run == label]
        lo, hi = int(starts[segs[0]]), int(ends[segs[-1]])
        peak = lo + int(np.argmax(counts[lo:hi]))
        rows.append({"start": days[lo], "end": days[hi - 1] + timedelta(days=1), "days": hi - lo,
                     "actions": int(counts[lo:hi].sum()), "baseline": float(base[lo:hi].sum()),
                     "lift": float((counts[lo:hi].sum() + hi - lo) / (base[lo:hi].sum() + hi - lo)),
                     "peak_day": days[peak], "peak_actions": int(counts[peak])})
    return pd.DataFrame(rows, columns=columns)


def daily(store, *, hashtag: str | None = None, focal: bool | str | Iterable[str] | None = None,
          since: TimeLike = None, until: TimeLike = None, baseline_days: int = 28) -> pd.DataFrame:
    """The daily series detection reads, with each day's usual level (for timelines).

    Returns
    -------
    pandas.DataFrame
        ``day`` (UTC midnight), ``actions``, ``baseline`` (the usual level, step 2 above).

    Examples
    --------
    >>> from workbench.roles._examples import tiny_store
    >>> daily(tiny_store())["actions"].sum()  # the tiny export's 45 collected tweets
    np.int64(45)
    """
    frame, _ = _series(store, hashtag=hashtag, focal=focal, since=since, until=until)
    counts = frame["actions"].to_numpy(dtype=float)
    frame["baseline"] = _baseline(pd.DatetimeIndex(frame["day"]), counts, baseline_days) if len(frame) else []
    return frame


def detect(store, *, hashtag: str | None = None, focal: bool | str | Iterable[str] | None = None,
           since: TimeLike = None, until: TimeLike = None, min_lift: float = 1.5, noise: float = 0.2,
           penalty: float = 2.0, baseline_days: int = 28, save: bool = True) -> pd.DataFrame:
    """Find bursts of activity and log them as campaigns with ``source='detected'``.

    Parameters
    ----------
    store : Store
    hashtag : str, optional
        Only posts carrying this hashtag (``"#SpringRide"``).
    focal : bool or list of str, optional
        Only interactions of others with the focal accounts (True: those flagged in the workspace).
    since, until : str or datetime, optional
        The part of the workspace to search.
    min_lift, noise, penalty, baseline_days
        As in :func:`windows`.
    save : bool
        Log each burst whose window overlaps no logged campaign (so running detection twice adds
        nothing); False only returns them.

    Returns
    -------
    pandas.DataFrame
        The bursts (columns of :func:`windows`) with ``name``, ``note`` and ``campaign_id`` (the new
        id; the overlapping campaign's id when one was already logged; NA when not saved) and
        ``logged`` (True when this call logged it).

    Examples
    --------
    >>> from workbench.roles._examples import tiny_store
    >>> detect(tiny_store(), save=False).empty  # three quiet weeks: nothing stands out
    True
    """
    if save:
        store._check_writable()
    frame, measure = _series(store, hashtag=hashtag, focal=focal, since=since, until=until)
    found = windows(frame["day"], frame["actions"], min_lift=min_lift, noise=noise, penalty=penalty,
                    baseline_days=baseline_days)
    tags = log_module.check_hashtags(hashtag) if hashtag else []
    prefix = f"#{tags[0]} burst" if tags else ("focal burst" if focal else "burst")
    found["name"] = [f"{prefix} {start:%Y-%m-%d}" for start in found["start"]]
    found["note"] = [f"detected: {int(r.actions):,} {measure} in {int(r.days)} day(s), {r.lift:.1f}x the usual "
                     f"{r.baseline:,.0f}; peak {r.peak_day:%Y-%m-%d} ({int(r.peak_actions):,})"
                     for r in found.itertuples()]
    found["campaign_id"] = pd.array([None] * len(found), dtype="Int64")
    found["logged"] = False
    if not save or found.empty:
        return found
    logged = log_module.log(store)
    for i, burst in enumerate(found.itertuples()):  # one iteration per burst
        start, end = burst.start.tz_localize("UTC"), burst.end.tz_localize("UTC")
        overlap = logged[(logged["start_at"] < end) & (logged["end_at"] > start)]
        if len(overlap):
            found.loc[found.index[i], "campaign_id"] = int(overlap["campaign_id"].iloc[0])
            continue
        found.loc[found.index[i], "campaign_id"] = log_module.add(
            store, _free_name(logged, burst.name), start=start, end=end, hashtags=tags, note=burst.note,
            source="detected")
        found.loc[found.index[i], "logged"] = True
        logged = log_module.log(store)
    return found


def _free_name(logged: pd.DataFrame, name: str) -> str:
    taken = set(logged["name"])
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name} ({number})", number + 1
    return candidate
