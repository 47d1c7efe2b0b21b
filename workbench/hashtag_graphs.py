"""Hashtag graphs: hashtag co-occurrence, and the two-mode graph of accounts and the hashtags they use.

Both come from ``post_entities`` (the export's own hashtag entities, see
:mod:`workbench.ingest.entities`), aggregated in DuckDB (``queries/graph/hashtags.sql``) and handed
to igraph as integer arrays, like :func:`workbench.graphs.graph`. They are ordinary workbench
graphs: vertices carry ``account_id`` (the stable id: an account's own, or ``hashtag:#tag``),
``name`` (the same), ``handle`` (the label: the account's handle or ``#tag``), ``kind``
(``account`` or ``hashtag``), ``uses`` and ``accounts``; edges carry ``weight``. So communities
(:func:`workbench.communities.detect`), the exports (:mod:`workbench.export`) and the network view
(:mod:`workbench.network_page`) take them as they take an interaction graph.

Posts are collected posts other than shares (a share repeats the original's hashtags).

Examples
--------
>>> import workbench as wb
>>> from workbench.roles._examples import tiny_store
>>> store = tiny_store()
>>> two = account_hashtag(store)
>>> two.vs["account_id"][:3], two.vs["handle"][:3], two.is_directed()
(['hashtag:#espresso', 'hashtag:#matcha', 'twitter:30000001'], ['#espresso', '#matcha', 'ana_brews'], False)
>>> cohashtag(store, empty_ok=True).ecount()  # no post of the tiny export has two hashtags
0
"""

from __future__ import annotations

from typing import Any

import igraph as ig
import numpy as np

from workbench import sql
from workbench.checks import TimeLike, check_window
from workbench.errors import EmptyGraphError, ParameterError
from workbench.graph_tables import from_arrays

__all__ = ["cohashtag", "account_hashtag", "HASHTAG_PREFIX", "GRAPHS"]

#: The id prefix of a hashtag vertex: ``hashtag:#cycling``.
HASHTAG_PREFIX = "hashtag:#"
#: The graphs of this module by the name ``workbench export --graph`` takes.
GRAPHS = ("hashtags", "accounts-hashtags")


def _build(store: Any, name: str, *, since: TimeLike, until: TimeLike, min_weight: int, empty_ok: bool,
           what: str) -> ig.Graph:
    if isinstance(min_weight, bool) or int(min_weight) < 1:
        raise ParameterError(f"min_weight must be a whole number >= 1; got {min_weight!r}")
    since_utc, until_utc = check_window(since, until)
    clash = store.sql("SELECT min(account_id) FROM accounts WHERE starts_with(account_id, $prefix)",
                      {"prefix": HASHTAG_PREFIX}).fetchone()[0]
    if clash is not None:
        raise ParameterError(f"account {clash!r} has an id of the form {HASHTAG_PREFIX}..., which names hashtag "
                             "vertices; load that export with another --platform name")
    store.execute("graph.hashtag_prepare")  # the table macros both queries share (temporary, this connection)
    query = sql.get(name)
    columns = store.sql(query.text, query.bind({"since": since_utc, "until": until_utc,
                                                 "min_weight": int(min_weight)})).fetchnumpy()
    edge_rows = ~np.ma.getmaskarray(columns["src"])
    vertex_rows = ~np.ma.getmaskarray(columns["vertex"])
    src = np.ma.getdata(columns["src"])[edge_rows].astype(np.int64)
    dst = np.ma.getdata(columns["dst"])[edge_rows].astype(np.int64)
    order = np.lexsort((dst, src))  # DuckDB aggregates in parallel: a fixed edge order for seeded algorithms
    graph = from_arrays(int(vertex_rows.sum()), src[order], dst[order], directed=False)
    if len(src):
        graph.es["weight"] = np.ma.getdata(columns["weight"])[edge_rows][order].astype(np.float64).tolist()
    position = np.argsort(np.ma.getdata(columns["vertex"])[vertex_rows])
    for attribute in ("account_id", "handle", "kind", "uses", "accounts"):
        values = np.ma.getdata(columns[attribute])[vertex_rows][position]
        graph.vs[attribute] = values.astype(np.int64).tolist() if attribute in ("uses", "accounts") else values.tolist()
    graph.vs["name"] = graph.vs["account_id"]
    graph.vs["type"] = [kind == "hashtag" for kind in graph.vs["kind"]]  # igraph's bipartite convention
    if graph.ecount() == 0 and not empty_ok:
        if not store.sql("SELECT count(*) FROM post_entities WHERE entity = 'hashtag'").fetchall()[0][0]:
            raise EmptyGraphError(f"no {what}: the workspace holds no hashtags (post_entities has none; load an "
                                  "export whose posts carry hashtags, such as twarc2, Twitter v1.1, Mastodon or "
                                  "Bluesky: edge lists and Reddit dumps have none)")
        raise EmptyGraphError(f"no {what}: no post{' in the chosen window' if since_utc or until_utc else ''} "
                              f"{'has two hashtags' if name.endswith('cohashtag') else 'has a hashtag'}"
                              f"{f' on {min_weight} or more posts' if min_weight > 1 else ''} "
                              "(hashtags come from post_entities: load an export whose posts carry them)")
    graph["graph_spec"] = {"graph": "hashtags" if name.endswith("cohashtag") else "accounts-hashtags",
                           "since": since_utc.isoformat() if since_utc else None,
                           "until": until_utc.isoformat() if until_utc else None, "min_weight": int(min_weight)}
    return graph


def cohashtag(store: Any, *, since: TimeLike = None, until: TimeLike = None, min_weight: int = 1,
              empty_ok: bool = False) -> ig.Graph:
    """Hashtags linked by the posts that use both (undirected; ``weight`` = such posts).

    Raises :class:`~workbench.errors.EmptyGraphError` when no post has two hashtags (unless ``empty_ok``).
    """
    return _build(store, "graph.cohashtag", since=since, until=until, min_weight=min_weight, empty_ok=empty_ok,
                  what="hashtag co-occurrence graph")


def account_hashtag(store: Any, *, since: TimeLike = None, until: TimeLike = None, min_weight: int = 1,
                    empty_ok: bool = False) -> ig.Graph:
    """Accounts linked to the hashtags they use (two-mode, undirected; ``weight`` = the account's posts with it).

    Vertex ``type`` is False for accounts and True for hashtags (igraph's bipartite convention).
    """
    return _build(store, "graph.account_hashtag", since=since, until=until, min_weight=min_weight,
                  empty_ok=empty_ok, what="account x hashtag graph")
