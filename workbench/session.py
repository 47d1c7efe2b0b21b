"""What a notebook needs after its parameters cell, in one call.

``s = session.start(db_path=db_path, ...)`` opens the workspace read-only (or,
with ``db_path`` empty, loads ``export_path`` or the bundled sample into an
in-memory workspace), makes charts render offline, and sets up
pseudonymisation. The session then hands out the interaction graph, a
partition and role scores, computed once in memory and never saved: a
notebook never writes to the workspace. With ``pseudonymize=True`` the
session's workspace holds pseudonymised data only (:func:`pseudonymised`),
so everything computed from it is pseudonymised before it is displayed;
:meth:`Session.table` / :meth:`Session.show` check once more on the way out.

Examples
--------
>>> from workbench import session
>>> session.PARAMETERS["kinds"]
['reply', 'mention', 'share', 'quote', 'comment']
"""

from __future__ import annotations

import contextlib
import functools
from pathlib import Path
from typing import Any, Iterator, Sequence

import pandas as pd

from workbench import privacy as privacy_module
from workbench import snapshot, sql, tables, viz
from workbench.checks import DEFAULT_KINDS, check_kinds, check_period, check_window, choose_period
from workbench.focal import SAMPLE_FOCAL

__all__ = ["Session", "start", "share", "pseudonymised", "PARAMETERS", "SAMPLE_FOCAL", "LARGE_GRAPH_EDGES"]

#: Above this many edges, the exploratory sweeps (resolution, stability) run Leiden for two iterations
#: instead of to convergence: 17x faster on SNAP Higgs (461k edges) for a modularity 0.002 lower.
LARGE_GRAPH_EDGES = 100_000

#: The parameters every notebook declares in its cell tagged ``parameters``, with their defaults: the one
#: definition (each notebook's cell repeats these literals for papermill; tests/test_notebooks.py keeps them equal).
PARAMETERS: dict[str, Any] = {
    "db_path": "", "export_path": "", "kinds": list(DEFAULT_KINDS), "since": "", "until": "",
    "method": "leiden", "resolution": 1.0, "seed": 0, "focal_accounts": [], "pseudonymize": False,
    "period": "auto", "max_edges": None,
}


