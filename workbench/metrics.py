"""Community-health metrics: thin calls of ``queries/metrics/*.sql`` returning DataFrames.

Every metric is computed per period: ``period`` is ``"day"``, ``"week"`` (weeks start on
Monday) or ``"month"``, truncated in UTC, and the ``period`` column holds the period's
first day as a date; for short exports ``"hour"`` or ``"minute"``, whose ``period`` is the
start as a UTC timestamp. With ``run_id`` (a saved community run) the rows are split by the
``community`` of the account concerned (the post's author, the interaction's actor, the
question's asker); accounts outside the run fall in community ``<NA>``. Without it there
is no ``community`` column. ``since`` / ``until`` restrict to the half-open UTC interval
``[since, until)``. Self-interactions never count.

- :func:`engagement`: applause, amplification and conversation rates (Kaushik 2011).
- :func:`growth`: new and cumulative members.
- :func:`activity`: weighted activity score, conversation weighted highest.
- :func:`retention` (cohort table) and :func:`churn`.
- :func:`responsiveness`: questions to the focal accounts answered and time to first
  response (CHAOSS).
- :func:`density`: graph density and interactions per member.

Examples
--------
>>> from workbench.roles._examples import tiny_store
>>> print(engagement(tiny_store())[["period", "posts", "likes", "applause_rate"]].to_string(index=False))
    period  posts  likes  applause_rate
2022-03-07     14     46       3.285714
2022-03-14     10     96       9.600000
2022-03-21      6     23       3.833333
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

import pandas as pd

from workbench.checks import DATE_PERIODS, DEFAULT_KINDS, PERIODS, TimeLike, check_kinds, check_period, check_time
from workbench.errors import ParameterError
from workbench.roles.window import resolve_focal

__all__ = ["engagement", "growth", "activity", "retention", "churn", "responsiveness", "density",
           "PERIODS", "DEFAULT_WEIGHTS"]

#: Activity weights by interaction kind: conversation highest, then amplification, then light touches (docs/metrics.md).
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType({
    "reply": 3.0, "comment": 3.0, "quote": 2.0, "share": 1.0, "mention": 1.0,
    "like": 0.5, "reaction": 0.5, "follow": 0.0,
})


def _run(store, name: str, *, period: str, run_id: int | None, since: TimeLike, until: TimeLike,
         **params) -> pd.DataFrame:
    check_period(period)
    if run_id is not None:
        run_id = store.check_account_run(run_id)  # a clear error for a missing run or one of hashtags only
    frame = store.query(name, period=period, run_id=run_id, since=check_time(since, name="since"),
                        until=check_time(until, name="until"), **params)
    if "period" in frame.columns:
        frame["period"] = _period_values(frame["period"], period)
    if run_id is None:
        frame = frame.drop(columns="community")
    else:
        frame["community"] = frame["community"].astype("Int64")
    return frame


def _period_values(values: pd.Series, period: str) -> pd.Series:
    """Period starts as dates (day, week, month) or UTC timestamps (hour, minute)."""
    stamps = pd.to_datetime(values)
    if period in DATE_PERIODS:
        return stamps.dt.date
    return stamps.dt.tz_localize("UTC") if stamps.dt.tz is None else stamps.dt.tz_convert("UTC")


def engagement(store, *, period: str = "week", run_id: int | None = None,
               since: TimeLike = None, until: TimeLike = None) -> pd.DataFrame:
    """Applause, amplification and conversation rates per period over collected posts that are not shares.

    The counters are the platform's own (a share's counters mirror the original, so
    shares are left out). Per period: ``applause_rate = likes / posts``,
    ``amplification_rate = (shares + quotes) / posts``, ``conversation_rate = replies /
    posts`` (Kaushik 2011), ``engagement_per_post = (shares + replies) / posts``. A post
    without a counter adds 0 to that sum; a rate is NA when no post has its counter.

    Returns
    -------
    pandas.DataFrame
        ``period, [community], posts, likes, shares, quotes, replies, applause_rate,
        amplification_rate, conversation_rate, engagement_per_post``; only periods with
        at least one such post.

    Examples
    --------
    >>> from workbench.roles._examples import tiny_store
    >>> print(engagement(tiny_store(), period="month").iloc[:, :6].to_string(index=False))
        period  posts  likes  shares  quotes  replies
    2022-03-01     30    165      14       2       11
    """
    return _run(store, "metrics.engagement", period=period, run_id=run_id, since=since, until=until)


def growth(store, *, period: str = "week", run_id: int | None = None,
           since: TimeLike = None, until: TimeLike = None) -> pd.DataFrame:
    """New and cumulative members per period.

    An account is seen at each collected post it authors and each interaction it takes
    part in (either side); it is *new* in the period it is first seen in the window.

    Returns
    -------
    pandas.DataFrame
        ``period, [community], new_members, cumulative_members, active_members``.

    Examples
    --------
    >>> from workbench.roles._examples import tiny_store
    >>> growth(tiny_store())[["new_members", "cumulative_members"]].values.tolist()
    [[16, 16], [4, 20], [0, 20]]
    """
    return _run(store, "metrics.growth", period=period, run_id=run_id, since=since, until=until)


def activity(store, *, period: str = "week", run_id: int | None = None, since: TimeLike = None,
             until: TimeLike = None, weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> pd.DataFrame:
    """Weighted activity score per period: ``sum over interactions of weights[kind]``.

    Parameters
    ----------
    weights : mapping
        Weight per interaction kind; default reply and comment 3, quote 2, share and
        mention 1, like and reaction 0.5, follow 0. Kinds left out weigh 0.

    Returns
    -------
    pandas.DataFrame
        ``period, [community], interactions, replies, comments, quotes, shares, mentions,
        likes, active_accounts, activity_score, activity_per_account``.

    Examples
    --------
    >>> from workbench.roles._examples import tiny_store
    >>> print(activity(tiny_store())[["period", "interactions", "activity_score"]].to_string(index=False))
        period  interactions  activity_score
    2022-03-07            16            27.0
    2022-03-14            13            21.0
    2022-03-21             8            14.0
    """
    kinds = check_kinds(list(weights))
    values = [float(weights[k]) for k in kinds]
    return _run(store, "metrics.activity", period=period, run_id=run_id, since=since, until=until,
                weight_kinds=kinds, weight_values=values)


def retention(store, *, period: str = "week", run_id: int | None = None,
              since: TimeLike = None, until: TimeLike = None) -> pd.DataFrame:
    """Cohort retention: accounts first active in ``cohort`` that act again ``offset`` periods later.

    Active means an own action: a collected post, or an interaction as its source.

    Returns
    -------
    pandas.DataFrame
        ``cohort, [community], offset, period, cohort_size, retained, retention_rate``
        (long form; ``offset`` 0 is the cohort itself). Pivot it for the triangle:
        ``table.pivot(index="cohort", columns="offset", values="retention_rate")``.

    Examples
    --------
    >>> from workbench.roles._examples import tiny_store
    >>> retention(tiny_store())[["offset", "cohort_size", "retained"]].values.tolist()
    [[0, 14, 14], [1, 14, 10], [2, 14, 8], [0, 5, 5], [1, 5, 0]]
    """
    frame = _run(store, "metrics.retention", period=period, run_id=run_id, since=since, until=until)
    frame["cohort"] = _period_values(frame["cohort"], period)
    return frame


def churn(store, *, period: str = "week", run_id: int | None = None,
          since: TimeLike = None, until: TimeLike = None) -> pd.DataFrame:
    """Per period, the share of active accounts that do not act in the next period.

    Returns
    -------
    pandas.DataFrame
        ``period, [community], active_members, retained_next, churned, churn_rate``;
        the last period's next is unknown, so its last three columns are NA.

    Examples
    --------
    >>> from workbench.roles._examples import tiny_store
    >>> churn(tiny_store())[["active_members", "churned"]].values.tolist()
    [[14, 4], [15, 11], [8, <NA>]]
    """
    frame = _run(store, "metrics.churn", period=period, run_id=run_id, since=since, until=until)
    for column in ("retained_next", "churned"):
        frame[column] = frame[column].astype("Int64")
    return frame


def responsiveness(store, *, focal: str | Iterable[str] | None = None, period: str = "week",
                   run_id: int | None = None, since: TimeLike = None, until: TimeLike = None) -> pd.DataFrame:
    """Questions to the focal accounts: how many, share answered, median hours to the first answer.

    A *question* is a collected post by a non-focal account that replies to, comments on
    or mentions a focal account and whose text, after its leading @mentions, ends with
    ``?`` or starts with an English question word (who, whom, whose, what, when, where,
    which, why, how, is, are, am, was, were, can, could, do, does, did, will, would,
    should, shall, may, might, has, have, had, isn't, aren't, can't, won't, don't,
    doesn't, didn't, anyone, anybody; case-insensitive). It is *answered* when a focal
    account posts a reply to it; the time to first response is that reply's time minus
    the question's (CHAOSS "Time to First Response").

    Parameters
    ----------
    focal : str or iterable of str, optional
        Account ids or handles; None takes the accounts flagged ``is_focal``.

    Returns
    -------
    pandas.DataFrame
        ``period, [community], questions, answered, share_answered,
        median_hours_to_first_response`` (period of the question).

    Examples
    --------
    >>> from workbench.roles._examples import tiny_store
    >>> print(responsiveness(tiny_store(), focal="@brewco", period="month").to_string(index=False))
        period  questions  answered  share_answered  median_hours_to_first_response
    2022-03-01          3         2        0.666667                            10.5
    """
    focal_ids = resolve_focal(store, focal)
    if not focal_ids:
        raise ParameterError("responsiveness needs focal accounts: pass focal=['@handle', ...] "
                             "or flag accounts with is_focal")
    return _run(store, "metrics.responsiveness", period=period, run_id=run_id, since=since, until=until,
                focal_ids=focal_ids)


def density(store, *, period: str = "week", run_id: int | None = None, since: TimeLike = None,
            until: TimeLike = None, kinds: Iterable[str] = DEFAULT_KINDS) -> pd.DataFrame:
    """Graph density and interactions per member, per period.

    ``density = pairs / (members * (members - 1))`` over distinct directed pairs of the
    period's interactions (of ``kinds``); ``interactions_per_member = interactions /
    members``; members are the accounts taking part (either side). Per community only
    links inside the community count.

    Returns
    -------
    pandas.DataFrame
        ``period, [community], members, interactions, pairs, density, interactions_per_member``.

    Examples
    --------
    >>> from workbench.roles._examples import tiny_store
    >>> print(density(tiny_store())[["members", "pairs", "density"]].to_string(index=False))
     members  pairs  density
          14     15 0.082418
          15     13 0.061905
           8      8 0.142857
    """
    return _run(store, "metrics.density", period=period, run_id=run_id, since=since, until=until,
                kinds=check_kinds(kinds))
