"""Advocates: the accounts that most often amplify or mention the focal accounts.

An advocate acts on a focal account (a brand, an organisation's accounts) by sharing,
quoting, mentioning or replying to it; focal accounts themselves are not counted.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from workbench.errors import ParameterError
from workbench.checks import TimeLike, check_kinds, check_time
from workbench.roles.window import resolve_focal, window

__all__ = ["advocates", "ADVOCACY_KINDS"]

ADVOCACY_KINDS = ("share", "quote", "mention", "reply", "comment")


def advocates(store, focal: str | Iterable[str] | None = None, *, kinds: Iterable[str] = ADVOCACY_KINDS,
              since: TimeLike = None, until: TimeLike = None, top: int = 20) -> pd.DataFrame:
    """The ``top`` accounts by interactions toward the focal accounts.

    Parameters
    ----------
    store : workbench.Store
    focal : str or iterable of str, optional
        Account ids or handles (``@brand``); None takes the accounts flagged ``is_focal``.
    kinds : iterable of str
        Which interactions count (default shares, quotes, mentions, replies, comments).
    since, until : str or datetime, optional
        Half-open UTC interval.
    top : int
        How many advocates to return.

    Returns
    -------
    pandas.DataFrame
        ``account_id, handle, shares, quotes, mentions, replies, total, focal_accounts,
        first_at, last_at``, most interactions first (ties by account id). Empty when
        there are no focal accounts.

    Examples
    --------
    >>> from workbench.roles._examples import tiny_store
    >>> print(advocates(tiny_store(), "@brewco", top=3)[["handle", "mentions", "replies", "total"]]
    ...       .to_string(index=False))
        handle  mentions  replies  total
    eli_drinks         1        0      1
      jon_sips         1        0      1
    max_matcha         0        1      1
    """
    if top < 1:
        raise ParameterError(f"top must be at least 1; got {top}")
    focal_ids = resolve_focal(store, focal)
    with window(store, kinds=check_kinds(kinds), since=check_time(since, name="since"),
                until=check_time(until, name="until")):
        return store.query("roles.advocates", focal_ids=focal_ids or [""], top=int(top))
