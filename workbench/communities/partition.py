"""A partition of accounts into communities: the result every detection method returns.

Communities are numbered by size, largest first (0 is the largest; ties go to the community
whose first member comes first in vertex order), so that the same partition found twice reads
the same however a method labelled it.

Examples
--------
>>> p = Partition.from_membership(["a", "b", "c", "d"], [5, 7, 7, 5], method="manual")
>>> p["b"], p.sizes.tolist(), p.n_communities
(1, [2, 2], 2)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from workbench.errors import ParameterError

__all__ = ["Partition", "renumber_by_size"]


def renumber_by_size(membership: Sequence[int] | np.ndarray) -> np.ndarray:
    """Relabel communities ``0..k-1`` by decreasing size; ties by first appearance.

    >>> renumber_by_size([3, 3, 9, 1, 1, 1]).tolist()
    [1, 1, 2, 0, 0, 0]
    """
    labels = np.asarray(membership)
    if labels.size == 0:
        return np.zeros(0, dtype=np.int64)
    uniques, first, inverse, counts = np.unique(labels, return_index=True, return_inverse=True, return_counts=True)
    order = np.lexsort((first, -counts))  # by size descending, then by first member
    rank = np.empty(len(uniques), dtype=np.int64)
    rank[order] = np.arange(len(uniques), dtype=np.int64)
    return rank[inverse.reshape(-1)]


class Partition:
    """Accounts mapped to communities, with how they were found.

    Build one with :meth:`from_membership` (or get one from :func:`workbench.communities.detect`).

    Attributes
    ----------
    account_ids : numpy.ndarray
        One account id per vertex, in vertex order.
    membership : numpy.ndarray
        The community of each account (int64), numbered by size: 0 is the largest.
    method : str
        The method that found it (``"leiden"``, ..., ``"ground_truth"``, ``"saved"``).
    params : dict
        The method's parameters (resolution, seed, ...), as saved with a run.
    graph_spec : dict
        The options the graph was built with (:func:`workbench.graphs.graph_spec`).
    modularity : float
        Modularity of the partition on the graph it was found on (NaN when unknown).
    """

    __slots__ = ("account_ids", "membership", "method", "params", "graph_spec", "modularity", "_index")

    def __init__(self, account_ids: np.ndarray, membership: np.ndarray, *, method: str, params: Mapping[str, Any],
                 graph_spec: Mapping[str, Any], modularity: float):
        self.account_ids = account_ids
        self.membership = membership
        self.method = method
        self.params = dict(params)
        self.graph_spec = dict(graph_spec)
        self.modularity = modularity
        self._index: dict[str, int] | None = None

    @classmethod
    def from_membership(cls, account_ids: Iterable[Any], membership: Iterable[int], *, method: str = "manual",
                        params: Mapping[str, Any] | None = None, graph_spec: Mapping[str, Any] | None = None,
                        modularity: float = float("nan")) -> "Partition":
        """A partition from parallel sequences of accounts and community labels (any hashable labels).

        >>> Partition.from_membership(["x", "y", "z"], ["red", "blue", "blue"]).to_frame().to_dict("list")
        {'account_id': ['x', 'y', 'z'], 'community': [1, 0, 0]}
        """
        ids = np.asarray(list(account_ids), dtype=object)
        labels = list(membership) if not isinstance(membership, np.ndarray) else membership
        if len(ids) != len(labels):
            raise ParameterError(f"a partition needs one community per account; got {len(ids)} accounts "
                                 f"and {len(labels)} labels")
        if len(set(ids.tolist())) != len(ids):
            raise ParameterError("a partition lists each account once; account ids have duplicates")
        codes = pd.factorize(pd.Series(labels, dtype=object), sort=False)[0] if len(labels) else np.zeros(0)
        if (codes < 0).any():
            raise ParameterError("every account needs a community; some labels are missing (None or NaN)")
        return cls(ids, renumber_by_size(codes), method=method, params=params or {}, graph_spec=graph_spec or {},
                   modularity=float(modularity))

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, **kwargs: Any) -> "Partition":
        """A partition from a table with columns ``account_id`` and ``community``.

        >>> import pandas as pd
        >>> Partition.from_frame(pd.DataFrame({"account_id": ["a", "b"], "community": [4, 4]})).n_communities
        1
        """
        missing = {"account_id", "community"} - set(frame.columns)
        if missing:
            raise ParameterError(f"a partition table needs columns account_id and community; missing {sorted(missing)}")
        return cls.from_membership(frame["account_id"].tolist(), frame["community"].tolist(), **kwargs)

    # -- reading --------------------------------------------------------------------------------
    @property
    def n_communities(self) -> int:
        """How many communities there are."""
        return int(self.membership.max()) + 1 if len(self.membership) else 0

    @property
    def sizes(self) -> pd.Series:
        """Members per community, indexed by community (largest first)."""
        counts = np.bincount(self.membership, minlength=self.n_communities) if len(self.membership) else []
        return pd.Series(np.asarray(counts, dtype=np.int64), index=pd.RangeIndex(self.n_communities, name="community"),
                         name="size")

    def to_frame(self) -> pd.DataFrame:
        """One row per account: ``account_id``, ``community`` (in vertex order)."""
        return pd.DataFrame({"account_id": pd.Series(self.account_ids, dtype=object),
                             "community": self.membership.astype(np.int64)})

    def as_series(self) -> pd.Series:
        """The community of each account, indexed by ``account_id``."""
        return pd.Series(self.membership.astype(np.int64), index=pd.Index(self.account_ids, name="account_id"),
                         name="community")

    def members(self, community: int) -> list[Any]:
        """The accounts of one community, in vertex order.

        >>> Partition.from_membership(["a", "b", "c"], [1, 2, 2]).members(0)
        ['b', 'c']
        """
        if not 0 <= community < self.n_communities:
            raise ParameterError(f"community must be 0..{self.n_communities - 1}; got {community}")
        return self.account_ids[self.membership == community].tolist()

    def __getitem__(self, account_id: Any) -> int:
        if self._index is None:
            self._index = {a: i for i, a in enumerate(self.account_ids.tolist())}
        try:
            return int(self.membership[self._index[account_id]])
        except KeyError:
            raise KeyError(f"account {account_id!r} is not in this partition") from None

    def __contains__(self, account_id: object) -> bool:
        try:
            self[account_id]
        except KeyError:
            return False
        return True

    def __len__(self) -> int:
        return len(self.account_ids)

    def __repr__(self) -> str:
        modularity = "" if np.isnan(self.modularity) else f", modularity {self.modularity:.4f}"
        return (f"<Partition {self.method}: {len(self):,} accounts in {self.n_communities:,} communities"
                f"{modularity}>")
