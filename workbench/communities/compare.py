"""How alike two partitions are: NMI, AMI and ARI on the accounts present in both.

- NMI, normalised mutual information with the arithmetic-mean normalisation
  :math:`2 I(A;B) / (H(A) + H(B))` (Danon, Díaz-Guilera, Duch & Arenas 2005).
- AMI, adjusted mutual information: NMI corrected for chance (Vinh, Epps & Bailey 2010).
- ARI, adjusted Rand index (Hubert & Arabie 1985).

All three are 1 for identical partitions (up to labels); AMI and ARI are about 0 for
independent ones. Computed with scikit-learn.

Either side may be ground truth: a Series or mapping ``account_id -> label``, or the name of an
account attribute of the workspace (``compare(partition, "department", store=store)``, the values
imported with ``workbench attributes import`` or carried by a graph file).

Examples
--------
>>> from workbench.communities import Partition
>>> a = Partition.from_membership(["x", "y", "z", "w"], [0, 0, 1, 1])
>>> b = Partition.from_membership(["y", "x", "w", "z", "v"], [5, 5, 6, 6, 6])
>>> compare(a, b).nmi, compare(a, b).n_accounts, compare(a, b).only_in_b
(1.0, 4, 1)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from workbench.communities.partition import Partition
from workbench.errors import ParameterError

__all__ = ["Comparison", "compare", "as_labels"]

PartitionLike = Partition | pd.Series | pd.DataFrame | Mapping[Any, Any] | str


@dataclass(frozen=True)
class Comparison:
    """NMI, AMI and ARI of two partitions, on the ``n_accounts`` accounts they share."""

    nmi: float
    ami: float
    ari: float
    n_accounts: int
    only_in_a: int
    only_in_b: int

    def as_dict(self) -> dict[str, float]:
        return {"nmi": self.nmi, "ami": self.ami, "ari": self.ari, "n_accounts": self.n_accounts,
                "only_in_a": self.only_in_a, "only_in_b": self.only_in_b}


def _attribute(store: Any, name: str) -> pd.Series:
    """The account attribute ``name`` of ``store`` as ``account_id -> value``."""
    if store is None:
        raise ParameterError(f"an attribute name ({name!r}) as a partition needs the workspace: pass store=")
    exists = store.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = 'account_attributes'")
    frame = store.query("attributes.values", attribute=name.lower()) if exists else pd.DataFrame()
    if frame.empty:
        known = store.query("attributes.names")["name"].tolist() if exists else []
        hint = (f"it has {', '.join(known)}" if known else
                "it has none; import one with `workbench attributes import FILE --db ...`")
        raise ParameterError(f"the workspace has no account attribute {name!r}: {hint}")
    return pd.Series(frame["value"].to_numpy(dtype=object), index=pd.Index(frame["account_id"], name="account_id"),
                     name=name.lower())


def as_labels(partition: PartitionLike, *, store: Any = None) -> pd.Series:
    """A partition-like value as a Series ``account_id -> community label``.

    Accepts a :class:`Partition`, a Series indexed by account, a DataFrame with ``account_id``
    and ``community``, a mapping, or the name of an account attribute of ``store``.
    """
    if isinstance(partition, str):
        return _attribute(store, partition)
    if isinstance(partition, Partition):
        return partition.as_series()
    if isinstance(partition, pd.DataFrame):
        if not {"account_id", "community"} <= set(partition.columns):
            raise ParameterError("a partition table needs columns account_id and community")
        return partition.set_index("account_id")["community"]
    if isinstance(partition, pd.Series):
        return partition
    if isinstance(partition, Mapping):
        return pd.Series(partition, dtype=object)
    raise ParameterError(f"expected a Partition, a Series, a DataFrame or a mapping; got {type(partition).__name__}")


def compare(a: PartitionLike, b: PartitionLike, *, store: Any = None) -> Comparison:
    """Compare two partitions on the accounts they share.

    Parameters
    ----------
    a, b : Partition, pandas.Series, pandas.DataFrame, mapping or str
        Partitions, or ground truth as ``account_id -> label``, or the name of an account
        attribute of ``store`` (e.g. ``"department"``).
    store : Store, optional
        The workspace that holds the attribute named by ``a`` or ``b``.

    Returns
    -------
    Comparison
        ``nmi``, ``ami``, ``ari``; ``n_accounts`` shared, ``only_in_a``, ``only_in_b``.

    Examples
    --------
    >>> compare({"p": 1, "q": 1, "r": 2, "s": 2}, {"p": "a", "q": "b", "r": "a", "s": "b"}).ari
    -0.5
    """
    left, right = as_labels(a, store=store), as_labels(b, store=store)
    for name, labels in (("a", left), ("b", right)):
        if labels.index.has_duplicates:
            raise ParameterError(f"partition {name} lists some account twice")
        if labels.isna().any():
            raise ParameterError(f"partition {name} has accounts without a community")
    shared = left.index.intersection(right.index, sort=False)
    if len(shared) == 0:
        raise ParameterError("the two partitions have no account in common")
    from sklearn import metrics  # imported here: it takes seconds, and most sessions never compare

    x = pd.factorize(left.loc[shared].astype(object))[0]
    y = pd.factorize(right.loc[shared].astype(object))[0]
    return Comparison(
        nmi=float(metrics.normalized_mutual_info_score(x, y, average_method="arithmetic")),
        ami=float(metrics.adjusted_mutual_info_score(x, y, average_method="arithmetic")),
        ari=float(metrics.adjusted_rand_score(x, y)),
        n_accounts=len(shared), only_in_a=len(left) - len(shared), only_in_b=len(right) - len(shared))
