"""The workspace: one DuckDB file holding the canonical tables.

The store is the ground floor of the package: it knows the schema, runs named
queries from ``queries/`` with bound parameters, and saves analysis results
that it receives as plain DataFrames. It imports nothing from ingest or from
the analysis modules.

Examples
--------
>>> import workbench as wb
>>> store = wb.open(":memory:")
>>> store.query("info.tables").set_index("table").loc["accounts", "rows"]
np.int64(0)
>>> store.close()
"""

from __future__ import annotations

import contextlib
import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Mapping

import duckdb
import numpy as np

from workbench import containment, schema, sql
from workbench.schema import SCHEMA_VERSION, TABLES
from workbench.errors import ParameterError, QueryError, WorkspaceBusyError, WorkspaceError

if TYPE_CHECKING:  # pandas is imported where a frame is made: the CLI's start (a load) does not need it
    import pandas as pd

__all__ = ["Store", "open", "attach_read_only", "SCHEMA_VERSION", "TABLES", "CONNECTION_CONFIG", "TUNABLE_SETTINGS"]

#: DuckDB's memory limit when :func:`open` is given none: with it, a load of any size peaks at about
#: 1.4-1.8 GB (Reddit months of 10M and 30M comments: 1.41 and 1.73 GB; DuckDB spills the rest to disk,
#: beside the workspace). DuckDB's own default is 80% of RAM.
#: 1.5 or 2 GB raise the peaks by about 0.45 GB a step for no CPU time saved beyond the noise of a
#: shared machine (``benchmarks/memory_limit.py``: the twarc2 sample and a 10M-row edge list).
DEFAULT_MEMORY_LIMIT = "1GB"

_LOCK_PID = re.compile(r"PID (\d+)")

# -- how every workspace connection is configured: this is the one place ----------------------------
#: Given to ``duckdb.connect`` for every workspace. A workspace file may come from someone else:
#: with external access off, SQL stored in it (a view over ``read_text('~/.ssh/id_rsa')``, a macro)
#: cannot read local files or reach the network, and no extension is installed or loaded at run time.
#: Loads read their files in Python and hand DuckDB the bytes as Arrow (``workbench.ingest.staging``).
CONNECTION_CONFIG: dict[str, Any] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}
#: Settings a caller may choose when opening (``open(..., settings={...})``); they are set at connect
#: time, since nothing can be SET once the configuration is locked. Anything else is refused.
TUNABLE_SETTINGS = ("threads", "memory_limit", "temp_directory", "max_temp_directory_size")
#: Run on every new connection, in this order. TimeZone belongs to the ICU extension, which
#: ``duckdb.connect`` cannot configure; DuckDB's progress bar cannot be set there either, and left on it
#: prints to the stdout of any process (a CLI piped to a file, a papermill kernel, a notebook) once a
#: query runs two seconds: the workbench shows its own progress bars. TimeZone is GLOBAL so that the
#: connection's cursors (a load runs on one) are in UTC too (a cursor copies the progress bar setting
#: of its connection, which cannot be set globally). The last statement locks the
#: configuration, so that no later SET, ours or a user's, can change any setting (external access cannot
#: be turned back on anyway).
SESSION_SETTINGS = ("SET GLOBAL TimeZone = 'UTC'", "SET enable_progress_bar = false",
                    "SET lock_configuration = true")


def _connect(path: str, *, read_only: bool, settings: Mapping[str, Any] | None = None,
             attach: str | None = None) -> duckdb.DuckDBPyConnection:
    """A configured, locked connection; ``attach``: a workspace file attached read-only as ``workspace``
    first (ATTACH reads a file, so external access closes only after it). The memory limit is
    :data:`DEFAULT_MEMORY_LIMIT` and DuckDB spills beyond it (:func:`_spill_directory`) unless
    ``settings`` say otherwise."""
    config = dict(CONNECTION_CONFIG, memory_limit=DEFAULT_MEMORY_LIMIT,
                  temp_directory=_spill_directory(path, read_only))
    for name, value in (settings or {}).items():
        if name not in TUNABLE_SETTINGS:
            raise ParameterError(f"setting {name!r} cannot be chosen when opening a workspace; "
                                 f"these can: {', '.join(TUNABLE_SETTINGS)}")
        config[name] = value
    if attach is not None:
        del config["enable_external_access"]
    con = duckdb.connect(path, read_only=read_only, config=config)
    try:
        if attach is not None:
            con.execute("ATTACH $path AS workspace (READ_ONLY)", {"path": attach})
            con.execute("SET enable_external_access = false")
        for statement in SESSION_SETTINGS:
            con.execute(statement)
    except BaseException:
        con.close()
        raise
    return con


