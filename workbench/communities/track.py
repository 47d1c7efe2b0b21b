"""Communities over time: detect per time window, match across windows, name what happened.

Each window gets its own graph and partition. Communities of consecutive windows are matched
when the Jaccard index of their member sets reaches ``threshold`` (Greene, Doyle & Cunningham
2010, "Tracking the evolution of communities in dynamic social networks", ASONAM). Events,
for each window against the one before:

- ``birth``: a community matched by none before it (every community of the first window);
- ``death``: a community of the previous window matched by none now;
- ``merge``: a community matched by two or more previous ones;
- ``split``: a previous community matched by two or more current ones;
- ``growth`` / ``shrink`` / ``continue``: a one-to-one match whose size went up / down / stayed.

Examples
--------
>>> import workbench as wb
>>> from workbench import graphs
>>> from workbench.datasets import tiny_interactions
>>> store = wb.open(":memory:")
>>> graphs.insert_interactions(store, tiny_interactions())
>>> tracking = track(store, windows="week", directed=False)
>>> tracking.windows["since"].dt.strftime("%Y-%m-%d").tolist()
['2022-03-07', '2022-03-14', '2022-03-21']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from workbench import graphs
from workbench.checks import DEFAULT_KINDS, PERIODS, check_kinds, check_time
from workbench.communities.detect import detect
from workbench.communities.partition import Partition
from workbench.errors import ParameterError

__all__ = ["Tracking", "track", "window_bounds", "match", "events", "EVENTS"]

# pandas frequencies of the calendar periods windows are cut by (UTC; weeks start on Monday)
_FREQUENCIES = {"day": "D", "week": "W-MON", "month": "MS"}
EVENTS = ("birth", "death", "merge", "split", "growth", "shrink", "continue")
_GRAPH_OPTIONS = ("kinds", "directed", "weight", "min_weight", "self_loops")


@dataclass(frozen=True)
class Tracking:
    """Communities per window, their matches and the events between windows.

    Attributes
    ----------
    windows : pandas.DataFrame
        ``window``, ``since``, ``until``, ``accounts``, ``edges``, ``n_communities``, ``modularity``.
    partitions : list of Partition
        One per window.
    matches : pandas.DataFrame
        Pairs of communities of consecutive windows that share members: ``window``,
        ``previous`` (community in window - 1), ``community``, ``overlap``, ``jaccard``,
        ``matched`` (jaccard >= threshold).
    events : pandas.DataFrame
        ``window``, ``since``, ``until``, ``event``, ``communities`` (current ones involved),
        ``previous`` (previous ones involved), ``size``, ``previous_size``, ``jaccard`` (the
        largest among the matched pairs involved; NaN for births and deaths).
    """

    windows: pd.DataFrame
    partitions: list[Partition]
    matches: pd.DataFrame
    events: pd.DataFrame


def window_bounds(store, windows: str | Sequence[tuple[Any, Any]], *,
                  kinds: Iterable[str]) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """``windows`` as a list of ``(since, until)`` UTC timestamps.

    A period name (``"day"``, ``"week"``, ``"month"``) cuts the span of the interactions
    of ``kinds`` into calendar periods; a sequence of pairs is checked and returned.
    """
    if isinstance(windows, str):
        if windows not in PERIODS:
            raise ParameterError(f"windows must be one of {', '.join(PERIODS)} or a list of (since, until) pairs; "
                                 f"got {windows!r}")
        span = store.query("graph.time_range", kinds=list(check_kinds(kinds)))
        first, last = span["first"].iloc[0], span["last"].iloc[0]
        if pd.isna(first):
            return []
        first, last = pd.Timestamp(first).tz_convert("UTC"), pd.Timestamp(last).tz_convert("UTC")
        start = first.normalize()
        if windows == "week":
            start -= pd.Timedelta(days=start.weekday())
        elif windows == "month":
            start = start.replace(day=1)
        edges = pd.date_range(start, last + pd.offsets.Day(1) + (pd.DateOffset(months=1) if windows == "month"
                                                                 else pd.Timedelta(days=7)),
                              freq=_FREQUENCIES[windows], tz="UTC")
        edges = edges[edges >= start]
        if len(edges) == 0 or edges[0] != start:
            edges = edges.insert(0, start)
        bounds = [(edges[i], edges[i + 1]) for i in range(len(edges) - 1)]
        return [(a, b) for a, b in bounds if a <= last]
    result = []
    for position, pair in enumerate(windows):
        try:
            since, until = pair
        except (TypeError, ValueError):
            raise ParameterError(f"window {position} must be a (since, until) pair; got {pair!r}") from None
        since = check_time(since, name=f"window {position} since")
        until = check_time(until, name=f"window {position} until")
        if since is None or until is None or since >= until:
            raise ParameterError(f"window {position} must have since before until; got {pair!r}")
        result.append((pd.Timestamp(since), pd.Timestamp(until)))
    if not result:
        raise ParameterError("windows is empty; give a period name or at least one (since, until) pair")
    return result


def match(previous: Partition, current: Partition) -> pd.DataFrame:
    """Every pair of communities (previous, current) sharing members: ``overlap`` and ``jaccard``.

    >>> a = Partition.from_membership(list("abcd"), [0, 0, 1, 1])
    >>> b = Partition.from_membership(list("abce"), [0, 0, 0, 1])
    >>> match(a, b).to_dict("list")
    {'previous': [0, 1], 'community': [0, 0], 'overlap': [2, 1], 'jaccard': [0.6666666666666666, 0.25]}
    """
    left = previous.to_frame().rename(columns={"community": "previous"})
    right = current.to_frame()
    joined = left.merge(right, on="account_id", how="inner")
    pairs = joined.groupby(["previous", "community"], as_index=False).size().rename(columns={"size": "overlap"})
    size_previous = np.bincount(previous.membership, minlength=previous.n_communities)
    size_current = np.bincount(current.membership, minlength=current.n_communities)
    union = size_previous[pairs["previous"].to_numpy()] + size_current[pairs["community"].to_numpy()] - pairs["overlap"]
    pairs["jaccard"] = pairs["overlap"] / union
    pairs["overlap"] = pairs["overlap"].astype(np.int64)
    return pairs[["previous", "community", "overlap", "jaccard"]].reset_index(drop=True)


def events(previous: Partition | None, current: Partition, matches: pd.DataFrame, *,
           threshold: float) -> list[dict[str, Any]]:
    """The events between two consecutive partitions (see the module docstring)."""
    size_now = np.bincount(current.membership, minlength=current.n_communities)
    if previous is None:
        return [_event("birth", [c], [], size_now, None, np.nan) for c in range(current.n_communities)]
    size_before = np.bincount(previous.membership, minlength=previous.n_communities)
    kept = matches[matches["jaccard"] >= threshold]
    before_of = kept.groupby("community")["previous"].apply(list).to_dict()
    after_of = kept.groupby("previous")["community"].apply(list).to_dict()
    best = kept.set_index(["previous", "community"])["jaccard"].to_dict()
    found: list[dict[str, Any]] = []
    for c in range(previous.n_communities):
        successors = after_of.get(c, [])
        if not successors:
            found.append(_event("death", [], [c], size_now, size_before, np.nan))
        elif len(successors) > 1:
            found.append(_event("split", successors, [c], size_now, size_before,
                                max(best[c, d] for d in successors)))
    for d in range(current.n_communities):
        predecessors = before_of.get(d, [])
        if not predecessors:
            found.append(_event("birth", [d], [], size_now, size_before, np.nan))
        elif len(predecessors) > 1:
            found.append(_event("merge", [d], predecessors, size_now, size_before,
                                max(best[c, d] for c in predecessors)))
        elif len(after_of[predecessors[0]]) == 1:
            c = predecessors[0]
            change = size_now[d] - size_before[c]
            kind = "growth" if change > 0 else "shrink" if change < 0 else "continue"
            found.append(_event(kind, [d], [c], size_now, size_before, best[c, d]))
    return found


def _event(kind: str, current: list[int], previous: list[int], size_now: np.ndarray,
           size_before: np.ndarray | None, jaccard: float) -> dict[str, Any]:
    return {"event": kind, "communities": [int(c) for c in current], "previous": [int(c) for c in previous],
            "size": int(sum(size_now[c] for c in current)),
            "previous_size": int(sum(size_before[c] for c in previous)) if size_before is not None else 0,
            "jaccard": float(jaccard)}


def track(store, *, windows: str | Sequence[tuple[Any, Any]] = "month", method: str = "leiden",
          threshold: float = 0.3, kinds: Iterable[str] = DEFAULT_KINDS, directed: bool = True,
          weight: str | None = "count", min_weight: int = 1, self_loops: bool = False,
          **detect_options: Any) -> Tracking:
    """Detect communities in each time window and follow them across windows.

    Parameters
    ----------
    store : workbench.store.Store
    windows : {"day", "week", "month"} or sequence of (since, until)
        Calendar periods over the span of the data (UTC, weeks start Monday), or explicit windows.
    method : str
        A method of :func:`detect`; ``**detect_options`` (resolution, seed, ...) go with it.
    threshold : float
        Smallest Jaccard index that matches two communities (Greene et al. 2010 use 0.1-0.5).
    kinds, directed, weight, min_weight, self_loops
        Graph options, as in :func:`workbench.graphs`.

    Returns
    -------
    Tracking
        ``.events`` is the table of births, deaths, merges, splits, growths and shrinks.

    Examples
    --------
    >>> import workbench as wb
    >>> from workbench import graphs
    >>> from workbench.datasets import tiny_interactions
    >>> store = wb.open(":memory:")
    >>> graphs.insert_interactions(store, tiny_interactions())
    >>> track(store, windows="week").events.query("window == 0")["event"].unique().tolist()
    ['birth']
    """
    if not 0 < threshold <= 1:
        raise ParameterError(f"threshold must be in (0, 1]; got {threshold}")
    bounds = window_bounds(store, windows, kinds=kinds)
    graph_options = dict(kinds=kinds, directed=directed, weight=weight, min_weight=min_weight, self_loops=self_loops)
    partitions: list[Partition] = []
    window_rows, match_frames, event_rows = [], [], []
    previous: Partition | None = None
    for position, (since, until) in enumerate(bounds):
        g = graphs.graph(store, since=since, until=until, empty_ok=True, **graph_options)
        current = detect(g, method=method, **detect_options)
        partitions.append(current)
        window_rows.append({"window": position, "since": since, "until": until, "accounts": g.vcount(),
                            "edges": g.ecount(), "n_communities": current.n_communities,
                            "modularity": current.modularity})
        pairs = match(previous, current) if previous is not None else _no_matches()
        pairs["matched"] = pairs["jaccard"] >= threshold
        pairs.insert(0, "window", position)
        match_frames.append(pairs)
        for row in events(previous, current, pairs, threshold=threshold):
            event_rows.append({"window": position, "since": since, "until": until, **row})
        previous = current
    columns = ["window", "since", "until", "event", "communities", "previous", "size", "previous_size", "jaccard"]
    return Tracking(
        windows=pd.DataFrame(window_rows, columns=["window", "since", "until", "accounts", "edges",
                                                   "n_communities", "modularity"]),
        partitions=partitions,
        matches=(pd.concat(match_frames, ignore_index=True) if match_frames
                 else _no_matches().assign(matched=False).iloc[:0]),
        events=pd.DataFrame(event_rows, columns=columns))


def _no_matches() -> pd.DataFrame:
    return pd.DataFrame({"previous": pd.Series(dtype=np.int64), "community": pd.Series(dtype=np.int64),
                         "overlap": pd.Series(dtype=np.int64), "jaccard": pd.Series(dtype=np.float64)})
