"""Whether communities are real or an accident of the random seed, and how they change with resolution.

:func:`stability` runs one method under several seeds and reports the mean pairwise NMI of the
results (Lancichinetti & Fortunato 2012 call this the consistency of a method on a graph) and,
for each account, how much its community agrees across runs: the mean, over pairs of runs,
of the Jaccard index of the account's two communities (1: the account always ends up with the
same companions). :func:`sweep` does this for a range of resolutions.

Examples
--------
>>> from workbench.datasets import karate
>>> s = stability(karate(), "leiden", seeds=[0, 1, 2])
>>> 0.0 <= s.mean_nmi <= 1.0, len(s.consensus)
(True, 34)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from workbench import graphs
from workbench.communities.detect import RESOLUTION_METHODS, check_method, detect
from workbench.communities.partition import Partition
from workbench.errors import ParameterError

__all__ = ["Stability", "stability", "sweep", "node_agreement"]

DEFAULT_SEEDS = (0, 1, 2, 3, 4)


@dataclass(frozen=True)
class Stability:
    """Agreement of one method with itself across seeds.

    Attributes
    ----------
    mean_nmi : float
        Mean NMI over all pairs of runs (NaN with a single seed).
    pairwise : pandas.DataFrame
        ``seed_a``, ``seed_b``, ``nmi`` for each pair of runs.
    consensus : pandas.DataFrame
        One row per account: ``account_id``, ``community`` (in the reference run) and
        ``consensus`` in [0, 1] (mean Jaccard of its communities over pairs of runs).
    partitions : list of Partition
        One per seed, in seed order.
    reference : Partition
        The run that agrees most with the others (highest mean NMI): a representative result.
    """

    mean_nmi: float
    pairwise: pd.DataFrame
    consensus: pd.DataFrame
    partitions: list[Partition]
    reference: Partition


def node_agreement(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per vertex, the Jaccard index of its community in ``a`` and its community in ``b``.

    >>> node_agreement(np.array([0, 0, 1, 1]), np.array([0, 0, 0, 1])).round(3).tolist()
    [0.667, 0.667, 0.25, 0.5]
    """
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    if len(a) == 0:
        return np.zeros(0)
    joint = a * (int(b.max()) + 1) + b
    _, inverse, counts = np.unique(joint, return_inverse=True, return_counts=True)
    overlap = counts[inverse.reshape(-1)].astype(np.float64)
    size_a = np.bincount(a)[a]
    size_b = np.bincount(b)[b]
    return overlap / (size_a + size_b - overlap)


def stability(graph: Any, method: str = "leiden", *, seeds: Iterable[int] = DEFAULT_SEEDS,
              **options: Any) -> Stability:
    """Run ``method`` once per seed and measure how much the runs agree.

    Parameters
    ----------
    graph : igraph.Graph or networkx graph
    method : str
        A method of :func:`detect`; deterministic methods (walktrap, greedy_modularity,
        girvan_newman) trivially agree with themselves.
    seeds : iterable of int
        At least one seed; with one, ``mean_nmi`` is NaN and consensus is 1.
    **options
        Passed to :func:`detect` (``resolution``, ``objective``, ...).

    Returns
    -------
    Stability

    Examples
    --------
    >>> from workbench.datasets import karate
    >>> stability(karate(), "walktrap", seeds=[0, 1]).mean_nmi
    1.0
    """
    from sklearn import metrics  # imported here: it takes seconds to import

    check_method(method)
    seeds = list(seeds)
    if not seeds:
        raise ParameterError("stability needs at least one seed")
    if len(set(seeds)) != len(seeds):
        raise ParameterError(f"seeds must differ from each other; got {seeds}")
    graph = graphs.to_igraph(graph)
    partitions = [detect(graph, method=method, seed=seed, **options) for seed in seeds]
    labels = [p.membership for p in partitions]
    rows, agreement = [], np.zeros(graph.vcount())
    nmi = np.full((len(seeds), len(seeds)), np.nan)
    for i, j in combinations(range(len(seeds)), 2):
        value = float(metrics.normalized_mutual_info_score(labels[i], labels[j], average_method="arithmetic"))
        nmi[i, j] = nmi[j, i] = value
        rows.append((seeds[i], seeds[j], value))
        agreement += node_agreement(labels[i], labels[j])
    n_pairs = len(rows)
    consensus = agreement / n_pairs if n_pairs else np.ones(graph.vcount())
    reference = partitions[int(np.nanargmax(np.nanmean(nmi, axis=1)))] if n_pairs else partitions[0]
    return Stability(
        mean_nmi=float(np.mean([r[2] for r in rows])) if rows else float("nan"),
        pairwise=pd.DataFrame(rows, columns=["seed_a", "seed_b", "nmi"]),
        consensus=pd.DataFrame({"account_id": reference.account_ids, "community": reference.membership,
                                "consensus": consensus}),
        partitions=partitions, reference=reference)


def sweep(graph: Any, resolutions: Iterable[float], *, method: str = "leiden", seeds: Iterable[int] = (0, 1, 2),
          **options: Any) -> pd.DataFrame:
    """Detect communities at each resolution: how many, how modular, how stable.

    Parameters
    ----------
    graph : igraph.Graph or networkx graph
    resolutions : iterable of float
        Positive resolutions (with ``objective="cpm"``, density thresholds).
    method : {"leiden", "louvain"}
    seeds : iterable of int
        Seeds per resolution; stability is the mean pairwise NMI across them.
    **options
        Passed to :func:`detect`.

    Returns
    -------
    pandas.DataFrame
        One row per resolution: ``resolution``, ``n_communities`` (median over seeds),
        ``modularity`` (mean over seeds; standard modularity, resolution 1, so that rows
        compare), ``stability`` (mean pairwise NMI; NaN with one seed).

    Examples
    --------
    >>> from workbench.datasets import karate
    >>> table = sweep(karate(), [0.5, 1.0, 2.0])
    >>> table["n_communities"].is_monotonic_increasing
    True
    """
    if "seed" in options:
        raise ParameterError("sweep runs several seeds per resolution: give seeds=[...] (e.g. seeds=[0]), not seed=")
    if method not in RESOLUTION_METHODS:
        raise ParameterError(f"sweep varies the resolution, which only {', '.join(RESOLUTION_METHODS)} have; "
                             f"got method {method!r}")
    graph = graphs.to_igraph(graph)
    rows = []
    for resolution in resolutions:
        result = stability(graph, method, seeds=seeds, resolution=float(resolution), **options)
        rows.append({
            "resolution": float(resolution),
            "n_communities": int(np.median([p.n_communities for p in result.partitions])),
            "modularity": float(np.mean([p.modularity for p in result.partitions])),
            "stability": result.mean_nmi,
        })
    return pd.DataFrame(rows, columns=["resolution", "n_communities", "modularity", "stability"])
