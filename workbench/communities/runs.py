"""Saving a partition as a community run of the workspace, and reading one back.

A run goes to ``community_runs`` (method, parameters and graph spec as JSON, modularity,
number of communities) and ``memberships`` (one row per account), so that SQL metrics can be
sliced by community and a result can be cited and rebuilt.

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

import numpy as np

from workbench.communities.partition import Partition
from workbench.errors import ParameterError

__all__ = ["save", "load"]


def save(store, partition: Partition) -> int:
    """Save ``partition`` as a new community run; returns its ``run_id`` (increasing).

    The run records ``partition.method``, ``partition.params`` (resolution, seed, ...),
    ``partition.graph_spec`` (the options of :func:`workbench.graphs`) and its modularity.
    """
    if not isinstance(partition, Partition):
        raise ParameterError(f"save takes a Partition (from communities.detect); got {type(partition).__name__}")
    modularity = None if math.isnan(partition.modularity) else float(partition.modularity)
    return store.save_partition(partition.to_frame(), method=partition.method, params=partition.params,
                                graph_spec=partition.graph_spec, modularity=modularity)


def load(store, run_id: int | None = None) -> Partition:
    """The partition of a saved community run (the newest when ``run_id`` is None).

    Communities keep their saved numbers; accounts come in ``account_id`` order.
    """
    if run_id is None:
        run_id = store.latest_community_run()
        if run_id is None:
            raise ParameterError("the workspace has no community run yet; run `workbench communities` "
                                 "(or communities.detect + communities.save) first")
    run = store.query("graph.community_run", run_id=int(run_id))
    if run.empty:
        runs = store.query("graph.community_runs")["run_id"].tolist()
        raise ParameterError(f"no community run {run_id}; saved runs: {', '.join(map(str, runs)) or 'none'}")
    row = run.iloc[0]
    members = store.query("graph.memberships", run_id=int(run_id))
    modularity = row["modularity"]
    return Partition(members["account_id"].astype(object).to_numpy(),
                     members["community"].to_numpy(np.int64), method=str(row["method"]),
                     params={**json.loads(row["params"] or "{}"), "run_id": int(run_id)},
                     graph_spec=json.loads(row["graph_spec"] or "{}"),
                     modularity=float("nan") if modularity is None or modularity != modularity else float(modularity))
