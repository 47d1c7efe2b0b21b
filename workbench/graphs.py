"""Interaction graphs from the store: igraph by default, networkx on request, with the same ids.

Interactions are aggregated in DuckDB (``queries/graph/edges.sql``) into one edge per account
pair whose weight is the number of interactions, and reach igraph as integer arrays of dense
vertex ids: account-id strings never cross into Python one edge at a time. Vertex ``i`` is the
``i``-th account in ``account_id`` order among the accounts at either end of a kept edge, so
the same workspace and options always give the same vertex ids.

Every graph remembers the options that built it (its *graph spec*, :func:`graph_spec`), so that
a community run saved from it can be cited and rebuilt.

Examples
--------
>>> import workbench as wb
>>> from workbench import graphs
>>> from workbench.datasets import tiny_interactions
>>> store = wb.open(":memory:")
>>> graphs.insert_interactions(store, tiny_interactions())
>>> g = graphs.graph(store)
>>> g.vcount(), g.ecount(), int(sum(g.es["weight"]))
(19, 30, 37)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd

from workbench import sql
from workbench.checks import DEFAULT_KINDS, TimeLike, check_kinds, check_window
from workbench.errors import EmptyGraphError, ParameterError
# The other graphs of a workspace: hashtag co-occurrence and account x hashtag (their own module).
from workbench.graph_tables import account_ids, edge_table, from_arrays, graph_spec, node_table, to_igraph, to_networkx
from workbench.hashtag_graphs import account_hashtag, cohashtag

__all__ = [
    "WEIGHTS", "BACKENDS", "EmptyGraphError",
    "graph", "graph_spec", "account_ids", "node_table", "edge_table", "to_networkx", "to_igraph",
    "from_arrays", "insert_interactions", "cohashtag", "account_hashtag", "GRAPHS", "build",
]

#: Edge weightings: the number of interactions, or none (an unweighted graph).
WEIGHTS = ("count", None)
#: Graph libraries a graph can be handed out in.
BACKENDS = ("igraph", "networkx")
#: The graphs of a workspace by name (``--graph`` of ``workbench communities`` and ``workbench export``).
GRAPHS = ("interactions", "hashtags", "accounts-hashtags")


def _check_options(kinds, since, until, directed, weight, min_weight, self_loops, backend) -> dict[str, Any]:
    if weight not in WEIGHTS:
        raise ParameterError(f"weight must be 'count' (interactions per pair) or None (unweighted); got {weight!r}")
    if backend not in BACKENDS:
        raise ParameterError(f"backend must be one of {', '.join(BACKENDS)}; got {backend!r}")
    if isinstance(min_weight, bool) or not isinstance(min_weight, (int, np.integer)) or min_weight < 1:
        raise ParameterError(f"min_weight must be a whole number of interactions >= 1; got {min_weight!r}")
    since_utc, until_utc = check_window(since, until)
    return {
        "kinds": list(check_kinds(kinds)),
        "since": since_utc.isoformat() if since_utc else None,
        "until": until_utc.isoformat() if until_utc else None,
        "directed": bool(directed),
        "weight": weight,
        "min_weight": int(min_weight),
        "self_loops": bool(self_loops),
    }


def graph(store, *, kinds: str | Iterable[str] = DEFAULT_KINDS, since: TimeLike = None, until: TimeLike = None,
          directed: bool = True, weight: str | None = "count", min_weight: int = 1, self_loops: bool = False,
          backend: str = "igraph", engine: str = "duckdb", parquet_dir: str | None = None,
          empty_ok: bool = False) -> Any:
    """The interaction graph of a workspace.

    One edge per account pair (per ordered pair when ``directed``), aggregated in DuckDB;
    ``source_id -> target_id`` is the direction of an interaction (who acts on whom).

    Parameters
    ----------
    store : workbench.store.Store
        The workspace.
    kinds : iterable of str or comma-separated str
        Interaction kinds to count (see :data:`INTERACTION_KINDS`).
    since, until : str, date, datetime or None
        Keep interactions with ``since <= created_at < until`` (UTC; naive values are UTC;
        None or ``""`` is an open bound). Interactions without a time are kept only when
        both bounds are open.
    directed : bool
        False merges the two directions of a pair into one edge whose weight is their sum.
    weight : {"count", None}
        ``"count"``: edge attribute ``weight`` = number of interactions (float); None: no weight.
    min_weight : int
        Drop edges with fewer interactions (after merging directions when undirected).
    self_loops : bool
        Keep interactions of an account with itself (dropped by default).
    backend : {"igraph", "networkx"}
        igraph: vertex ``i`` has ``account_id``, ``name`` (the same) and ``handle``
        (None when the account is not in ``accounts``). networkx: nodes keyed by
        ``account_id`` with attributes ``vertex`` (the igraph id), ``account_id`` and ``handle``.
    engine : {"duckdb", "spark"}
        Where interactions are aggregated into edges: DuckDB, or Spark over the Parquet tables of
        a Spark load (``parquet_dir``, default beside the workspace file); see
        :mod:`workbench.spark.graph`. The graph is the same.
    parquet_dir : str, optional
        The Parquet folder of a Spark load (``engine="spark"`` only).
    empty_ok : bool
        Return a graph without edges instead of raising :class:`~workbench.errors.EmptyGraphError`
        (for windows of a time series, some of which may be empty).

    Returns
    -------
    igraph.Graph or networkx.Graph / networkx.DiGraph
        Its options are in ``g["graph_spec"]`` (igraph) or ``g.graph["graph_spec"]`` (networkx).

    Examples
    --------
    >>> import workbench as wb
    >>> from workbench import graphs
    >>> from workbench.datasets import tiny_interactions
    >>> store = wb.open(":memory:")
    >>> graphs.insert_interactions(store, tiny_interactions())
    >>> g = graphs.graph(store, kinds=["share"], directed=False)
    >>> g.vcount(), g.ecount(), g.is_directed()
    (16, 15, False)
    >>> graphs.graph(store, backend="networkx").number_of_edges()
    30
    """
    spec = _check_options(kinds, since, until, directed, weight, min_weight, self_loops, backend)
    params = dict(kinds=spec["kinds"], since=check_window(since, until)[0], until=check_window(since, until)[1],
                  directed=spec["directed"], min_weight=spec["min_weight"], self_loops=spec["self_loops"])
    if engine == "spark":
        from workbench.spark import graph as spark_graph
        columns = spark_graph.edge_columns(store, params, parquet_dir=parquet_dir)
    elif engine == "duckdb":
        query = sql.get("graph.edges")
        columns = store.sql(query.text, query.bind(params)).fetchnumpy()
    else:
        raise ParameterError(f"engine must be 'duckdb' or 'spark'; got {engine!r}")
    built = _igraph_from_columns(columns, directed=spec["directed"], weighted=weight is not None)
    if built.ecount() == 0 and not empty_ok:
        raise EmptyGraphError(_empty_message(store, params))
    built["graph_spec"] = spec
    return built if backend == "igraph" else to_networkx(built)


def build(store, name: str = "interactions", *, kinds: str | Iterable[str] | None = None, since: TimeLike = None,
          until: TimeLike = None, **options: Any) -> ig.Graph:
    """The workspace graph ``name`` (:data:`GRAPHS`): :func:`graph`, :func:`cohashtag` or :func:`account_hashtag`.

    ``kinds`` (default :data:`DEFAULT_KINDS`) and the other ``options`` of :func:`graph` select interactions:
    with a hashtag graph (hashtags of posts in ``[since, until)``) they are an error, not silently ignored.

    >>> import workbench as wb
    >>> from workbench.roles._examples import tiny_store
    >>> build(tiny_store(), "accounts-hashtags")["graph_spec"]["graph"]
    'accounts-hashtags'
    """
    if name not in GRAPHS:
        raise ParameterError(f"unknown graph {name!r}; the graphs are {', '.join(GRAPHS)}")
    if name == "interactions":
        return graph(store, kinds=DEFAULT_KINDS if kinds is None else kinds, since=since, until=until, **options)
    unknown = sorted(set(options) - {"min_weight", "empty_ok"}) + (["kinds"] if kinds is not None else [])
    if unknown:
        raise ParameterError(f"the {name} graph is built from the hashtags of posts in [since, until); "
                             f"{', '.join(unknown)} select interactions and apply to the interaction graph only")
    return (cohashtag if name == "hashtags" else account_hashtag)(store, since=since, until=until, **options)


def _empty_message(store, params: dict[str, Any]) -> str:
    """Why a graph has no edge: the kinds asked for, and the kinds the workspace does hold."""
    held = store.query("graph.kinds_held", since=params["since"], until=params["until"])
    windowed = params["since"] is not None or params["until"] is not None
    asked = f"no interactions of kind {', '.join(params['kinds'])}"
    if windowed:
        asked += " in the chosen time window"
    if held.empty:
        return f"{asked}: {_no_interactions(store, params, windowed)}"
    column = "in_window" if windowed else "interactions"
    counts = ", ".join(f"{kind} {int(n):,}" for kind, n in zip(held["kind"], held[column]) if n)
    if params["min_weight"] > 1 and any(kind in params["kinds"] for kind in held["kind"]):
        return f"{asked} on pairs with at least {params['min_weight']} interactions; lower min_weight"
    return f"{asked}; the workspace holds {counts or 'none in that window'} (choose kinds among these)"


#: What gives a graph, per platform whose posts came without interactions between accounts.
_WHAT_GIVES_A_GRAPH = {
    "reddit": "load the comments on these submissions (Pushshift or Arctic Shift comments, RC_ files): each comment "
              "is an interaction with the author it answers",
}
_ANY_GRAPH = "load an export that records replies, mentions, shares, quotes or comments (or an edge list)"


def _no_interactions(store, params: dict[str, Any], windowed: bool) -> str:
    """Why a workspace without interactions between accounts has no graph, and what would give one."""
    posts_all = store.query("graph.posts_held", since=params["since"], until=params["until"])
    column, authors = ("in_window", "authors_in_window") if windowed else ("posts", "authors")
    posts = posts_all[posts_all[column] > 0]
    selves = int(store.query("graph.self_interactions")["self_interactions"].iloc[0])
    only_selves = (f"; it holds {selves:,} interactions of accounts with themselves, which graphs leave out"
                   if selves else "")
    if posts.empty and windowed and int(posts_all["posts"].sum()):
        return (f"the workspace holds no interactions between accounts{only_selves}, and none of its "
                f"{int(posts_all['posts'].sum()):,} posts in that window")
    if posts.empty:
        return f"the workspace holds no posts and no interactions between accounts{only_selves}; load an export first"
    held = ", ".join(f"{int(n):,} {platform} posts by {int(k):,} accounts"
                     for platform, n, k in zip(posts["platform"], posts[column], posts[authors]))
    hints = [_WHAT_GIVES_A_GRAPH[p] for p in posts["platform"] if p in _WHAT_GIVES_A_GRAPH]
    return (f"the workspace holds {held}{' in that window' if windowed else ''}, but no interactions between "
            f"accounts{only_selves}; posts alone make no graph: " + "; ".join(hints or [_ANY_GRAPH]))


def _present(column: np.ndarray) -> np.ndarray:
    """The rows of a fetched column that hold a value (DuckDB gives NULLs as a masked array)."""
    return ~np.ma.getmaskarray(column)


def _igraph_from_columns(columns: dict[str, np.ndarray], *, directed: bool, weighted: bool) -> ig.Graph:
    """igraph from the ``graph.edges`` result: edges (src, dst, weight) and vertices side by side."""
    edge_rows, vertex_rows = _present(columns["src"]), _present(columns["vertex"])
    src = np.ma.getdata(columns["src"])[edge_rows].astype(np.int64)
    dst = np.ma.getdata(columns["dst"])[edge_rows].astype(np.int64)
    # DuckDB aggregates in parallel, so rows come in no fixed order; igraph's results under a seed
    # depend on edge order, hence a sort by (src, dst)
    order = np.lexsort((dst, src))
    built = from_arrays(int(vertex_rows.sum()), src[order], dst[order], directed=directed)
    del src, dst
    if weighted and len(order):
        weights = np.ma.getdata(columns["weight"])[edge_rows][order]
        built.es["weight"] = weights.astype(np.float64).tolist()
    position = np.argsort(np.ma.getdata(columns["vertex"])[vertex_rows])
    ids = np.ma.getdata(columns["account_id"])[vertex_rows][position].tolist()
    handle = columns["handle"]
    handles = np.where(_present(handle), np.ma.getdata(handle), None)[vertex_rows][position].tolist()
    built.vs["account_id"] = ids
    built.vs["name"] = ids
    built.vs["handle"] = handles
    return built


def insert_interactions(store, interactions: pd.DataFrame, *, platform: str = "csv") -> None:
    """Append rows to the store's ``interactions`` table (for tests, doctests and workshops).

    ``interactions`` needs ``source_id``, ``target_id`` and ``kind``; ``post_id``,
    ``created_at`` and ``platform`` are optional (NULL, NULL and ``platform``). Accounts
    are not created: their handles stay NULL unless ``accounts`` has them.
    Real exports go through :func:`workbench.load`.

    >>> import workbench as wb
    >>> store = wb.open(":memory:")
    >>> insert_interactions(store, pd.DataFrame({"source_id": ["csv:a"], "target_id": ["csv:b"], "kind": ["reply"]}))
    >>> store.scalar("SELECT count(*) FROM interactions")
    1
    """
    missing = {"source_id", "target_id", "kind"} - set(interactions.columns)
    if missing:
        raise ParameterError(f"interactions need columns source_id, target_id and kind; missing {sorted(missing)}")
    frame = pd.DataFrame({
        "source_id": interactions["source_id"].astype(str),
        "target_id": interactions["target_id"].astype(str),
        "kind": interactions["kind"].astype(str),
        "post_id": interactions["post_id"].astype(str) if "post_id" in interactions else None,
        "created_at": (pd.to_datetime(interactions["created_at"], utc=True) if "created_at" in interactions
                       else pd.Series(pd.NaT, index=interactions.index, dtype="datetime64[us, UTC]")),
        "platform": interactions["platform"].astype(str) if "platform" in interactions else platform,
    })
    check_kinds(frame["kind"].unique().tolist() or ["reply"])
    store.con.register("_graph_new_interactions", frame)
    try:
        store.con.execute(
            "INSERT INTO interactions (source_id, target_id, kind, post_id, created_at, platform) "
            "SELECT source_id, target_id, kind, post_id, CAST(created_at AS TIMESTAMPTZ), platform "
            "FROM _graph_new_interactions")
    finally:
        store.con.unregister("_graph_new_interactions")
