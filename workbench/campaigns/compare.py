"""Before, during and after a campaign; its recruits week by week; two campaigns side by side.

Every figure reuses a metric definition (the macros of ``queries/metrics/prepare.sql``, the same
the weekly metrics use): an account is *seen* at each collected post it authors and each
interaction it takes part in; it is *new* in the window it is first seen in (over the whole
workspace); it *acts* with its own post or interaction. A campaign's *recruits* are the accounts
first seen during it; the plateau is the share of them that still act afterwards.

Examples
--------
>>> from workbench.roles._examples import tiny_store
>>> table = compare(tiny_store(), ("2022-03-14", "2022-03-21"))  # the tiny export's middle week
>>> table[["new_members", "active_members", "posts", "applause_rate"]].round(2)  # doctest: +NORMALIZE_WHITESPACE
        new_members  active_members  posts  applause_rate
window
before           16              16     14           3.29
during            4              16     10           9.60
after             0               8      6           3.83
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pandas as pd

from workbench.campaigns.log import CampaignLike, resolve
from workbench.checks import check_time
from workbench.errors import ParameterError

__all__ = ["compare", "retained", "side_by_side", "WINDOWS"]

WINDOWS = ("before", "during", "after")
_DAY = timedelta(days=1)


def _run_id(store, run_id: int | None) -> int | None:
    if run_id is None:
        return None
    return store.check_account_run(run_id)  # a clear error for a missing run or one of hashtags only


def _flank(spec: Any, *, anchor, length: timedelta, side: str) -> tuple:
    """The window before (``side='before'``) or after the campaign: a length, or an explicit (start, end)."""
    if spec is None:
        spec = length
    if isinstance(spec, tuple):
        if len(spec) != 2:
            raise ParameterError(f"{side} must be a length in days or a (start, end) pair; got {spec!r}")
        start, end = check_time(spec[0], name=f"{side} start"), check_time(spec[1], name=f"{side} end")
        if start is None or end is None or end <= start:
            raise ParameterError(f"{side} window must have a start before its end; got {spec!r}")
        return start, end
    if isinstance(spec, (int, float)) and not isinstance(spec, bool):
        spec = timedelta(days=float(spec))
    if not isinstance(spec, timedelta) or spec <= timedelta(0):
        raise ParameterError(f"{side} must be a positive number of days, a timedelta or a (start, end) pair; got {spec!r}")
    return (anchor - spec, anchor) if side == "before" else (anchor, anchor + spec)


def compare(store, campaign: CampaignLike, *, baseline: Any = None, after: Any = None,
            run_id: int | None = None) -> pd.DataFrame:
    """The windows before, during and after a campaign, side by side.

    Parameters
    ----------
    store : Store
    campaign : int, str, mapping or (start, end)
        A logged campaign (id or name), a row of :func:`workbench.campaigns.list`, or a window.
    baseline, after : float, timedelta or (start, end), optional
        The window before (and after) the campaign: its length in days, or explicit bounds.
        Default: as long as the campaign, right before (right after) it.
    run_id : int, optional
        A saved community run: one row per window and community (of the member, the post's
        author, the recruit); accounts outside the run in community ``<NA>``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``window`` (``before``, ``during``, ``after``; with ``run_id`` also by
        ``community``): ``start_at``, ``end_at``, ``days``, ``observed`` (False when the window
        reaches past the workspace's data), ``actions``, ``active_members``, ``new_members``,
        ``members_before`` (members seen before the window), ``growth`` (new / members before),
        ``posts``, ``likes``, ``shares``, ``quotes``, ``replies``, ``applause_rate``,
        ``amplification_rate``, ``conversation_rate`` (as :func:`workbench.metrics.engagement`),
        ``recruits`` (accounts first seen during the campaign) and ``recruits_retained`` (the
        share of them that act in the window: the plateau, after; NA before).
    """
    chosen = resolve(store, campaign)
    start, end = chosen["start_at"], chosen["end_at"]
    length = end - start
    before_window = _flank(baseline, anchor=start, length=length, side="before")
    after_window = _flank(after, anchor=end, length=length, side="after")
    bounds = [before_window, (start, end), after_window]
    frame = store.query("campaigns.windows", names=list(WINDOWS), starts=[b[0] for b in bounds],
                        ends=[b[1] for b in bounds], recruit_since=start, recruit_until=end,
                        run_id=_run_id(store, run_id))
    span = store.query("campaigns.span").iloc[0]
    frame["days"] = (frame["end_at"] - frame["start_at"]) / pd.Timedelta(days=1)
    frame["observed"] = ((frame["start_at"] >= span["first_at"]) & (frame["end_at"] <= span["last_at"] + _DAY)
                         if pd.notna(span["last_at"]) else False)
    columns = ["window", "community", "start_at", "end_at", "days", "observed", "actions", "active_members",
               "new_members", "members_before", "growth", "posts", "likes", "shares", "quotes", "replies",
               "applause_rate", "amplification_rate", "conversation_rate", "recruits", "recruits_retained"]
    frame = frame[columns]
    frame.attrs["campaign"] = chosen["name"]
    if run_id is None:
        return frame.drop(columns="community").set_index("window")
    frame["community"] = frame["community"].astype("Int64")
    return frame.set_index(["window", "community"])


def retained(store, campaign: CampaignLike, *, weeks: int | None = None, run_id: int | None = None) -> pd.DataFrame:
    """The campaign's recruits that still act in each week after it: the plateau, week by week.

    Parameters
    ----------
    weeks : int, optional
        How many weeks to follow; default every week up to the workspace's last action (at most 52).

    Returns
    -------
    pandas.DataFrame
        ``week`` (1 is the first week after the campaign), ``week_start``, ``[community]``,
        ``recruits``, ``recruits_active``, ``recruits_retained`` (their share), ``observed``
        (False for a week that reaches past the workspace's data).

    Examples
    --------
    >>> from workbench.roles._examples import tiny_store
    >>> retained(tiny_store(), ("2022-03-07", "2022-03-14"))[["week", "recruits", "recruits_active"]].values.tolist()
    [[1, 16, 11], [2, 16, 8]]
    """
    chosen = resolve(store, campaign)
    span = store.query("campaigns.span").iloc[0]
    if weeks is None:
        last = span["last_at"]
        remaining = (last - pd.Timestamp(chosen["end_at"])) / pd.Timedelta(days=7) if pd.notna(last) else 0
        weeks = min(max(math.ceil(remaining), 1), 52)
    if int(weeks) < 1:
        raise ParameterError(f"weeks must be at least 1; got {weeks}")
    frame = store.query("campaigns.recruits_weekly", recruit_since=chosen["start_at"], recruit_until=chosen["end_at"],
                        weeks=int(weeks), run_id=_run_id(store, run_id))
    frame["observed"] = (frame["week_start"] + pd.Timedelta(days=7) <= span["last_at"] + pd.Timedelta(days=1)
                         if pd.notna(span["last_at"]) else False)
    if run_id is None:
        return frame.drop(columns="community")
    frame["community"] = frame["community"].astype("Int64")
    return frame


def side_by_side(store, campaigns: Sequence[CampaignLike], *, baseline: Any = None, after: Any = None,
                 run_id: int | None = None) -> pd.DataFrame:
    """Several campaigns compared at once (this year's against last year's): one column block per campaign.

    Returns
    -------
    pandas.DataFrame
        The frames of :func:`compare`, side by side: columns ``(campaign name, measure)``.
    """
    if len(campaigns) < 2:
        raise ParameterError("side_by_side compares two or more campaigns")
    frames = {}
    for campaign in campaigns:  # one query per campaign
        frame = compare(store, campaign, baseline=baseline, after=after, run_id=run_id)
        name = frame.attrs["campaign"]
        if name in frames:
            raise ParameterError(f"campaign {name!r} is given twice")
        frames[name] = frame
    return pd.concat(frames, axis=1, names=["campaign", "measure"])
