"""The context a format module's ``prepare``, ``parse``, ``finish``, ``stage`` and ``resolve`` receive.

See the loader contract in :mod:`workbench.ingest.pipeline`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workbench import sql as sql_module
from workbench.ingest.detect import Sample
from workbench.store import Store

__all__ = ["StageContext"]


@dataclass
class StageContext:
    """What a format module's ``stage`` and ``resolve`` receive (see the loader contract)."""

    store: Store
    load_id: int
    path: str
    platform: str
    strict: bool
    sample: Sample | None = None
    records_read: int = 0
    unresolved: int = 0
    #: the kind of rows that name none (edge lists, graph files): the load's ``kind=``, None for the default
    default_kind: str | None = None
    #: how many loaded rows took that kind (set by loaders whose ``TAKES_KIND`` is true)
    assumed_kind_rows: int = 0
    #: what a streaming format keeps between its blocks (see the loader contract)
    state: dict[str, Any] = field(default_factory=dict)
    #: set by a format whose stage_interactions hold one row per (post_id, kind, source_id, target_id):
    #: the merge then skips grouping them
    interactions_unique: bool = False
    #: set by a format whose stage_accounts hold one row per account_id: the merge then skips grouping them
    accounts_unique: bool = False
    #: set by a format whose staged interactions all have a source and a target: none to count as unresolved,
    #: and the merge does not check them
    targets_resolved: bool = False
    #: lines rejected while reading (bad bytes, too long), before the format saw them
    reading_rejects: int = 0
    #: the format's own options (``load(..., options=...)``; the attributes format: ``id_column``, ``name``)
    options: dict[str, Any] = field(default_factory=dict)
    #: lines for the load summary that a loader wants the user to see (e.g. a graph file's multi-edges)
    notes: list[str] = field(default_factory=list)
    #: the current block's Arrow lines while a ``READS_BLOCK`` format's ``parse`` runs (see the loader contract)
    block: Any = None

    @property
    def con(self):
        return self.store.con

    def _auto(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"load_id": self.load_id, "platform": self.platform, "path": self.path, **params}

    def sql(self, text: str, **params: Any):
        """Run SQL statements with ``$params`` bound (``$load_id``, ``$platform``, ``$path`` are automatic)."""
        return self.store.sql(text, self._auto(params))

    def run(self, name: str, **params: Any):
        """Run the named query ``name`` (all its statements) with ``$params`` bound."""
        query = sql_module.get(name)
        merged = self._auto(params)
        return self.store.sql(query.text, {k: v for k, v in merged.items() if k in query.params})

    def run_over_lines(self, name: str, lines: Any) -> Any:
        """Run the named query ``name`` (one statement, no parameters) with ``raw_lines`` the Arrow table
        ``lines``, scanned in place: a relation's query binds the name for that statement only, so the
        transaction keeps nothing of the block (a registered view would keep every block alive until
        the load commits)."""
        return self.run_over(name, lines, "raw_lines")

    def run_over(self, name: str, table: Any, table_name: str) -> Any:
        """Run the named query ``name`` (one statement, no parameters) with ``table_name`` the Arrow
        table ``table``, scanned in place (see :meth:`run_over_lines`); a query that only reads
        returns a relation to fetch from (``.to_arrow_table()``), any other runs now."""
        query = sql_module.get(name)
        if query.params or len(self.con.extract_statements(query.text)) != 1:
            raise ValueError(f"run_over runs one statement without parameters; {name} is not one")
        return self.con.from_arrow(table).query(table_name, query.text)

    def scalar(self, text: str, **params: Any) -> Any:
        row = self.sql(text, **params).fetchone()
        return None if row is None else row[0]
