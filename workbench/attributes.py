"""Account attributes: ground truth and labels beside the interactions.

A researcher often holds facts about accounts that no export carries: polblogs' factions, the
department of each person in email-Eu-core, a hand-coded stance. They live in the workspace table
``account_attributes(account_id, name, value)``, filled by :func:`import_file` (``workbench
attributes import``) from a CSV, TSV or SNAP label file, and by graph files (GML, GraphML, Pajek)
whose node attributes land there when they are loaded. An attribute can then stand for a partition:
``wb.communities.compare(partition, "department", store=store)`` gives NMI, AMI and ARI against it.

Examples
--------
>>> import tempfile, pathlib
>>> import workbench as wb
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "edges.csv").write_text("source,target\\na,b\\nb,c\\nc,a\\nd,e\\n")
>>> _ = (folder / "sides.csv").write_text("handle,side\\na,left\\nb,left\\nc,left\\nd,right\\ne,right\\n")
>>> store = wb.open(":memory:")
>>> _ = wb.load(store, folder / "edges.csv")
>>> report = wb.attributes.import_file(store, folder / "sides.csv")
>>> report.records_loaded, wb.attributes.values(store, "side").to_dict()["csv:d"]
(5, 'right')
>>> wb.attributes.names(store)[["name", "accounts", "distinct_values"]].to_dict("records")
[{'name': 'side', 'accounts': 5, 'distinct_values': 2}]
"""

from __future__ import annotations

import os

from typing import Any

import pandas as pd

from workbench.communities.partition import Partition
from workbench.errors import ParameterError
from workbench.ingest import LoadReport, load
from workbench.store import Store

__all__ = ["import_file", "names", "values", "value_counts", "partition", "has_attributes", "comparisons"]


def import_file(store: Store, path: str | os.PathLike, *, id_column: str | None = None, name: str | None = None,
                platform: str | None = None, strict: bool = False, progress: bool | None = None) -> LoadReport:
    """Import an account-attribute file into ``store`` (one load, recorded in ``loads``).

    Parameters
    ----------
    store : Store
        A writable workspace that already holds the accounts the file names.
    path : path
        A CSV / TSV with a header (an id column, then one column per attribute) or a header-less
        ``id value`` file (SNAP label files); plain or compressed. The layouts and how ids are
        matched to accounts are described in :mod:`workbench.ingest.attributes`.
    id_column : str, optional
        The header name of the id column (default: the first column).
    name : str, optional
        The attribute name of a header-less file (default ``label``), e.g. ``department``.
    platform : str, optional
        Only accounts of this platform are matched (``csv``, ``twitter``, ... or a ``--platform`` name).
    strict : bool
        Any bad line aborts the import and nothing changes; by default bad lines go to ``rejects``.
    progress : bool, optional
        Show a progress bar (default: when stderr is a terminal).

    Returns
    -------
    LoadReport
        ``new_attributes`` counts values added or changed.
    """
    options = {"id_column": id_column, "name": name}
    return load(store, path, format="attributes", strict=strict, platform=platform, progress=progress,
                options=options)


def has_attributes(store: Store) -> bool:
    """Whether the workspace holds any account attribute (False for a workspace made before they existed)."""
    exists = store.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = 'account_attributes'")
    return bool(exists) and bool(store.scalar("SELECT count(*) > 0 FROM account_attributes"))


def names(store: Store) -> pd.DataFrame:
    """One row per attribute name: ``name``, ``accounts``, ``distinct_values``, ``files``, ``last_load_id``."""
    if not has_attributes(store):
        return pd.DataFrame(columns=["name", "accounts", "distinct_values", "files", "last_load_id"])
    return store.query("attributes.names")


def _check_known(store: Store, name: str) -> str:
    if not isinstance(name, str):
        raise ParameterError(f"an attribute name is a string, got {type(name).__name__}")
    known = names(store)["name"].tolist()
    if name.lower() not in known:
        hint = (f"the workspace has {', '.join(known)}" if known else
                "the workspace has none; import one with `workbench attributes import FILE --db ...`")
        raise ParameterError(f"no account attribute {name!r}: {hint}")
    return name.lower()


def values(store: Store, name: str) -> pd.Series:
    """The attribute ``name`` as a Series ``account_id -> value`` (text, as the file gave it).

    Raises :class:`ParameterError` naming the attributes the workspace has when it has no ``name``.
    """
    name = _check_known(store, name)
    frame = store.query("attributes.values", attribute=name)
    return pd.Series(frame["value"].to_numpy(dtype=object), index=pd.Index(frame["account_id"], name="account_id"),
                     name=name)


def value_counts(store: Store, name: str) -> pd.DataFrame:
    """How many accounts hold each value of ``name`` (``value``, ``accounts``), most first."""
    return store.query("attributes.value_counts", attribute=_check_known(store, name))


def partition(store: Store, name: str) -> Partition:
    """The attribute ``name`` as a :class:`~workbench.communities.Partition` (one community per value).

    Communities are numbered by size like any partition; ``params["labels"]`` maps each community
    number back to its value. Modularity is unknown (NaN): it depends on a graph.
    """
    series = values(store, name)
    result = Partition.from_membership(series.index.tolist(), series.tolist(), method="attribute",
                                       params={"attribute": name})
    result.params["labels"] = dict(zip(result.membership.tolist(), series.tolist()))
    return result


def comparisons(store: Store, partition: Any, *, max_share: float = 0.5) -> pd.DataFrame:
    """``partition`` compared with every attribute of the workspace that can be a partition.

    An attribute qualifies when it has at least two values and at most ``max_share`` times as many
    values as accounts (a unique name or a node number is no grouping).

    Parameters
    ----------
    store : Store
    partition : Partition or partition-like
        Usually communities just detected.
    max_share : float
        The largest ratio of distinct values to accounts.

    Returns
    -------
    pandas.DataFrame
        One row per attribute: ``attribute``, ``values``, ``accounts`` (compared: in both),
        ``nmi``, ``ami``, ``ari``; empty when no attribute qualifies.

    Examples
    --------
    >>> import workbench as wb
    >>> store = wb.open(":memory:")
    >>> comparisons(store, {"csv:a": 0}).empty
    True
    """
    from workbench.communities import compare

    columns = ["attribute", "values", "accounts", "nmi", "ami", "ari"]
    catalogue = names(store)
    usable = catalogue[(catalogue["distinct_values"] >= 2)
                       & (catalogue["distinct_values"] <= max_share * catalogue["accounts"])]
    rows = []
    for row in usable.itertuples():
        try:
            result = compare(partition, row.name, store=store)
        except ParameterError:  # no account in common with the partition
            continue
        rows.append({"attribute": row.name, "values": int(row.distinct_values), "accounts": result.n_accounts,
                     "nmi": result.nmi, "ami": result.ami, "ari": result.ari})
    return pd.DataFrame(rows, columns=columns)
