"""Which paths may name a workspace, and what a workspace file may hold.

A workspace file may come from someone else. The store opens every workspace with DuckDB's
external access off and its configuration locked (:data:`workbench.store.CONNECTION_CONFIG`), so
SQL stored in a file cannot read local files, reach the network or load extensions. The checks
here come first, before anything in the file is used:

- :func:`check_path`: a workspace path names a DuckDB file or a new path. An existing file of any
  other kind is refused and left untouched (DuckDB would open a CSV, Parquet or JSON file as a
  read-only database of views, and a load into it would report success and keep nothing), and so
  are a folder and a remote or extension URI (``md:``, ``s3://``, ``https://``).
- :func:`check_objects`: the file holds no view, macro or user type. The workbench writes none, and
  each can stand in for something it relies on: a view named ``accounts`` for the table, a macro
  named ``lower`` for DuckDB's own function in every query.
- :func:`check_columns`: each canonical table present has the columns the schema gives it.

Names from the data reach the terminal through :func:`visible`, which shows control and escape
characters as escapes (``\\x1b``) instead of letting them clear the screen or move the cursor.

Examples
--------
>>> import duckdb
>>> con = duckdb.connect(":memory:")
>>> _ = con.execute("CREATE MACRO lower(x) AS 'not what you asked for'")
>>> check_objects(con, catalog="memory", path="shared.duckdb")
Traceback (most recent call last):
...
workbench.errors.WorkspaceError: workspace shared.duckdb holds macro lower: ...
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from workbench import sql
from workbench.errors import WorkspaceError

__all__ = ["check_path", "check_workspace", "check_objects", "check_columns", "expected_columns", "visible",
           "DUCKDB_MAGIC"]

#: A DuckDB database file has these four bytes after its 8-byte header checksum.
DUCKDB_MAGIC = b"DUCK"
_MAGIC_OFFSET = 8

# A URI scheme (two letters or more, so that a Windows drive letter is still a path): md:, s3://, https://
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]+:")

# What an existing file that is not a DuckDB database starts like, to name it in the message.
_KINDS = (
    (b"PAR1", "a Parquet file"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x1f\x8b", "a gzip file"),
    (b"\x28\xb5\x2f\xfd", "a zstd file"),
    (b"PK\x03\x04", "a zip file"),
)


# What a new workspace is never called: a name of an export's file (a missing x.csv is a typo, not a new
# workspace; DuckDB would write a database under a name every other tool reads as CSV).
_EXPORT_SUFFIXES = frozenset((".csv", ".tsv", ".json", ".jsonl", ".ndjson", ".parquet", ".gz", ".bz2", ".xz",
                              ".zst", ".zip", ".gml", ".graphml", ".gexf"))


# C0 and C1 control characters with DEL (ESC starts a terminal's escape sequences, CSI is U+009B) and
# the bidirectional controls, which reorder the text that follows them on screen.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(match: re.Match) -> str:
    char = match.group()
    return _NAMED.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def visible(text: object) -> str:
    r"""``text`` with its control and escape characters shown as escapes, for a terminal.

    >>> print(visible("mallory\x1b[2J\r\nroot"))
    mallory\x1b[2J\r\nroot
    >>> visible("\u202egnp.exe")
    '\\u202egnp.exe'
    """
    return _UNSAFE.sub(_escaped, str(text))


def _kind_of(head: bytes) -> str:
    for magic, kind in _KINDS:
        if head.startswith(magic):
            return kind
    if not head:
        return "an empty file"
    try:
        text = head.decode("utf-8").lstrip("\ufeff \t\r\n")
    except UnicodeDecodeError:
        return "a binary file"
    if text.startswith(("{", "[")):
        return "a JSON file"
    return "a text file (CSV or the like)"


def check_path(path: str, *, read_only: bool) -> None:
    """Refuse a path that does not name a DuckDB file or, for writing, a new file.

    Raises :class:`WorkspaceError` (the file is not touched) for an empty path, a URI, a folder,
    an existing file that is not a DuckDB database, a missing file named like an export
    (``x.csv``, ``x.jsonl.gz``) and, when ``read_only``, any missing file.

    >>> check_path("md:shared", read_only=False)
    Traceback (most recent call last):
    ...
    workbench.errors.WorkspaceError: md:shared is not a workspace file: ...
    """
    if not path:
        raise WorkspaceError("no workspace path given: name a workspace file (created if missing)")
    if _URI.match(path):
        raise WorkspaceError(f"{path} is not a workspace file: a workspace is a local DuckDB file, never a remote "
                             "database or an extension's URI (md:, s3://, https://). A file whose name holds "
                             f"a colon can be given as ./{path}")
    location = Path(path)
    if location.is_dir():
        raise WorkspaceError(f"{path} is a folder, not a workspace file")
    if not location.exists():
        if read_only:
            raise WorkspaceError(f"workspace {path} does not exist; create it with `workbench load ... --db {path}`")
        suffix = "".join(location.suffixes[-2:]).lower()
        if location.suffix.lower() in _EXPORT_SUFFIXES:
            raise WorkspaceError(f"{path} does not exist, and a new workspace is not created under an export's name "
                                 f"({suffix}): a workspace is a DuckDB file such as {location.stem.split('.')[0]}"
                                 ".duckdb; load an export into it with `workbench load EXPORT --db FILE` "
                                 "(wb.load(store, EXPORT) in Python)")
        return
    try:
        with location.open("rb") as handle:
            head = handle.read(64)
    except OSError as error:
        raise WorkspaceError(f"cannot read workspace {path}: {error.strerror or error}") from None
    if head[_MAGIC_OFFSET:_MAGIC_OFFSET + len(DUCKDB_MAGIC)] != DUCKDB_MAGIC:
        raise WorkspaceError(f"{path} is {_kind_of(head)}, not a workspace (a DuckDB file); it was left "
                             "untouched. Give a workspace file, or a new path to create one")


def _names(rows: list[tuple[str, str, str]]) -> str:
    kinds: dict[str, list[str]] = {}
    for kind, schema, name in rows:
        kinds.setdefault(kind, []).append(name if schema == "main" else f"{schema}.{name}")
    return ", ".join(f"{kind}{'s' if len(names) > 1 else ''} {', '.join(names[:8])}"
                     + (f" and {len(names) - 8} more" if len(names) > 8 else "") for kind, names in kinds.items())


def check_objects(con: Any, *, catalog: str, path: str) -> None:
    """Refuse a workspace whose catalog holds a view, a macro or a user type (see the module doc)."""
    found = con.execute(sql.get("workspace.foreign_objects").text, {"catalog": catalog}).fetchall()
    if found:
        raise WorkspaceError(
            f"workspace {path} holds {_names(found)}: a workbench workspace holds only its tables, and a view or "
            "macro can stand in for a table or a built-in function, so this file was changed outside the "
            "workbench and is not opened. Ask whoever sent it for a clean copy")


@functools.lru_cache(maxsize=2)
def expected_columns(schema_text: str) -> dict[str, tuple[tuple[str, str], ...]]:
    """Columns (name, type) of each table that ``schema_text`` creates, in order."""
    import duckdb

    scratch = duckdb.connect(":memory:", config={"enable_external_access": False,
                                                 "autoload_known_extensions": False,
                                                 "autoinstall_known_extensions": False})
    try:
        for statement in scratch.extract_statements(schema_text):
            scratch.execute(statement)
        rows = scratch.execute(sql.get("workspace.table_columns").text, {"catalog": "memory"}).fetchall()
    finally:
        scratch.close()
    return _by_table(rows)


def _by_table(rows: list[tuple[str, str, str]]) -> dict[str, tuple[tuple[str, str], ...]]:
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, data_type))
    return {table: tuple(columns) for table, columns in tables.items()}


def check_workspace(con: Any, path: str, *, catalog: str, read_only: bool, schema_version: int,
                    schema_text: str) -> None:
    """Refuse a file that is not a workbench workspace, or one changed outside the workbench.

    Views, macros and types are refused (:func:`check_objects`); a DuckDB file with tables but no
    ``workbench_meta`` is not a workspace (a new, empty one becomes one when opened for writing);
    read-only, the canonical tables' columns are checked now (:func:`check_columns`), for writing
    after the migrations.
    """
    check_objects(con, catalog=catalog, path=path)
    tables = {row[0] for row in con.execute(sql.get("workspace.main_tables").text, {"catalog": catalog}).fetchall()}
    if "workbench_meta" not in tables and (read_only or tables):
        raise WorkspaceError(f"{path} is not a workbench workspace (no workbench_meta table)"
                             + ("" if read_only else "; it was left untouched"))
    if read_only:
        check_columns(con, path=path, catalog=catalog, schema_version=schema_version, schema_text=schema_text)


def check_columns(con: Any, *, path: str, catalog: str, schema_version: int, schema_text: str) -> None:
    """Refuse a workspace in which a canonical table lacks a column of the schema or has another type.

    Checked when the file (the connection's own database, ``catalog``) is at ``schema_version``: an
    older workspace opened read-only is read as it is.
    """
    version = con.execute("SELECT value FROM workbench_meta WHERE key = 'schema_version'").fetchone()
    if version is None or int(version[0]) != schema_version:
        return
    expected = expected_columns(schema_text)
    present = _by_table(con.execute(sql.get("workspace.table_columns").text, {"catalog": catalog}).fetchall())
    for table, columns in expected.items():
        # the order may differ: a migration adds its columns at the end
        if table not in present or dict(present[table]) == dict(columns):
            continue
        have = dict(present[table])
        wrong = [f"{name} {kind}" + (f" (is {have[name]})" if name in have else " (missing)")
                 for name, kind in columns if have.get(name) != kind]
        extra = [name for name in have if name not in dict(columns)]
        detail = "; ".join(part for part in (
            ("expected " + ", ".join(wrong)) if wrong else "",
            ("unexpected " + ", ".join(extra)) if extra else "") if part)
        raise WorkspaceError(f"workspace {path}: table {table} does not have the workbench's columns ({detail}); "
                             "this file was changed outside the workbench and is not opened")
