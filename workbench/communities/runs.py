"""Finding communities in a workspace's graphs, saving them as a community run, and reading one back.

A run goes to ``community_runs`` (method, parameters and graph spec as JSON, modularity,
number of communities) and its nodes to ``memberships`` (one row per account) or
``hashtag_memberships`` (one row per hashtag), so that SQL metrics can be sliced by community and a
result can be cited and rebuilt. A run on the hashtag co-occurrence graph has hashtags only; a run
on the two-mode accounts x hashtags graph has both: its accounts grouped by the hashtags they use (a
topic community) and the hashtags with them. Whatever takes "the newest run" for accounts (roles,
metrics by community, exports of the interaction graph) takes the newest run with accounts
(:meth:`workbench.store.Store.latest_community_run`), never a co-hashtag run.

Examples
--------
>>> import workbench as wb
>>> from workbench.datasets import karate
>>> from workbench.communities import detect
>>> store = wb.open(":memory:")
>>> run_id = save(store, detect(karate(), method="walktrap"))
>>> load(store, run_id).method, load(store).n_communities
('walktrap', 4)
"""

from __future__ import annotations

import json
import math
from typing import Any, Iterable

import numpy as np
import pandas as pd

from workbench import graphs
from workbench.communities.detect import detect
from workbench.communities.partition import Partition
from workbench.errors import ParameterError
from workbench.hashtag_graphs import GRAPHS as HASHTAG_GRAPHS, HASHTAG_PREFIX

__all__ = ["save", "load", "find", "NODES"]

#: What a community run groups: ``accounts`` (``memberships``) or ``hashtags`` (``hashtag_memberships``).
NODES = ("accounts", "hashtags")


def save(store, partition: Partition) -> int:
    """Save ``partition`` as a new community run; returns its ``run_id`` (increasing).

    The run records ``partition.method``, ``partition.params`` (resolution, seed, ...),
    ``partition.graph_spec`` (the options of :func:`workbench.graphs`, or of a hashtag graph, whose
    ``graph`` names it) and its modularity. On a hashtag graph (``graph_spec["graph"]`` is
    ``hashtags`` or ``accounts-hashtags``) the ``hashtag:#tag`` vertices go to ``hashtag_memberships``
    as ``tag`` and the accounts to ``memberships``.
    """
    if not isinstance(partition, Partition):
        raise ParameterError(f"save takes a Partition (from communities.detect); got {type(partition).__name__}")
    modularity = None if math.isnan(partition.modularity) else float(partition.modularity)
    frame = partition.to_frame()
    hashtags = None
    if partition.graph_spec.get("graph") in HASHTAG_GRAPHS:
        is_hashtag = frame["account_id"].astype(str).str.startswith(HASHTAG_PREFIX).to_numpy(dtype=bool)
        hashtags = pd.DataFrame({"hashtag": frame["account_id"][is_hashtag].str.slice(len(HASHTAG_PREFIX)),
                                 "community": frame["community"][is_hashtag]})
        frame = frame[~is_hashtag]
    return store.save_partition(frame, method=partition.method, params=partition.params,
                                graph_spec=partition.graph_spec, modularity=modularity, hashtags=hashtags)


def load(store, run_id: int | None = None, *, nodes: str = "accounts") -> Partition:
    """The partition of a saved community run (the newest with communities of ``nodes`` when ``run_id`` is None).

    Communities keep their saved numbers. The partition holds every node of the run: accounts by
    ``account_id`` and hashtags as ``hashtag:#tag`` (the vertex ids of the hashtag graphs), in id order.
    """
    if nodes not in NODES:
        raise ParameterError(f"nodes must be one of {', '.join(NODES)}; got {nodes!r}")
    if run_id is None:
        run_id = store.latest_community_run(nodes=nodes)
        if run_id is None:
            other = store.latest_community_run(nodes="hashtags" if nodes == "accounts" else "accounts")
            hint = (f" (run {other} groups {'hashtags' if nodes == 'accounts' else 'accounts'} only)"
                    if other is not None else "")
            raise ParameterError(f"the workspace has no community run of {nodes} yet{hint}; run `workbench "
                                 "communities` (or communities.detect + communities.save) first")
    run = store.query("graph.community_run", run_id=int(run_id))
    if run.empty:
        runs = store.query("graph.community_runs")["run_id"].tolist()
        raise ParameterError(f"no community run {run_id}; saved runs: {', '.join(map(str, runs)) or 'none'}")
    row = run.iloc[0]
    members = store.query("graph.memberships", run_id=int(run_id))
    tags = store.query("graph.hashtag_memberships", run_id=int(run_id))
    ids = pd.concat([members["account_id"].astype(object), (HASHTAG_PREFIX + tags["hashtag"]).astype(object)],
                    ignore_index=True)
    communities = np.concatenate([members["community"].to_numpy(np.int64), tags["community"].to_numpy(np.int64)])
    order = np.argsort(ids.to_numpy(dtype=object).astype(str), kind="stable")
    modularity = row["modularity"]
    return Partition(ids.to_numpy(dtype=object)[order], communities[order], method=str(row["method"]),
                     params={**json.loads(row["params"] or "{}"), "run_id": int(run_id)},
                     graph_spec=json.loads(row["graph_spec"] or "{}"),
                     modularity=float("nan") if modularity is None or modularity != modularity else float(modularity))


def find(store, *, graph: str = "interactions", method: str = "leiden", resolution: float = 1.0, seed: int = 0,
         iterations: int | None = None, max_edges: int | None = None, kinds: str | Iterable[str] | None = None,
         since: Any = None, until: Any = None, save_run: bool = True) -> Partition:
    """Communities of one of a workspace's graphs, saved as a community run (what ``workbench communities`` does).

    Parameters
    ----------
    store : workbench.store.Store
    graph : str
        One of :data:`workbench.graphs.GRAPHS`: ``interactions`` (accounts), ``hashtags`` (hashtags used
        together) or ``accounts-hashtags`` (accounts and the hashtags they use, two-mode).
    method, resolution, seed, iterations, max_edges
        As in :func:`workbench.communities.detect`.
    kinds, since, until
        The graph's options (:func:`workbench.graphs.build`); ``kinds`` select interactions, so they
        apply to the interaction graph only.
    save_run : bool
        Save the partition (:func:`save`); its ``params["run_id"]`` is then the new run.

    Examples
    --------
    >>> import workbench as wb
    >>> from workbench.roles._examples import tiny_store
    >>> store = tiny_store()
    >>> topics = find(store, graph="accounts-hashtags", seed=0)
    >>> topics.graph_spec["graph"], store.latest_community_run() == topics.params["run_id"]
    ('accounts-hashtags', True)
    """
    built = graphs.build(store, graph, kinds=kinds, since=since, until=until)
    partition = detect(built, method=method, resolution=resolution, seed=seed, iterations=iterations,
                       max_edges=max_edges)
    if save_run:
        partition.params["run_id"] = save(store, partition)
    return partition
