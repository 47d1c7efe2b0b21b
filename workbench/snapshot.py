"""A report's snapshot: the workspace copied once, and the analysis computed once for all its notebooks.

A report reads one consistent state of the workspace. :func:`take` copies the
workspace file while holding it open read-only (DuckDB then lets no process write
it), so a load that starts while the report runs changes neither the header nor any
notebook: they all read the copy.

Every notebook of a report needs the same graph partition and role scores. Instead
of each kernel computing them again, the report computes them once and writes them
beside the copy (:func:`write_shared`): ``<snapshot>.shared/`` holds a manifest of
the parameters they were computed with, the memberships and the scores as Parquet.
A notebook session that opens the snapshot with the same parameters reads them
(:func:`read_shared`); with any other parameters, or on any other workspace, it
computes its own, so a notebook runs the same on its own.

Examples
--------
>>> import tempfile, pathlib, workbench as wb
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with wb.open(folder / "w.duckdb") as store:
...     _ = store.sql("INSERT INTO accounts (account_id, platform) VALUES ('csv:a', 'csv')")
>>> copy = take(folder / "w.duckdb", folder / "snap" / "w.duckdb")
>>> with wb.open(copy, read_only=True) as store:
...     store.counts()["accounts"]
1
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

__all__ = ["take", "shared_folder", "shared_key", "write_shared", "read_shared", "Shared"]

MANIFEST = "manifest.json"
_FORMAT = 1


def take(db: str | Path, target: str | Path) -> Path:
    """Copy the workspace ``db`` to ``target`` as one consistent state; returns ``target``.

    The source is held open read-only during the copy: DuckDB lets no other process
    write a file that a process reads, so a concurrent load waits (or is told the
    workspace is busy) instead of changing the copy half-way. A write-ahead log left
    beside the file is copied with it.
    """
    import workbench as wb

    db, target = Path(db), Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with wb.open(db, read_only=True):  # the lock, and a clear error if db is not a workspace
        shutil.copyfile(db, target)
        wal = db.with_name(db.name + ".wal")
        if wal.exists():
            shutil.copyfile(wal, target.with_name(target.name + ".wal"))
    return target


def shared_folder(db_path: str | Path) -> Path:
    """Where the analysis shared by a report's notebooks lies: ``<db_path>.shared``."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".shared")


def shared_key(**parameters: Any) -> dict[str, Any]:
    """The parameters that decide the graph, partition and scores, in a form that compares equal.

    >>> shared_key(kinds=("reply",), since=None, until="", method="leiden", resolution=1, seed=0,
    ...            focal=[], pseudonymize=False)["resolution"]
    1.0
    """
    def text(value: Any) -> str:
        if value is None or value == "":
            return ""
        return value.isoformat() if hasattr(value, "isoformat") else str(value)

    return {"format": _FORMAT, "kinds": list(parameters["kinds"]), "since": text(parameters["since"]),
            "until": text(parameters["until"]), "method": str(parameters["method"]),
            "resolution": float(parameters["resolution"]), "seed": int(parameters["seed"]),
            "focal": sorted(parameters["focal"] or []), "pseudonymize": bool(parameters["pseudonymize"]),
            "max_edges": None if parameters.get("max_edges") is None else int(parameters["max_edges"])}


@dataclass
class Shared:
    """The analysis a report computed once: the partition (as its frame and metadata) and the scores."""

    memberships: pd.DataFrame
    partition_meta: dict[str, Any]
    scores: pd.DataFrame

    def partition(self) -> Any:
        """The :class:`~workbench.communities.Partition`, exactly as it was detected."""
        from workbench.communities import Partition

        return Partition(np.asarray(self.memberships["account_id"].to_numpy(), dtype=object),
                         self.memberships["community"].to_numpy(dtype=np.int64),
                         method=self.partition_meta["method"], params=self.partition_meta["params"],
                         graph_spec=self.partition_meta["graph_spec"],
                         modularity=float(self.partition_meta["modularity"]))


def write_shared(db_path: str | Path, key: Mapping[str, Any], *, partition: Any, scores: pd.DataFrame) -> Path:
    """Write the partition and scores computed with ``key`` beside the snapshot ``db_path``."""
    folder = shared_folder(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    partition.to_frame().to_parquet(folder / "memberships.parquet", index=False)
    plain = scores.copy()
    plain.attrs = {}  # kept in the manifest instead: Parquet's metadata takes JSON only (no datetimes)
    plain.to_parquet(folder / "scores.parquet", index=False)
    meta = {"method": partition.method, "params": partition.params, "graph_spec": partition.graph_spec,
            "modularity": None if partition.modularity != partition.modularity else float(partition.modularity)}
    manifest = {"key": dict(key), "partition": meta, "scores_attrs": scores.attrs}
    (folder / MANIFEST).write_text(json.dumps(manifest, default=str, indent=1), encoding="utf-8")
    return folder


def read_shared(db_path: str | Path, key: Mapping[str, Any]) -> Shared | None:
    """The shared analysis beside ``db_path`` if it was computed with ``key``, else None."""
    folder = shared_folder(db_path)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("key") != json.loads(json.dumps(dict(key), default=str)):
        return None
    meta = dict(manifest["partition"])
    meta["modularity"] = float("nan") if meta.get("modularity") is None else meta["modularity"]
    scores = pd.read_parquet(folder / "scores.parquet")
    scores.attrs = manifest.get("scores_attrs", {})
    return Shared(memberships=pd.read_parquet(folder / "memberships.parquet"), partition_meta=meta, scores=scores)
