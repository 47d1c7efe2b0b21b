"""Communities in interaction graphs: detection, quality, comparison, stability, sweeps, tracking.

One module per concern: :mod:`~workbench.communities.detect` (the methods),
:mod:`~workbench.communities.partition` (the result), :mod:`~workbench.communities.quality`,
:mod:`~workbench.communities.compare`, :mod:`~workbench.communities.stability` (stability and
resolution sweeps), :mod:`~workbench.communities.track` (communities over time windows) and
:mod:`~workbench.communities.runs` (finding communities in a workspace's graphs, including the hashtag
graphs, saving them to and loading them from the workspace).

Examples
--------
>>> from workbench import communities
>>> from workbench.datasets import karate
>>> partition = communities.detect(karate(), method="louvain", seed=1)
>>> partition.to_frame().columns.tolist()
['account_id', 'community']
"""

from workbench.communities.compare import Comparison, compare
from workbench.communities.detect import (
    FAST_METHODS, GIRVAN_NEWMAN_MAX_EDGES, MAX_EDGES, METHODS, RESOLUTION_METHODS, WALKTRAP_MAX_EDGES, check_method,
    detect, modularity, symmetrise,
)
from workbench.communities.partition import Partition, renumber_by_size
from workbench.communities.quality import Quality, quality
from workbench.communities.runs import find, load, save
from workbench.communities.stability import Stability, stability, sweep
from workbench.communities.track import Tracking, track

__all__ = [
    "detect", "find", "Partition", "quality", "compare", "stability", "sweep", "track", "save", "load",
    "Quality", "Comparison", "Stability", "Tracking",
    "METHODS", "FAST_METHODS", "RESOLUTION_METHODS", "GIRVAN_NEWMAN_MAX_EDGES", "WALKTRAP_MAX_EDGES",
    "MAX_EDGES", "check_method", "modularity", "symmetrise", "renumber_by_size",
]
