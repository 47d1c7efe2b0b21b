"""Pseudonymising a workspace's data at the source, before anything is computed or shown.

:func:`pseudonymise` reads the data tables of a workspace (``accounts``, ``posts``,
``post_entities``, ``interactions``, ``loads``, ``rejects``, ``account_attributes``) and its decision log
(``campaigns``: names, notes and hashtags can name an account) and writes them, pseudonymised,
into another workspace
(in memory for a notebook): ids and post ids hashed in DuckDB with the keyed hash (the key is
bound as the HMAC pads, never stored), handles and display names replaced wholly by the account's
pseudonym, follower, following and post counts rounded to two significant digits, account
creation times to the month, texts, channels, reasons and messages rewritten by
:meth:`~workbench.privacy.text.Pseudonymizer.text`, file names by
:meth:`~workbench.privacy.text.Pseudonymizer.file_name`, and the raw records of rejects withheld.
Graphs, communities, scores, metrics and every table or chart a notebook makes then come from
pseudonymised data, and nothing needs hiding at display time.

Free text is rewritten in Python (one call per distinct text): the replacement needs Unicode
normal forms and keyed hashes of the names it finds, which SQL lacks. Everything else is SQL.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from workbench import sql
from workbench.privacy.text import Pseudonymizer

__all__ = ["DATA_TABLES", "pseudonymise"]

#: The tables an export or an import fills, and the decision log, in the order they are copied.
DATA_TABLES = ("accounts", "posts", "post_entities", "interactions", "loads", "rejects", "account_attributes",
               "campaigns")


def _run(store: Any, name: str, **params: Any) -> Any:
    query = sql.get(name)
    return store.sql(query.text, query.bind(params))


def pseudonymise(source: Any, target: Any, pseudonymizer: Pseudonymizer, *, progress: Any = None) -> Any:
    """Copy the data tables of ``source`` into the empty workspace ``target``, pseudonymised.

    Parameters
    ----------
    source : Store
        A workspace (or an overlay of one) holding raw data; it is only read.
    target : Store
        An empty, writable workspace (e.g. ``wb.open(":memory:")``) that receives the
        pseudonymised tables.
    pseudonymizer : Pseudonymizer
        Built from ``source``'s accounts and loaded files (:meth:`Pseudonymizer.from_store`).
    progress : callable, optional
        Called with the name of each table as it is copied.

    Returns
    -------
    Store
        ``target``.
    """
    pads = pseudonymizer.hash.pads()
    _run(source, "privacy.macros").fetchall()
    raw = [row[0] for row in _run(source, "privacy.strings").fetchall()]
    strings = pd.DataFrame({"raw": pd.Series(raw, dtype=object),
                            "shown": pd.Series([pseudonymizer.text(v) for v in raw], dtype=object)})
    paths = [row[0] for row in _run(source, "privacy.paths").fetchall()]
    files = pd.DataFrame({"raw": pd.Series(paths, dtype=object),
                          "shown": pd.Series([pseudonymizer.file_name(p) for p in paths], dtype=object)})
    source.con.register("privacy_strings", strings)
    source.con.register("privacy_paths", files)
    try:
        for table in DATA_TABLES:
            if progress is not None:
                progress(table)
            params = pads if table in ("accounts", "posts", "post_entities", "interactions", "account_attributes") else {}
            query = sql.get(f"privacy.{table}")
            rows = source.con.sql(query.text, params=query.bind(params) or None).to_arrow_table()
            target.con.register("privacy_rows", rows)
            try:
                _run(target, f"privacy.insert_{table}").fetchall()  # fetched: no result left pending
            finally:
                target.con.unregister("privacy_rows")
    finally:
        source.con.unregister("privacy_strings")
        source.con.unregister("privacy_paths")
    return target
