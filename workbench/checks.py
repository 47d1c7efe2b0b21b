"""The values every entry point accepts, defined and checked in one place.

Graphs, scores, metrics, notebooks, reports and the CLI take the same interaction kinds,
time bounds and calendar periods; they all check them here, with ``is_x`` / ``check_x``
pairs in the manner of scikit-network's ``utils/check.py``. A ``check_x`` returns the
value in its normal form or raises :class:`~workbench.errors.ParameterError` naming what
is allowed.

Examples
--------
>>> DEFAULT_KINDS
('reply', 'mention', 'share', 'quote', 'comment')
>>> check_kinds("share, reply")
('share', 'reply')
>>> check_period("week")
'week'
>>> check_window("2024-03-01", None)
(datetime.datetime(2024, 3, 1, 0, 0, tzinfo=datetime.timezone.utc), None)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING

from workbench.errors import ParameterError

if TYPE_CHECKING:  # pandas is imported where it is used: the CLI's start (a load) does not need it
    import pandas as pd

__all__ = [
    "INTERACTION_KINDS", "DEFAULT_KINDS", "PERIODS", "TimeLike",
    "is_interaction_kind", "check_kinds", "check_time", "check_window", "is_period", "check_period",
    "DATE_PERIODS", "choose_period", "period_length",
]

#: Every interaction kind of the store: ``source_id`` acts on ``target_id``.
INTERACTION_KINDS = ("reply", "mention", "share", "quote", "like", "follow", "comment", "reaction")
#: The kinds graphs, scores, reports and notebooks use unless told otherwise: conversation
#: (reply, Reddit's comment, mention) and amplification (share, quote). Likes, reactions and
#: follows only on request: they are abundant where present and absent from most exports.
DEFAULT_KINDS = ("reply", "mention", "share", "quote", "comment")
#: Calendar periods of metrics and charts, truncated in UTC; weeks start on Monday. Hours and minutes
#: are for short exports (a stream captured over half an hour); :func:`choose_period` picks one from a time span.
PERIODS = ("day", "week", "month", "hour", "minute")
#: Periods whose start is a calendar date (metrics give them as dates; hours and minutes as UTC timestamps).
DATE_PERIODS = ("day", "week", "month")

#: A time bound: ISO text, a date, a datetime (a pandas Timestamp is one) or None.
TimeLike = str | date | datetime | None


def is_interaction_kind(kind: object) -> bool:
    """Whether ``kind`` is one of :data:`INTERACTION_KINDS`.

    >>> is_interaction_kind("share"), is_interaction_kind("retweet")
    (True, False)
    """
    return isinstance(kind, str) and kind in INTERACTION_KINDS


def check_kinds(kinds: str | Iterable[str]) -> tuple[str, ...]:
    """``kinds`` as a tuple if each is an interaction kind, else :class:`ParameterError`.

    A comma-separated string is accepted (``"reply,share"``). Duplicates are dropped, order kept.

    >>> check_kinds(["reply", "share"])
    ('reply', 'share')
    >>> check_kinds(["reply", "retweet"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    workbench.errors.ParameterError: unknown interaction kind(s) 'retweet'; kinds must be some of reply, ...
    """
    if isinstance(kinds, str):
        kinds = [part.strip() for part in kinds.split(",") if part.strip()]
    kinds = tuple(dict.fromkeys(kinds))
    unknown = [kind for kind in kinds if not is_interaction_kind(kind)]
    allowed = ", ".join(INTERACTION_KINDS)
    if unknown:
        raise ParameterError(f"unknown interaction kind(s) {', '.join(map(repr, unknown))}; kinds must be some of "
                             f"{allowed} (a retweet or reblog is a share)")
    if not kinds:
        raise ParameterError(f"no interaction kinds given; kinds must be some of {allowed}")
    return kinds


def check_time(value: TimeLike, *, name: str) -> datetime | None:
    """A time bound as a UTC ``datetime`` (a naive value is taken as UTC); None or ``""`` is no bound.

    >>> check_time("2022-03-14", name="since")
    datetime.datetime(2022, 3, 14, 0, 0, tzinfo=datetime.timezone.utc)
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    import pandas as pd  # here, not at import: the CLI's start (a load) does not need pandas

    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        stamp = pd.NaT
    if stamp is pd.NaT:
        raise ParameterError(f"{name} must be a date or timestamp such as '2024-03-01' or "
                             f"'2024-03-01T12:00:00Z'; got {value!r}")
    stamp = stamp.tz_localize(timezone.utc) if stamp.tzinfo is None else stamp.tz_convert(timezone.utc)
    return stamp.to_pydatetime()


def check_window(since: TimeLike, until: TimeLike) -> tuple[datetime | None, datetime | None]:
    """The half-open interval ``[since, until)`` in UTC; either bound may be open (None or ``""``).

    >>> check_window("2024-03-02", "2024-03-01")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    workbench.errors.ParameterError: since (2024-03-02T00:00:00+00:00) must be before until ...
    """
    since_at, until_at = check_time(since, name="since"), check_time(until, name="until")
    if since_at is not None and until_at is not None and since_at >= until_at:
        raise ParameterError(f"since ({since_at.isoformat()}) must be before until ({until_at.isoformat()})")
    return since_at, until_at


def is_period(period: object) -> bool:
    """Whether ``period`` is one of :data:`PERIODS`.

    >>> is_period("month"), is_period("year")
    (True, False)
    """
    return isinstance(period, str) and period in PERIODS


def check_period(period: object) -> str:
    """``period`` if it is day, week or month, else :class:`ParameterError`.

    >>> check_period("fortnight")
    Traceback (most recent call last):
    ...
    workbench.errors.ParameterError: period must be one of day, week, month, hour, minute; got 'fortnight'
    """
    if not is_period(period):
        raise ParameterError(f"period must be one of {', '.join(PERIODS)}; got {period!r}")
    return str(period)


_LENGTHS = {"minute": {"minutes": 1}, "hour": {"hours": 1}, "day": {"days": 1}, "week": {"days": 7},
            "month": {"days": 30.44}}


def period_length(period: str) -> pd.Timedelta:
    """The (mean) length of a period: a month counts 30.44 days.

    >>> period_length("week")
    Timedelta('7 days 00:00:00')
    """
    import pandas as pd

    return pd.Timedelta(**_LENGTHS[check_period(period)])


def choose_period(first: TimeLike, last: TimeLike, *, at_least: int = 5) -> str:
    """The coarsest period that cuts the span ``[first, last]`` into at least ``at_least`` periods.

    Month, week, day, hour, then minute; ``week`` when the span is unknown (no timestamps).
    A 34-minute stream gets minutes, a week of activity days, six weeks weeks.

    >>> choose_period("2022-03-07", "2022-04-17")
    'week'
    >>> choose_period("2012-07-01", "2012-07-07 23:59")
    'day'
    >>> choose_period("2016-01-22 05:00", "2016-01-22 05:34")
    'minute'
    """
    first_at, last_at = check_time(first, name="first"), check_time(last, name="last")
    if first_at is None or last_at is None:
        return "week"
    span = last_at - first_at
    for period in ("month", "week", "day", "hour"):
        if span >= at_least * period_length(period) * 0.98:  # six weeks less a few minutes still make six weeks
            return period
    return "minute"