def _busy_message(path: str, error: Exception, *, read_only: bool) -> str:
    pid = _LOCK_PID.search(str(error))
    holder = f"process {pid.group(1)}" if pid else "another process"
    if read_only:
        return (f"workspace {path} is busy: {holder} has it open for writing. "
                "Wait for that load or command to finish, then try again.")
    return (f"workspace {path} is busy: {holder} has it open (a load, a notebook kernel or a report may be "
            "reading it). Wait for that load or command to finish, or close the notebook kernel or report "
            "that uses it, then try again.")


class Store:
    """An open workspace. Create one with :func:`open`.

    Attributes
    ----------
    con : duckdb.DuckDBPyConnection
        The DuckDB connection; prefer :meth:`query` for anything reusable.
    path : str
        The database file, or ``":memory:"``.
    read_only : bool
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str, read_only: bool):
        self.con = con
        self.path = path
        self.read_only = read_only

    # -- running SQL -------------------------------------------------------------
    def sql(self, text: str, params: Mapping[str, Any] | None = None) -> duckdb.DuckDBPyConnection:
        """Run one or more SQL statements with named parameters bound (``$name``).

        Each statement receives only the parameters it uses. Returns the
        connection, whose result is that of the last statement.
        """
        params = dict(params or {})
        statements = self.con.extract_statements(text)
        result = self.con
        for statement in statements:
            used = statement.named_parameters
            missing = used - set(params)
            if missing:
                raise QueryError(f"missing parameter(s) {', '.join(sorted(missing))} for: {statement.query.strip()[:80]}")
            result = self.con.execute(statement, {k: params[k] for k in used} if used else None)
        return result

    def query(self, name: str, **params: Any) -> pd.DataFrame:
        """Run the named query ``name`` (e.g. ``"metrics.engagement"``) and return a DataFrame.

        Parameters must match the query's ``$parameters`` exactly.

        >>> s = open(":memory:")
        >>> list(s.query("info.tables").columns)
        ['table', 'rows']
        """
        query = sql.get(name)
        try:
            return self.sql(query.text, query.bind(params)).df()
        except duckdb.ConversionException as error:
            # a bound value of the wrong type (text for a number, a bad date): the user's mistake, said plainly
            given = ", ".join(f"{k}={v!r}" for k, v in sorted(params.items()))
            raise QueryError(f"query {name!r}: a parameter has the wrong type ({given}): "
                             f"{str(error).splitlines()[0]}") from None

    def arrays(self, name: str, **params: Any) -> dict[str, np.ndarray]:
        """Run the named query ``name`` and return its columns as numpy arrays (no DataFrame in between:
        for the long integer columns of edge lists, which go on to igraph).

        >>> s = open(":memory:")
        >>> s.arrays("info.tables")["table"][:2].tolist()
        ['accounts', 'posts']
        """
        query = sql.get(name)
        return self.sql(query.text, query.bind(params)).fetchnumpy()

    def execute(self, name: str, **params: Any) -> None:
        """Run the named statement(s) ``name`` for their effect."""
        query = sql.get(name)
        self.sql(query.text, query.bind(params))

    def scalar(self, text: str, params: Mapping[str, Any] | None = None) -> Any:
        """The first column of the first row of ``text``, or None."""
        # fetchall, not fetchone: DuckDB 2 keeps a half-read result open, and the connection then refuses
        # the next register() ("connection has an unfinished result")
        rows = self.sql(text, params).fetchall()
        return rows[0][0] if rows else None

    @contextlib.contextmanager
    def transaction(self) -> Iterator["Store"]:
        """All statements inside run in one transaction: committed together or not at all."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")

    # -- facts about the workspace ----------------------------------------------
    @property
    def schema_version(self) -> int:
        return int(self.scalar("SELECT value FROM workbench_meta WHERE key = 'schema_version'"))

    def counts(self) -> dict[str, int]:
        """Rows per canonical table."""
        frame = self.query("info.tables")
        return {row.table: int(row.rows) for row in frame.itertuples()}

    # -- saving analysis results (tables in, run ids out) -------------------------
    def save_partition(self, table: pd.DataFrame, *, method: str, params: Mapping[str, Any] | None = None,
                       graph_spec: Mapping[str, Any] | None = None, modularity: float | None = None,
                       hashtags: pd.DataFrame | None = None) -> int:
        """Save a partition (columns ``account_id``, ``community``) as a new community run.

        Returns the new ``run_id`` (increasing). ``params`` and ``graph_spec``
        are stored as JSON so that a run can be cited and reproduced. ``hashtags`` (columns
        ``hashtag``, lower case without ``#``, and ``community``) are the hashtag nodes of a run on a
        hashtag graph: they go to ``hashtag_memberships``, the accounts to ``memberships``. A run on
        the co-hashtag graph has hashtags only (``table`` empty).
        """
        import pandas as pd

        self._check_writable()
        frames = {}
        for name, frame, key in (("memberships", table, "account_id"), ("hashtag_memberships", hashtags, "hashtag")):
            if frame is None:
                frame = pd.DataFrame({key: pd.Series([], dtype=object), "community": pd.Series([], dtype="int64")})
            missing = {key, "community"} - set(frame.columns)
            if missing:
                what = "a partition table" if name == "memberships" else "a hashtag partition table"
                raise WorkspaceError(f"{what} needs columns {key} and community; missing {sorted(missing)}")
            frames[name] = frame[[key, "community"]].astype({"community": "int64"})
        if not len(frames["memberships"]) and not len(frames["hashtag_memberships"]):
            raise WorkspaceError("a partition to save has no account and no hashtag")
        communities = pd.concat([frames["memberships"]["community"], frames["hashtag_memberships"]["community"]])
        with self.transaction():
            run_id = int(self.scalar("SELECT nextval('community_run_ids')"))
            self.sql(
                "INSERT INTO community_runs VALUES ($run_id, $method, $params::JSON, $graph_spec::JSON, "
                "$created_at, $modularity, $n)",
                dict(run_id=run_id, method=method, params=json.dumps(dict(params or {}), default=str),
                     graph_spec=json.dumps(dict(graph_spec or {}), default=str),
                     created_at=datetime.now(timezone.utc), modularity=modularity,
                     n=int(communities.nunique())),
            )
            self.con.register("_partition_frame", frames["memberships"])
            self.con.register("_hashtag_partition_frame", frames["hashtag_memberships"])
            try:
                self.execute("graph.save_memberships", run_id=run_id)
            finally:
                self.con.unregister("_partition_frame")
                self.con.unregister("_hashtag_partition_frame")
        return run_id

    def latest_community_run(self, *, nodes: str = "accounts") -> int | None:
        """The newest community run with communities of ``nodes`` (``accounts``, ``hashtags``), or None.

        A run on the co-hashtag graph has no account communities: what takes the newest run for
        accounts (roles, metrics by community, exports of the interaction graph) never picks it.
        """
        sql.check_identifier(nodes, ("accounts", "hashtags"), what="nodes")
        import pandas as pd

        value = self.query("graph.latest_run", nodes=nodes).iloc[0, 0]
        return None if pd.isna(value) else int(value)

    def check_account_run(self, run_id: int) -> int:
        """``run_id`` if that community run has account communities; a clear :class:`ParameterError` otherwise
        (no such run, or a run on the co-hashtag graph, whose communities are of hashtags only)."""
        if isinstance(run_id, bool) or not isinstance(run_id, (int, np.integer, str)) or not str(run_id).isdigit():
            raise ParameterError(f"a community run is a whole number; got {run_id!r}")
        row = self.query("graph.run_nodes", run_id=int(run_id))
        if row.empty:
            runs = self.query("graph.community_runs")["run_id"].tolist()
            raise ParameterError(f"no community run {run_id} in the workspace; saved runs: "
                                 f"{', '.join(map(str, runs)) or 'none'}")
        if not int(row["accounts"].iloc[0]):
            raise ParameterError(f"community run {run_id} is of the {row['graph'].iloc[0] or 'hashtag'} graph: its "
                                 "communities are of hashtags, not accounts; give a run on the interaction graph "
                                 "(or on accounts-hashtags)")
        return int(run_id)

    def _check_writable(self) -> None:
        if self.read_only:
            raise WorkspaceError(f"workspace {self.path} is open read-only; open it with read_only=False to save")

    # -- life cycle ------------------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"<workbench Store {self.path} ({mode})>"

    # -- saving account scores (appended for workbench/roles) -------------------------
    def save_scores(self, table: pd.DataFrame, *, community_run_id: int | None,
                    params: Mapping[str, Any] | None = None) -> int:
        """Save one row per account into ``account_scores`` as a new scoring run.

        ``table`` needs ``account_id`` and may hold any other column of
        ``account_scores`` (scores, role, raw inputs); a column the table does
        not have is an error naming it. Returns the new ``run_id`` (increasing).
        """
        self._check_writable()
        columns = [row[0] for row in self.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'account_scores' "
            "ORDER BY ordinal_position").fetchall()]
        settable = set(columns) - {"run_id", "community_run_id", "params", "created_at"}
        unknown = sorted(set(table.columns) - settable)
        if "account_id" not in table.columns:
            raise WorkspaceError("a scores table needs an account_id column")
        if unknown:
            raise WorkspaceError(f"account_scores has no column(s) {', '.join(unknown)}; "
                                 f"expected some of {', '.join(c for c in columns if c in settable)}")
        if table["account_id"].duplicated().any():
            raise WorkspaceError("a scores table has one row per account; account_id has duplicates")
        # register before anything is fetched: a pending result (fetchone) blocks register(); DuckDB reads
        # the frame as it is (no copy: a million accounts' scores are some 300 MB)
        self.con.register("_scores_frame", table)
        try:
            with self.transaction():
                run_id = int(self.scalar("SELECT nextval('score_run_ids')"))
                self.sql(
                    "INSERT INTO account_scores BY NAME SELECT *, $run_id AS run_id, "
                    "$community_run_id::BIGINT AS community_run_id, $params::JSON AS params, "
                    "$created_at AS created_at FROM _scores_frame",
                    dict(run_id=run_id, community_run_id=community_run_id,
                         params=json.dumps(dict(params or {}), default=str),
                         created_at=datetime.now(timezone.utc)))
        finally:
            self.con.unregister("_scores_frame")
        return run_id