class Session:
    """An open workspace plus the notebook's parameters. Create one with :func:`start`."""

    def __init__(self, store: Any, *, origin: str, kinds: Sequence[str], since: Any, until: Any, method: str,
                 resolution: float, seed: int, focal_accounts: Sequence[str], privacy: Any,
                 period: str = "auto", pseudonymize: bool = False, max_edges: int | None = None):
        self.store = store
        self.origin = origin
        self.kinds = list(kinds)
        self.since, self.until = check_window(since, until)
        self.method = method
        self.resolution = float(resolution)
        self.seed = int(seed)
        self.focal_accounts = list(focal_accounts)
        self.privacy = privacy
        self.period_choice = period if period == "auto" else check_period(period)
        self.pseudonymize = bool(pseudonymize)
        self.max_edges = None if max_edges is None else int(max_edges)
        self.shared: snapshot.Shared | None = None  # the analysis a report computed once, when it matches

    # -- queries ------------------------------------------------------------------------------
    def query(self, name: str, **params: Any) -> pd.DataFrame:
        """A named query; ``kinds``, ``since`` and ``until`` are filled from the parameters when it takes them."""
        wanted = sql.get(name).params
        defaults = {"kinds": self.kinds, "since": self.since, "until": self.until}
        for key, value in defaults.items():
            if key in wanted and key not in params:
                params[key] = value
        return self.store.query(name, **params)

    @contextlib.contextmanager
    def registered(self, name: str, frame: pd.DataFrame) -> Iterator[None]:
        """Make ``frame`` visible to SQL as ``name`` (e.g. ``partition_frame``) for the block."""
        self.store.con.register(name, frame)
        try:
            yield
        finally:
            self.store.con.unregister(name)

    # -- analysis, computed once and kept in memory ----------------------------------------------
    @functools.cached_property
    def graph(self) -> Any:
        """The interaction graph of the chosen kinds and time window (igraph)."""
        from workbench import graphs

        return graphs.graph(self.store, kinds=tuple(self.kinds), since=self.since, until=self.until)

    @functools.cached_property
    def partition(self) -> Any:
        """Communities of :attr:`graph` with the chosen method, resolution and seed (not saved).

        In a report, the partition the report computed once for all its notebooks.
        """
        from workbench import communities

        if self.shared is not None:
            return self.shared.partition()
        return communities.detect(self.graph, method=self.method, resolution=self.resolution, seed=self.seed,
                                  max_edges=self.max_edges)

    @functools.cached_property
    def memberships(self) -> pd.DataFrame:
        """``account_id``, ``community`` of :attr:`partition`."""
        return self.partition.to_frame()[["account_id", "community"]]

    @functools.cached_property
    def run_id(self) -> int:
        """:attr:`partition` saved as a community run of the in-memory overlay (never of the file)."""
        return self.store.save_partition(self.memberships, method=self.method,
                                         params={"resolution": self.resolution, "seed": self.seed},
                                         graph_spec={"kinds": self.kinds, "since": str(self.since or ""),
                                                     "until": str(self.until or "")},
                                         modularity=getattr(self.partition, "modularity", None))

    @functools.cached_property
    def scores(self) -> pd.DataFrame:
        """Role scores of every account with the session's communities (``roles.score(..., save=False)``)."""
        from workbench import roles

        if self.shared is not None:
            return self.shared.scores.copy()
        frame = roles.score(self.store, run_id=self.run_id, kinds=tuple(self.kinds), since=self.since,
                            until=self.until, focal=self.focal_accounts or None, save=False, seed=self.seed)
        if "handle" not in frame.columns:
            handles = self.store.sql("SELECT account_id, coalesce(handle, account_id) AS handle FROM accounts").df()
            frame = frame.merge(handles, on="account_id", how="left")
        return frame

    def shared_key(self) -> dict[str, Any]:
        """The parameters that decide graph, partition and scores (see :mod:`workbench.snapshot`)."""
        return snapshot.shared_key(kinds=self.kinds, since=self.since, until=self.until, method=self.method,
                                   resolution=self.resolution, seed=self.seed, focal=self.focal_accounts,
                                   pseudonymize=self.pseudonymize, max_edges=self.max_edges)

    # -- time ---------------------------------------------------------------------------------
    @functools.cached_property
    def span(self) -> tuple[Any, Any]:
        """First and last time of a collected post or an interaction in the window (UTC), or (None, None)."""
        row = self.query("explore.span").iloc[0]
        first, last = row["first_at"], row["last_at"]
        if pd.isna(first) or pd.isna(last):
            return None, None
        return pd.Timestamp(first).tz_convert("UTC"), pd.Timestamp(last).tz_convert("UTC")

    @functools.cached_property
    def period(self) -> str:
        """The period of every chart: the parameter, or with ``auto`` the coarsest giving five periods of the span."""
        if self.period_choice != "auto":
            return self.period_choice
        return choose_period(*self.span)

    @property
    def periods(self) -> list[str]:
        """The periods a panel offers: the chosen one first, then day, week and month."""
        return [self.period, *(p for p in ("day", "week", "month") if p != self.period)]

    def focal_or_explain(self) -> list[str]:
        """The focal accounts' ids; with none set, print one line saying how to set them."""
        from workbench.focal import HOW_TO_SET

        if not self.focal:
            print(HOW_TO_SET)
        return self.focal

    def mark_partial(self, frame: pd.DataFrame, *, period: str | None = None, column: str = "period") -> pd.DataFrame:
        """``frame`` with a ``partial`` column: True where the period is cut by the start or end of the data.

        The first period is partial when the data starts after it starts (a weekly chart of an
        export that begins on a Thursday), the last when the data ends before it ends; a
        partial period's counts are not comparable with full ones.
        """
        from workbench.checks import period_length

        period = period or self.period
        frame = frame.copy()
        first, last = self.span
        if column not in frame.columns or first is None or not len(frame):
            frame["partial"] = False
            return frame
        starts = pd.to_datetime(frame[column])
        starts = starts.dt.tz_localize("UTC") if starts.dt.tz is None else starts.dt.tz_convert("UTC")
        ends = starts + pd.DateOffset(months=1) if period == "month" else starts + period_length(period)
        frame["partial"] = ((starts < first) | (ends > last + pd.Timedelta(seconds=1))).to_numpy()
        return frame

    def has(self, frame: pd.DataFrame, needs: str) -> bool:
        """True when ``frame`` has rows; otherwise print one line saying what the section needs, and False."""
        if len(frame):
            return True
        print(f"Not shown: {needs}")
        return False

    def exploration_options(self) -> dict[str, Any]:
        """Options for the exploratory sweeps of :attr:`graph`: two Leiden iterations on large graphs."""
        if self.method == "leiden" and self.graph.ecount() > LARGE_GRAPH_EDGES:
            return {"iterations": 2}
        return {}

    def largest_communities(self, count: int = 6) -> list[int]:
        """Ids of the ``count`` largest communities of :attr:`partition`, largest first."""
        sizes = self.memberships["community"].value_counts(sort=True)
        return [int(c) for c in sizes.index[:count]]

    def summary(self) -> pd.DataFrame:
        """Rows per data table of the workspace, and where it came from."""
        counts = {table: rows for table, rows in self.store.counts().items() if table in DATA_TABLES}
        frame = pd.DataFrame({"what": ["workspace", *counts],
                              "value": [self.privacy.text(self.origin), *(f"{v:,}" for v in counts.values())]})
        if self.shared is not None:
            shared = pd.DataFrame({"what": ["communities and scores"],
                                   "value": ["computed once by the report for all its notebooks"]})
            frame = pd.concat([frame, shared], ignore_index=True)
        return frame

    @functools.cached_property
    def focal(self) -> list[str]:
        """Account ids of the focal accounts: the parameter, else those flagged in the workspace."""
        from workbench.roles import window

        return window.resolve_focal(self.store, self.focal_accounts or None)

    # -- display ------------------------------------------------------------------------------
    def table(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` as it may be shown: pseudonymised when the notebook says so."""
        return self.privacy.frame(frame)

    def show(self, frame: pd.DataFrame, *, rows: int = 20) -> None:
        """Display the first ``rows`` rows of ``frame``, pseudonymised when asked, as a scrolling HTML table.

        No index column (the row numbers mean nothing); wide tables scroll sideways instead of
        being cut off; numbers are right-aligned with thousands separators.
        """
        from IPython.display import display

        shown = self.table(frame.head(rows))
        display(tables.table(shown, total=len(frame)))

    def parameters(self) -> dict[str, Any]:
        """The parameters as they may be shown (focal accounts pseudonymised when asked)."""
        return self.privacy.params({
            "origin": self.origin, "kinds": self.kinds, "since": str(self.since or ""), "until": str(self.until or ""),
            "method": self.method, "resolution": self.resolution, "seed": self.seed,
            "focal_accounts": self.focal_accounts, "period": self.period, "max_edges": self.max_edges})

    def close(self) -> None:
        self.store.close()


# The tables an export fills; the analysis tables (community runs, memberships, scores) stay
# writable in memory so that a notebook's own runs can be saved where nobody else sees them.
DATA_TABLES = ("accounts", "posts", "interactions", "loads", "rejects")


def overlay(db_path: str | Path) -> Any:
    """An in-memory workspace that reads the data tables of ``db_path`` without ever writing to it.

    The file is checked and attached read-only (:func:`workbench.store.attach_read_only`: external
    access closes once it is attached) and its data tables are views; community runs,
    memberships and scores start empty and live in memory, so analysis functions that
    take a ``run_id`` work on the notebook's own, unsaved, runs.
    """
    from workbench import store as store_module

    store = store_module.attach_read_only(db_path)
    store.execute("workspace.overlay_views")  # one view per name in DATA_TABLES
    if store.scalar("SELECT count(*) FROM information_schema.tables WHERE table_catalog = 'workspace' "
                    "AND table_name = 'campaigns'"):
        store.execute("workspace.overlay_campaigns")  # the decision log, read-only (older workspaces have none)
    if bool(store.query("workspace.overlay_has_attributes")["present"].iloc[0]):
        store.execute("workspace.overlay_attributes")  # ground truth and node attributes, read-only too
    if bool(store.query("workspace.overlay_has_post_entities")["present"].iloc[0]):
        store.execute("workspace.overlay_post_entities")  # links and hashtags of the posts
    return store


# -- pseudonymisation: the data, not the pages ---------------------------------------------------
def pseudonymised(store: Any, *, focal: Sequence[str] = (), origin: str = "",
                  names: Sequence[str] = ()) -> tuple[Any, Any, list[str], str]:
    """``store``'s data, pseudonymised in memory, before anything is computed or displayed.

    Every identifier is replaced at the source (:func:`workbench.privacy.pseudonymise`): the
    graph, communities, scores, metrics and every table, chart and message of the notebook come
    from pseudonymised data, so nothing raw can reach a page. ``store`` is closed; the focal
    accounts (handles or ids) are resolved against the raw data and come back as pseudonymised
    ids; ``origin`` comes back with the file names in ``names`` and those of the loads replaced.

    Returns
    -------
    tuple
        ``(pseudonymised store, what the session shows with (a :class:`workbench.privacy.Pseudonymised`),
        focal account ids, origin)``.
    """
    import workbench as wb
    from workbench.roles.window import resolve_focal

    pseudonymizer = privacy_module.Pseudonymizer.from_store(store)
    focal_ids = resolve_focal(store, list(focal)) if focal else []
    for name in names:
        pseudonymizer.file_name(name)
    target = wb.open(":memory:")
    try:
        privacy_module.pseudonymise(store, target, pseudonymizer)
    except BaseException:
        target.close()
        raise
    target.path = store.path  # where a report's shared analysis lies beside the workspace (never shown)
    store.close()
    shown = privacy_module.Pseudonymised(pseudonymizer)
    return target, shown, [pseudonymizer.qualified(account) for account in focal_ids], shown.file_names_in(origin)


def start(*, db_path: str = "", export_path: str = "", kinds: Sequence[str] = DEFAULT_KINDS,
          since: Any = "", until: Any = "", method: str = "leiden", resolution: float = 1.0, seed: int = 0,
          focal_accounts: Sequence[str] = (), pseudonymize: bool = False, period: str = "auto",
          max_edges: int | None = None) -> Session:
    """Open the notebook's workspace and return a :class:`Session`.

    Parameters
    ----------
    db_path : str
        A workspace file, opened read-only. Empty: build an in-memory
        workspace from ``export_path``, or from the bundled sample.
    export_path : str
        An export to load into memory when ``db_path`` is empty.
    kinds, since, until
        The interactions that make the graph (empty ``since``/``until``: no bound).
    method, resolution, seed
        Community detection, as in :func:`workbench.communities.detect`.
    focal_accounts : list of str
        Handles or ids of the focal accounts; empty takes the accounts flagged
        in the workspace (the brand, for the bundled sample).
    pseudonymize : bool
        Work on pseudonymised data (see :func:`pseudonymised`; key from :func:`workbench.privacy.load_key`).
    period : str
        ``auto`` (the coarsest of month, week, day, hour, minute that gives five periods of the
        data's time span) or one of them.
    max_edges : int, optional
        Raise the size limit of walktrap (20,000 edges) or girvan_newman (1,000), as ``max_edges`` of
        :func:`workbench.communities.detect`; None keeps the limits.
    """
    import workbench as wb

    kinds = check_kinds(kinds)
    viz.enable_offline_renderer()
    focal = list(focal_accounts)
    if period != "auto":
        check_period(period)
    if db_path:
        store = overlay(db_path)
        origin = Path(db_path).name
    else:
        store = wb.open(":memory:")
        if export_path:
            path = Path(export_path)
            origin = f"export {path.name} (loaded in memory)"
        else:
            from workbench import datasets

            path = datasets.sample_path()
            origin = "bundled sample (loaded in memory)"
        wb.load(store, path, progress=False)
        if not export_path:
            from workbench import focal as focal_module

            focal_module.add(store, SAMPLE_FOCAL)  # the sample's brand, as `workbench demo` flags it
    privacy: Any = privacy_module.NoPseudonymizer()
    if pseudonymize:
        store, privacy, focal, origin = pseudonymised(store, focal=focal, origin=origin,
                                                      names=[Path(db_path).name] if db_path else [])
    session = Session(store, origin=origin, kinds=kinds, since=since, until=until, method=method,
                      resolution=resolution, seed=seed, focal_accounts=focal, privacy=privacy, period=period,
                      pseudonymize=pseudonymize, max_edges=max_edges)
    if db_path:
        session.shared = snapshot.read_shared(db_path, session.shared_key())
    return session


def share(session: Session) -> Path | None:
    """Compute the session's partition and scores and write them beside its workspace for other kernels.

    What a report does once before its notebooks run (:mod:`workbench.snapshot`). Returns
    the folder written, or None when the window holds no graph (each notebook then says so).
    """
    from workbench.errors import EmptyGraphError

    try:
        partition, scores = session.partition, session.scores
    except EmptyGraphError:
        return None
    return snapshot.write_shared(session.store.path, session.shared_key(), partition=partition, scores=scores)
