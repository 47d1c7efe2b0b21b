"""Visibility, influence, reach and activity of every account, and its role.

Each score is a percentile rank in [0, 1] within the scored accounts (ties share the lowest
rank, see :mod:`workbench.roles.percentiles`); a composite score is the mean of the
percentile ranks of its inputs, itself percentile-ranked. The raw inputs are kept as columns.

visibility
    ``mentions_received + replies_received`` (replies include Reddit comments): how often
    others talk to or about the account.
influence
    Whether people listen, rewarding consistent pull across an account's posts and from
    many distinct accounts rather than one outlier (Cha et al. 2010, ICWSM: follower counts
    do not predict it). *Amplification* is shares, quotes, replies and comments received.
    Each is credited to the post it responds to: the responding post's parent when that is
    by the target; else the target's latest post or quote at or before it (exports such as
    twarc2 via our loader do not keep which tweet a retweet or quote shares); else the UTC
    day it happened (edge lists have no posts). A post's *pull* is the number of distinct
    accounts that amplified it. The composite averages the percentile ranks of

    - ``amplification_h_index``: the largest h such that h of the account's posts each
      have a pull of at least h (Hirsch 2005's h-index applied to posts, as the retweet
      h-index surveyed by Riquelme & González-Cantergiani 2016);
    - ``amplification_per_post * amplification_consistency``: amplification received per
      authored post times ``1 - (top post's pull / total pull)``, so that all the pull on a
      single post counts for nothing;
    - ``distinct_amplifiers``: accounts that amplified it at all;
    - ``pagerank`` on the weighted amplifier -> amplified graph (Brin & Page 1998, damping 0.85).
reach
    The audience the account reaches by its own actions; being amplified raises influence
    and visibility, never reach. An account *reaches* a partner when it mentions, replies
    to, shares or quotes them no later than they first acted on it: answering those who
    came first (reply-backs to one's repliers) is conversation, not reach. The composite
    averages the percentile ranks of ``followers`` (when the export has them),
    ``reached_partners``, ``two_step_reach`` (accounts within two steps along reached
    pairs: the partners and the partners' partners) and, with a community run,
    ``participation``: the participation coefficient of the reached partners across
    communities (Guimerà & Amaral 2005). ``unique_partners`` (every account it acted on) is
    kept for comparison.
activity
    ``actions_per_active_day``: collected posts (shares included) and interactions that
    no collected post carries, per UTC day with at least one.

Further raw columns: ``betweenness`` on the directed action graph, exact up to
:data:`~workbench.roles.centrality.EXACT_BETWEENNESS_MAX` accounts and estimated from
sampled source pivots above (Brandes & Pich 2007; the pivot count is
``attrs["params"]["betweenness_pivots"]``); it is brokerage shown beside reach, not part of
it, because the paths through an account arrive by others' actions toward it. ``kshell``
(Kitsak et al. 2010) on the undirected graph. With a community run, ``within_module_z`` and
``ga_role`` (Guimerà & Amaral 2005, see :mod:`workbench.roles.ga_roles`); with focal
accounts, ``advocacy`` (interactions toward them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd

from workbench.errors import ParameterError
from workbench.roles import centrality, percentiles
from workbench.checks import DEFAULT_KINDS, TimeLike, check_kinds, check_time
from workbench.roles.window import resolve_focal, window

__all__ = ["score", "SCORE_COLUMNS"]

#: The score and raw columns of a scores table, in order (``handle`` and ``account_id`` come first).
SCORE_COLUMNS = (
    "role", "visibility", "influence", "reach", "activity",
    "mentions_received", "replies_received", "amplification_received", "posts_authored",
    "amplification_per_post", "amplification_consistency", "amplification_h_index", "distinct_amplifiers",
    "pagerank", "influence_composite", "followers", "unique_partners", "reached_partners", "two_step_reach",
    "participation",
    "reach_composite", "betweenness", "kshell", "within_module_z", "ga_role",
    "actions", "active_days", "actions_per_active_day", "advocacy",
)


def _graph(n: int, source: np.ndarray, target: np.ndarray, *, directed: bool = True) -> ig.Graph:
    # two Python int lists zipped are ~3x faster for igraph to take than an (m, 2) numpy array
    return ig.Graph(n=n, edges=list(zip(source.tolist(), target.tolist())), directed=directed)


def _graphs(n: int, edges: pd.DataFrame) -> dict[str, ig.Graph]:
    """The graphs of a scoring run on vertices 0..n-1, from the window's pair table.

    ``actions``: every pair (directed); ``amplification``: amplifier -> amplified, weighted;
    ``reach``: the pairs an account reached; ``undirected``: the simple undirected graph.
    """
    source, target = edges["source"].to_numpy(dtype=np.int64), edges["target"].to_numpy(dtype=np.int64)
    amplified = edges["amplification"].to_numpy(dtype=np.float64)
    pulled, reached = amplified > 0, edges["reached"].to_numpy(dtype=bool)
    amplification = _graph(n, source[pulled], target[pulled])
    amplification.es["weight"] = amplified[pulled]
    low, high = np.minimum(source, target), np.maximum(source, target)
    pairs = np.sort(low * max(n, 1) + high)  # sorted codes of undirected pairs, deduplicated below
    pairs = pairs[np.concatenate([[True], pairs[1:] != pairs[:-1]])] if len(pairs) else pairs
    return {"actions": _graph(n, source, target), "amplification": amplification,
            "reach": _graph(n, source[reached], target[reached]),
            "undirected": _graph(n, pairs // max(n, 1), pairs % max(n, 1), directed=False)}


def _check_community_run(store, run_id: int | None) -> int | None:
    if run_id is None:
        return None
    if store.query("roles.community_run", run_id=int(run_id)).empty:
        raise ParameterError(f"no community run {run_id} in the workspace; "
                             "run `workbench communities` (or wb.communities.detect + store.save_partition) first")
    return int(run_id)


def score(store, *, run_id: int | None = None, kinds: Iterable[str] = DEFAULT_KINDS,
          since: TimeLike = None, until: TimeLike = None, focal: str | Iterable[str] | None = None,
          cutoffs: float | Mapping[str, float] | None = percentiles.DEFAULT_CUTOFFS,
          save: bool = True, betweenness_samples: int = 200, seed: int = 0) -> pd.DataFrame:
    """Score every account taking part in the window and label its role.

    Parameters
    ----------
    store : workbench.Store
    run_id : int, optional
        Community run whose memberships give the participation coefficient (a reach
        input) and the Guimerà-Amaral roles; None scores without communities.
    kinds : iterable of str
        Interaction kinds considered (default reply, mention, share, quote, comment).
    since, until : str or datetime, optional
        Half-open interval ``[since, until)`` of interaction and post times (UTC).
    focal : str or iterable of str, optional
        Focal accounts (ids or handles) for the ``advocacy`` column; None uses the
        accounts flagged ``is_focal`` (no column values when there are none).
    cutoffs : float or mapping
        Percentile cut-offs of the roles, default 0.95 for influence and reach.
    save : bool
        Save the table to ``account_scores`` as a new scoring run (needs a writable
        workspace); notebooks pass ``save=False``.
    betweenness_samples : int
        Source pivots of the betweenness estimate on graphs larger than
        :data:`~workbench.roles.centrality.EXACT_BETWEENNESS_MAX` accounts, capped by the
        work budget :data:`~workbench.roles.centrality.BETWEENNESS_BUDGET` (200 pivots up
        to 100k edges, 20 at 1M).
    seed : int
        Seed of the pivot draw.

    Returns
    -------
    pandas.DataFrame
        One row per account taking part in the window (authoring a collected post or in an
        interaction of ``kinds``), columns ``account_id``, ``handle`` and :data:`SCORE_COLUMNS`;
        ``attrs["run_id"]`` is the saved scoring run (None when not saved, or when the
        window is empty) and ``attrs["params"]`` the parameters.

    Examples
    --------
    >>> from workbench.roles._examples import tiny_store
    >>> scores = score(tiny_store(), save=False)
    >>> top = pd.concat([scores.nlargest(2, "influence"), scores.nlargest(1, "reach")])
    >>> print(top[["handle", "influence", "reach", "role"]].to_string(index=False))
       handle  influence    reach       role
    ana_brews   1.000000 0.157895 influencer
      hal_tea   0.947368 0.210526    regular
    omar_news   0.000000 1.000000  networker
    """
    kinds = check_kinds(kinds)
    since_at, until_at = check_time(since, name="since"), check_time(until, name="until")
    limits = percentiles.check_cutoffs(cutoffs)
    community_run_id = _check_community_run(store, run_id)
    focal_ids = resolve_focal(store, focal)
    if betweenness_samples < 1:
        raise ParameterError(f"betweenness_samples must be at least 1; got {betweenness_samples}")

    with window(store, kinds=kinds, since=since_at, until=until_at):
        table = store.query("roles.account_counts", since=since_at, until=until_at)
        table = table.sort_values("vid", ignore_index=True)  # row i is vertex i of the graphs
        edges = store.query("roles.edges")
        participation = ga = None
        if community_run_id is not None:
            participation = store.query("roles.participation", community_run_id=community_run_id)
            ga = store.query("roles.guimera_amaral", community_run_id=community_run_id)
        advocacy = store.query("roles.advocacy", focal_ids=focal_ids) if focal_ids else None

    n = len(table)
    graphs = _graphs(n, edges)
    table["pagerank"] = centrality.pagerank_values(graphs["amplification"])
    table["two_step_reach"] = centrality.two_step_reach_values(graphs["reach"])
    table["kshell"] = centrality.kshell_values(graphs["undirected"], simple=True)
    table["betweenness"], pivots = centrality.betweenness_values(
        graphs["actions"], samples=betweenness_samples, seed=seed)
    by_vid = pd.RangeIndex(n)
    table["participation"] = (np.nan if participation is None
                              else participation.set_index("vid")["participation"].reindex(by_vid).to_numpy())
    table["within_module_z"] = np.nan
    table["ga_role"] = pd.Series([None] * n, dtype="object")
    if ga is not None and len(ga):
        table.loc[ga["vid"].to_numpy(), "within_module_z"] = ga["within_module_z"].to_numpy()
        table.loc[ga["vid"].to_numpy(), "ga_role"] = ga["ga_role"].to_numpy(dtype=object)
    table["advocacy"] = (pd.array([pd.NA] * n, dtype="Int64") if advocacy is None
                         else advocacy.set_index("vid")["advocacy"].reindex(by_vid).to_numpy())

    _rank(table)
    table["role"] = percentiles.label(table, cutoffs=limits)
    result = table[["account_id", "handle", *SCORE_COLUMNS]].reset_index(drop=True)

    params: dict[str, Any] = dict(
        kinds=list(kinds), since=since_at, until=until_at, community_run_id=community_run_id,
        cutoffs=limits, focal=focal_ids, betweenness_pivots=pivots, seed=seed, pagerank_damping=0.85)
    saved = None
    if save and len(result):  # an empty window saves nothing (a run without rows would be invisible)
        saved = store.save_scores(result.drop(columns="handle"), community_run_id=community_run_id,
                                  params=params)
    result.attrs["run_id"] = saved
    result.attrs["params"] = params
    return result


def _rank(table: pd.DataFrame) -> None:
    """Fill the composites and the four percentile-ranked scores in place."""
    # PageRank values of accounts nobody amplifies should tie exactly; round away float noise.
    pagerank = table["pagerank"].to_numpy()
    scale = pagerank.max() if len(pagerank) and pagerank.max() > 0 else 1.0
    influence_inputs = pd.DataFrame({
        "h_index": table["amplification_h_index"],
        "consistent_per_post": table["amplification_per_post"] * table["amplification_consistency"],
        "distinct_amplifiers": table["distinct_amplifiers"],
        "pagerank": np.round(pagerank / scale, 12),
    })
    reach_inputs = pd.DataFrame({
        "followers": table["followers"].astype("float64"),
        "reached_partners": table["reached_partners"],
        "two_step_reach": table["two_step_reach"],
        "participation": table["participation"],
    })
    reach_inputs = reach_inputs.loc[:, reach_inputs.notna().any()]
    table["influence_composite"] = percentiles.composite(influence_inputs)
    table["reach_composite"] = percentiles.composite(reach_inputs)
    table["visibility"] = percentiles.percentile_rank(table["mentions_received"] + table["replies_received"])
    table["influence"] = percentiles.percentile_rank(table["influence_composite"])
    table["reach"] = percentiles.percentile_rank(table["reach_composite"])
    table["activity"] = percentiles.percentile_rank(table["actions_per_active_day"])