def _spill_directory(path: str, read_only: bool) -> str:
    """Where DuckDB spills what exceeds its memory limit: beside the workspace (``<file>.tmp``) for the
    one process that writes it, a folder of this process's own in the system's temp folder otherwise
    (read-only readers of one file, and in-memory workspaces, must not share spill files)."""
    import os
    import tempfile

    if path == ":memory:" or read_only:
        return os.path.join(tempfile.gettempdir(), f"workbench-spill-{os.getpid()}")
    return f"{path}.tmp"


def open(path: str | Path = ":memory:", *, read_only: bool = False,  # the public name is wb.open
         memory_limit: str | None = None, temp_directory: str | Path | None = None,
         settings: Mapping[str, Any] | None = None) -> Store:
    """Open (or create) a workspace.

    Every workspace opens with DuckDB's external access off and its configuration locked
    (:data:`CONNECTION_CONFIG`): SQL cannot read files, reach the network or load extensions, so a
    workspace file from someone else cannot read yours.

    Parameters
    ----------
    path : str or Path
        A workspace (DuckDB) file, or a new path where one is created with the canonical schema,
        or ``":memory:"`` for a throw-away workspace. Anything else (a CSV, Parquet or JSON file, a
        folder, a remote or ``md:`` URI) is refused and left untouched.
    read_only : bool
        Open without the write lock: several read-only processes (notebooks,
        reports) can share a file, but none while a writer holds it.
    memory_limit : str, optional
        DuckDB's memory limit, e.g. ``"2GB"`` (default :data:`DEFAULT_MEMORY_LIMIT`). Loads and
        queries that need more spill to ``temp_directory``; a load streams its file, so its peak
        memory stays near this limit whatever the file's size.
    temp_directory : str or Path, optional
        Where DuckDB spills (default: ``<workspace>.tmp`` beside the workspace when writing, a
        folder of the process's own in the system temp folder otherwise).
    settings : mapping, optional
        Other DuckDB settings among :data:`TUNABLE_SETTINGS` (e.g. ``{"threads": 1}``).

    Raises
    ------
    WorkspaceBusyError
        Another process holds the file open for writing (or, when writing,
        for reading).
    WorkspaceError
        The path is not a workspace file or a new path, the file does not exist (read-only), or
        it holds views, macros or tables that the workbench did not write.

    Examples
    --------
    >>> import workbench as wb
    >>> with wb.open(":memory:") as store:
    ...     store.schema_version == SCHEMA_VERSION
    True
    >>> wb.open("https://example.org/shared.duckdb")
    Traceback (most recent call last):
    ...
    workbench.errors.WorkspaceError: https://example.org/shared.duckdb is not a workspace file: ...
    """
    path = str(path)
    memory = path == ":memory:"
    read_only = read_only and not memory
    if not memory:
        containment.check_path(path, read_only=read_only)
        if not read_only:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    chosen = dict(settings or {})
    if memory_limit is not None:
        chosen["memory_limit"] = str(memory_limit)
    if temp_directory is not None:
        chosen["temp_directory"] = str(temp_directory)
    try:
        con = _connect(path, read_only=read_only, settings=chosen)
    except duckdb.IOException as error:
        text = str(error)
        if "lock" in text.lower():
            raise WorkspaceBusyError(_busy_message(path, error, read_only=read_only)) from None
        raise WorkspaceError(f"cannot open workspace {path}: {text.splitlines()[0]}") from None
    except (duckdb.InvalidInputException, duckdb.ParserException) as error:
        if "memory" in str(error).lower() and "memory_limit" in chosen:
            raise ParameterError(f"memory_limit must be a size such as '2GB' or '512MB'; "
                                 f"got {chosen['memory_limit']!r}") from None
        raise WorkspaceError(f"cannot open workspace {path}: {str(error).splitlines()[0]}") from None
    except duckdb.Error as error:
        raise WorkspaceError(f"cannot open workspace {path}: {str(error).splitlines()[0]}") from None
    try:
        catalog = con.execute("SELECT current_database()").fetchone()[0]
        containment.check_workspace(con, path, catalog=catalog, read_only=read_only, **schema.expected())
        store = Store(con, path, read_only)
        if not read_only:
            schema.create(con)
            containment.check_columns(con, path=path, catalog=catalog, **schema.expected())
        else:
            schema.read_as_current(store)
        store.execute("metrics.prepare")  # the macros that hold the metric definitions (this connection only)
    except BaseException:
        con.close()
        raise
    return store


def attach_read_only(path: str | Path) -> Store:
    """An in-memory workspace with the workspace file ``path`` attached read-only as the catalog ``workspace``.

    The file is checked as :func:`open` checks it; the in-memory workspace has the canonical
    (empty) tables, so that whatever a caller computes can be saved there and never in the file.
    """
    path = str(path)
    open(path, read_only=True).close()  # the path, the file's objects and columns; a clear error if wrong
    try:
        con = _connect(":memory:", read_only=False, attach=str(Path(path).resolve()))
    except duckdb.Error as error:
        text = str(error).splitlines()[0]
        if "lock" in text.lower():
            raise WorkspaceBusyError(_busy_message(path, error, read_only=True)) from None
        raise WorkspaceError(f"cannot open workspace {path}: {text}") from None
    try:
        containment.check_objects(con, catalog="workspace", path=path)  # the file as attached, not as it was
        schema.create(con)
        store = Store(con, path, False)
        store.execute("metrics.prepare")  # the macros that hold the metric definitions (this connection only)
    except BaseException:
        con.close()
        raise
    return store
