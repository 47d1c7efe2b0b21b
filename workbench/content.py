"""What each community posts: its top posts, links, hashtags and distinctive words.

NodeXL's "top items per group", computed in DuckDB (``queries/content/communities.sql``) from
the collected posts other than shares of each community's members (a share repeats the
original's text and counters):

- :func:`top_posts`: the posts that drew the most response, the shares, quotes and replies the
  platform counted, or where the export has no counters the distinct accounts that replied or
  commented in the workspace;
- :func:`top_links` and :func:`top_hashtags`: from ``post_entities`` (links expanded where the
  export has them, never ``t.co``), with how many members used each;
- :func:`distinctive_terms`: the words a community uses more than the rest of the workspace, by the
  log-odds ratio with an informative Dirichlet prior, z-scored (Monroe, Colaresi & Quinn 2008,
  "Fightin' Words", *Political Analysis* 16(4)): frequent words all communities use score near 0,
  a word used a few times is shrunk toward the workspace's rate instead of topping the list.

Every function takes the partition's memberships (``account_id``, ``community``) and the
communities to rank for; the window is on the post's time.

Examples
--------
>>> import workbench as wb
>>> from workbench.roles._examples import tiny_store
>>> store = tiny_store()
>>> members = wb.communities.detect(wb.graph(store)).to_frame()
>>> sorted(top_posts(store, members, n=1).columns)[:4]
['author_id', 'community', 'counted', 'created_at']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from workbench.checks import TimeLike, check_window
from workbench.errors import ParameterError

__all__ = ["top_posts", "top_links", "top_hashtags", "distinctive_terms", "STOPWORDS"]

#: Function words left out of the distinctive terms (English; the log-odds already discounts words every
#: community uses alike, so other languages' function words rarely rank, and only words of 3+ letters count).
STOPWORDS = tuple(sorted(set("""
a about above after again against all also am an and any are aren't as at be because been before being below
between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each few for
from further get got had hadn't has hasn't have haven't having he her here hers herself him himself his how i i'm
if in into is isn't it it's its itself just let's like me more most much must mustn't my myself no nor not now of off
on once one only or other our ours ourselves out over own same shan't she should shouldn't so some such than that
that's the their theirs them themselves then there there's these they they'd they'll they're they've this those
through to too under until up upon us very via was wasn't we we're we've were weren't what what's when where which
while who who's whom why will with won't would wouldn't yes yet you you'd you'll you're you've your yours yourself
yourselves amp http https www com rt
""".split())))


def _members(memberships: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(memberships, pd.DataFrame) or not {"account_id", "community"} <= set(memberships.columns):
        raise ParameterError("memberships must be a DataFrame with account_id and community (Partition.to_frame())")
    frame = memberships[["account_id", "community"]].copy()
    frame["community"] = frame["community"].astype("int64")
    return frame


def _chosen(members: pd.DataFrame, communities: Iterable[int] | None) -> list[int]:
    if communities is None:
        return sorted(int(c) for c in members["community"].unique())
    return [int(c) for c in communities]


def _run(store: Any, name: str, memberships: pd.DataFrame, communities: Iterable[int] | None, *,
         since: TimeLike, until: TimeLike, **params: Any) -> pd.DataFrame:
    members = _members(memberships)
    since_utc, until_utc = check_window(since, until)
    store.con.register("partition_frame", members)
    try:
        return store.query(name, communities=_chosen(members, communities), since=since_utc, until=until_utc,
                           **params)
    finally:
        store.con.unregister("partition_frame")


def _check_n(n: int) -> int:
    if isinstance(n, bool) or int(n) < 1:
        raise ParameterError(f"n must be at least 1; got {n!r}")
    return int(n)


def top_posts(store: Any, memberships: pd.DataFrame, *, communities: Iterable[int] | None = None, n: int = 5,
              since: TimeLike = None, until: TimeLike = None) -> pd.DataFrame:
    """The ``n`` posts of each community that drew the most response.

    Returns
    -------
    pandas.DataFrame
        ``community, rank, post_id, author_id, handle, created_at, kind, text, response, responders,
        likes, counted``: ``response`` is the shares + quotes + replies the platform counted when
        ``counted``, else ``responders`` (distinct accounts replying or commenting in the workspace).
        Posts nobody responded to are left out.
    """
    return _run(store, "content.top_posts", memberships, communities, since=since, until=until, n=_check_n(n))


def _entities(store: Any, memberships: pd.DataFrame, entity: str, column: str, *, communities, n, since, until):
    frame = _run(store, "content.top_entities", memberships, communities, since=since, until=until,
                 n=_check_n(n), entity=entity)
    return frame.rename(columns={"value": column})


def top_links(store: Any, memberships: pd.DataFrame, *, communities: Iterable[int] | None = None, n: int = 5,
              since: TimeLike = None, until: TimeLike = None) -> pd.DataFrame:
    """The ``n`` links most posted in each community: ``community, rank, link, uses, accounts``."""
    return _entities(store, memberships, "link", "link", communities=communities, n=n, since=since, until=until)


def top_hashtags(store: Any, memberships: pd.DataFrame, *, communities: Iterable[int] | None = None, n: int = 5,
                 since: TimeLike = None, until: TimeLike = None) -> pd.DataFrame:
    """The ``n`` hashtags most used in each community: ``community, rank, hashtag, uses, accounts`` (``#tag``)."""
    frame = _entities(store, memberships, "hashtag", "hashtag", communities=communities, n=n, since=since,
                      until=until)
    frame["hashtag"] = "#" + frame["hashtag"].astype(str)
    return frame


def distinctive_terms(store: Any, memberships: pd.DataFrame, *, communities: Iterable[int] | None = None,
                      n: int = 10, min_count: int = 3, prior: float = 1.0, stopwords: Iterable[str] = STOPWORDS,
                      since: TimeLike = None, until: TimeLike = None) -> pd.DataFrame:
    """The words each community uses more than the rest of the workspace.

    The log-odds ratio of a word between a community and every other post of the window, with an
    informative Dirichlet prior whose counts are the window's own times ``prior``, divided by its
    standard error (Monroe, Colaresi & Quinn 2008, eq. 16 and 22).

    Parameters
    ----------
    min_count : int
        Uses in the community a word needs to be listed.
    prior : float
        Strength of the prior relative to the window's counts (1: as strong as the data).

    Returns
    -------
    pandas.DataFrame
        ``community, rank, term, uses, uses_elsewhere, log_odds, z``, highest ``z`` first; only
        words with ``z > 0`` (used more than elsewhere).
    """
    if prior <= 0:
        raise ParameterError(f"prior must be positive; got {prior!r}")
    return _run(store, "content.distinctive_terms", memberships, communities, since=since, until=until,
                n=_check_n(n), min_count=int(min_count), prior=float(prior),
                stopwords=[str(w).lower() for w in stopwords])
