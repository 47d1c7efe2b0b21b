"""Interaction graphs from the store (workbench/graphs.py, queries/graph/edges.sql).

Expected values come from small tables written out here and counted by hand, from the tiny
dataset's hand-stated counts (workbench/datasets/tiny.py) and, for random tables, from an
independent pandas aggregation.
"""

from __future__ import annotations

from collections import Counter

import igraph as ig
import networkx as nx
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import workbench as wb
from conftest import shared_file
from workbench import checks, graphs
from workbench.datasets import tiny_interactions
from workbench.errors import EmptyGraphError, ParameterError, WorkbenchError

# Eight interactions among four accounts, counted by hand below.
#   a -> b reply   2022-01-01        a -> b mention 2022-01-02     b -> a reply 2022-01-03
#   a -> a reply   2022-01-03 (self) c -> a share   2022-01-04     c -> a share 2022-01-05
#   d -> c like    2022-01-06        b -> c quote   2022-02-01
TOY = pd.DataFrame({
    "source_id": ["csv:a", "csv:a", "csv:b", "csv:a", "csv:c", "csv:c", "csv:d", "csv:b"],
    "target_id": ["csv:b", "csv:b", "csv:a", "csv:a", "csv:a", "csv:a", "csv:c", "csv:c"],
    "kind": ["reply", "mention", "reply", "reply", "share", "share", "like", "quote"],
    "created_at": pd.to_datetime(["2022-01-01", "2022-01-02", "2022-01-03", "2022-01-03", "2022-01-04",
                                  "2022-01-05", "2022-01-06", "2022-02-01"], utc=True),
})


@pytest.fixture
def toy(store):
    graphs.insert_interactions(store, TOY)
    store.con.execute("INSERT INTO accounts (account_id, platform, handle) VALUES "
                      "('csv:a', 'csv', 'alice'), ('csv:b', 'csv', 'bob')")
    return store


def weights_by_pair(g: ig.Graph) -> dict[tuple[str, str], float]:
    ids = g.vs["account_id"]
    weights = g.es["weight"] if "weight" in g.es.attributes() else [1.0] * g.ecount()
    return {(ids[s], ids[t]): w for (s, t), w in zip(g.get_edgelist(), weights)}


def test_default_graph_is_directed_counts_interactions_and_drops_self_loops(toy):
    g = wb_graph(toy)
    assert g.is_directed()
    # default kinds reply, mention, share, quote: the like d -> c is left out, so d is not a vertex
    assert g.vs["account_id"] == ["csv:a", "csv:b", "csv:c"]
    assert weights_by_pair(g) == {("csv:a", "csv:b"): 2.0, ("csv:b", "csv:a"): 1.0, ("csv:b", "csv:c"): 1.0,
                                  ("csv:c", "csv:a"): 2.0}
    assert g.vs["handle"] == ["alice", "bob", None]
    assert g.vs["name"] == g.vs["account_id"]
    assert graphs.graph_spec(g) == {"kinds": ["reply", "mention", "share", "quote", "comment"], "since": None,
                                          "until": None, "directed": True, "weight": "count", "min_weight": 1,
                                          "self_loops": False}


def wb_graph(store, **options):
    return graphs.graph(store, **options)


def test_undirected_graph_sums_both_directions(toy):
    g = wb_graph(toy, directed=False)
    assert not g.is_directed()
    assert weights_by_pair(g) == {("csv:a", "csv:b"): 3.0, ("csv:a", "csv:c"): 2.0, ("csv:b", "csv:c"): 1.0}


def test_kinds_self_loops_min_weight_and_unweighted(toy):
    g = wb_graph(toy, kinds=["reply"], self_loops=True)
    assert weights_by_pair(g) == {("csv:a", "csv:a"): 1.0, ("csv:a", "csv:b"): 1.0, ("csv:b", "csv:a"): 1.0}
    assert weights_by_pair(wb_graph(toy, kinds="like")) == {("csv:d", "csv:c"): 1.0}
    heavy = wb_graph(toy, min_weight=2)
    assert weights_by_pair(heavy) == {("csv:a", "csv:b"): 2.0, ("csv:c", "csv:a"): 2.0}
    # min_weight applies after the two directions are merged: a-b has 3, a-c 2, b-c 1
    assert set(weights_by_pair(wb_graph(toy, directed=False, min_weight=3))) == {("csv:a", "csv:b")}
    unweighted = wb_graph(toy, weight=None)
    assert "weight" not in unweighted.es.attributes() and unweighted.ecount() == 4


def test_time_window_is_half_open_and_utc(toy):
    g = wb_graph(toy, since="2022-01-03", until="2022-01-05")
    # 01-03 b -> a reply and 01-04 c -> a share; the a -> a self-loop of 01-03 is dropped; 01-05 excluded
    assert weights_by_pair(g) == {("csv:b", "csv:a"): 1.0, ("csv:c", "csv:a"): 1.0}
    # a bound with a time zone is converted: 2022-01-05T01:00+02:00 is 2022-01-04T23:00Z
    late = wb_graph(toy, since="2022-01-04", until="2022-01-05T01:00:00+02:00")
    assert weights_by_pair(late) == {("csv:c", "csv:a"): 1.0}
    assert graphs.graph_spec(late)["until"] == "2022-01-04T23:00:00+00:00"
    # empty strings (notebook parameters) are open bounds
    assert wb_graph(toy, since="", until="").ecount() == 4


def test_tiny_dataset_counts(store):
    """The tiny export: 39 interactions of the four default kinds, 2 of them self-interactions (tiny.py)."""
    graphs.insert_interactions(store, tiny_interactions())
    g = wb_graph(store)
    assert int(sum(g.es["weight"])) == 37
    assert g.vcount() == 19  # cafe_times receives a share and a quote; quinn_q only shares; 20 accounts in all
    with_loops = wb_graph(store, self_loops=True)
    assert int(sum(with_loops.es["weight"])) == 39
    shares = wb_graph(store, kinds=["share"])
    assert int(sum(shares.es["weight"])) == 15
    # received interactions by handle, self included (tiny.py's table): ana_brews 12, hal_tea 10
    received = Counter()
    ids = with_loops.vs["account_id"]
    for (s, t), w in zip(with_loops.get_edgelist(), with_loops.es["weight"]):
        received[ids[t]] += w
    frame = tiny_interactions()
    assert sorted(received.values(), reverse=True)[:2] == [12, 10]
    assert received == Counter(frame["target_id"].value_counts().to_dict())


def test_networkx_backend_has_the_same_graph_and_ids(toy):
    g = wb_graph(toy)
    h = wb_graph(toy, backend="networkx")
    assert isinstance(h, nx.DiGraph)
    assert list(h.nodes) == g.vs["account_id"]
    assert [h.nodes[a]["vertex"] for a in h.nodes] == list(range(g.vcount()))
    assert {(s, t): d["weight"] for s, t, d in h.edges(data=True)} == weights_by_pair(g)
    assert h.nodes["csv:a"]["handle"] == "alice"
    assert h.graph["graph_spec"] == graphs.graph_spec(g)
    back = graphs.to_igraph(h)
    assert back.vs["account_id"] == g.vs["account_id"] and weights_by_pair(back) == weights_by_pair(g)
    assert isinstance(wb_graph(toy, directed=False, backend="networkx"), nx.Graph)


def test_node_and_edge_tables(toy):
    g = wb_graph(toy)
    nodes = graphs.node_table(g)
    assert nodes[["vertex", "account_id"]].to_dict("list") == {"vertex": [0, 1, 2],
                                                              "account_id": ["csv:a", "csv:b", "csv:c"]}
    assert nodes["handle"].tolist()[:2] == ["alice", "bob"] and pd.isna(nodes["handle"].iloc[2])
    edges = graphs.edge_table(g)
    assert edges[["source_id", "target_id", "weight"]].values.tolist() == [
        ["csv:a", "csv:b", 2.0], ["csv:b", "csv:a", 1.0], ["csv:b", "csv:c", 1.0], ["csv:c", "csv:a", 2.0]]


def test_empty_workspace_gives_an_empty_graph_only_when_asked(store):
    with pytest.raises(EmptyGraphError, match="the workspace holds no posts and no interactions between accounts; load an export first$"):
        wb_graph(store)
    g = wb_graph(store, empty_ok=True)
    assert (g.vcount(), g.ecount()) == (0, 0)
    assert wb_graph(store, backend="networkx", empty_ok=True).number_of_nodes() == 0


def test_an_empty_graph_names_the_kinds_the_workspace_holds(toy):
    with pytest.raises(EmptyGraphError) as error:
        wb_graph(toy, kinds=["follow"])
    assert str(error.value) == ("no interactions of kind follow; the workspace holds reply 2, share 2, like 1, "
                                "mention 1, quote 1 (choose kinds among these)")
    with pytest.raises(EmptyGraphError, match="in the chosen time window; the workspace holds none in that window"):
        wb_graph(toy, since="2023-01-01")
    with pytest.raises(EmptyGraphError, match="at least 3 interactions; lower min_weight"):
        wb_graph(toy, min_weight=3)


def test_comment_is_a_default_kind_so_reddit_has_a_graph(store):
    graphs.insert_interactions(store, pd.DataFrame({"source_id": ["reddit:a", "reddit:b"],
                                                    "target_id": ["reddit:b", "reddit:c"], "kind": ["comment"] * 2}))
    assert "comment" in checks.DEFAULT_KINDS
    assert wb_graph(store).ecount() == 2


def test_vertex_ids_do_not_depend_on_insertion_order(store):
    graphs.insert_interactions(store, TOY.iloc[::-1])
    g = wb_graph(store)
    assert g.vs["account_id"] == ["csv:a", "csv:b", "csv:c"]
    assert [tuple(e) for e in g.get_edgelist()] == [(0, 1), (1, 0), (1, 2), (2, 0)]


@pytest.mark.parametrize("options, message", [
    ({"kinds": ["reply", "retweet"]}, "unknown interaction kind(s) 'retweet'; kinds must be some of reply, mention"),
    ({"kinds": []}, "no interaction kinds given"),
    ({"weight": "sum"}, "weight must be 'count'"),
    ({"backend": "graph-tool"}, "backend must be one of igraph, networkx"),
    ({"min_weight": 0}, "min_weight must be a whole number"),
    ({"since": "last tuesday"}, "since must be a date or timestamp"),
    ({"since": "2022-02-01", "until": "2022-01-01"}, "since (2022-02-01T00:00:00+00:00) must be before until"),
])
def test_bad_options_are_clear_errors(toy, options, message):
    with pytest.raises(ParameterError) as raised:
        wb_graph(toy, **options)
    assert message in str(raised.value)
    assert isinstance(raised.value, (WorkbenchError, ValueError))


def test_check_kinds():
    assert checks.check_kinds("reply, share,reply") == ("reply", "share")
    assert checks.is_interaction_kind("comment") and not checks.is_interaction_kind(3)


def test_graph_works_on_a_read_only_workspace(tmp_path):
    path = tmp_path / "w.duckdb"
    with wb.open(path) as writable:
        graphs.insert_interactions(writable, TOY)
    with wb.open(path, read_only=True) as read_only:
        assert wb_graph(read_only).ecount() == 4


interaction_rows = st.lists(
    st.tuples(st.sampled_from("abcdef"), st.sampled_from("abcdef"),
              st.sampled_from(["reply", "mention", "share", "like"]), st.integers(0, 9)),
    min_size=0, max_size=40)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=interaction_rows, directed=st.booleans(), min_weight=st.integers(1, 3))
def test_weights_match_an_independent_pandas_count(rows, directed, min_weight):
    frame = pd.DataFrame(rows, columns=["source_id", "target_id", "kind", "day"])
    frame["created_at"] = pd.Timestamp("2022-01-01", tz="UTC") + pd.to_timedelta(frame["day"], unit="D")
    with wb.open(":memory:") as store:
        graphs.insert_interactions(store, frame.drop(columns="day"))
        g = wb_graph(store, kinds=["reply", "share"], since="2022-01-02", directed=directed, min_weight=min_weight,
                     empty_ok=True)
    picked = frame[frame["kind"].isin(["reply", "share"]) & (frame["day"] >= 1)
                   & (frame["source_id"] != frame["target_id"])]
    if directed:
        pairs = list(zip(picked["source_id"], picked["target_id"]))
    else:
        pairs = [tuple(sorted(p)) for p in zip(picked["source_id"], picked["target_id"])]
    expected = {p: float(c) for p, c in Counter(pairs).items() if c >= min_weight}
    assert weights_by_pair(g) == expected
    assert g.vs["account_id"] == sorted({a for p in expected for a in p})
    assert g.get_edgelist() == sorted(g.get_edgelist())  # edges come ordered by (source, target) vertex


def test_posts_without_interactions_say_so_and_what_would_give_a_graph(store):
    # three posts by two accounts and one self-mention: posts exist, so "load an export first" would mislead
    store.con.execute("INSERT INTO posts (post_id, platform, author_id, created_at, kind, collected) VALUES "
                      "('x:1', 'mastodon', 'x:a', TIMESTAMPTZ '2022-01-01 10:00:00+00', 'post', true), "
                      "('x:2', 'mastodon', 'x:a', TIMESTAMPTZ '2022-01-02 10:00:00+00', 'post', true), "
                      "('x:3', 'mastodon', 'x:b', TIMESTAMPTZ '2022-03-01 10:00:00+00', 'post', true), "
                      "('x:4', 'mastodon', 'x:c', TIMESTAMPTZ '2022-01-01 10:00:00+00', 'post', false)")
    graphs.insert_interactions(store, pd.DataFrame({"source_id": ["x:a"], "target_id": ["x:a"], "kind": ["mention"]}))
    with pytest.raises(EmptyGraphError) as error:
        wb_graph(store)
    assert str(error.value) == (
        "no interactions of kind reply, mention, share, quote, comment: the workspace holds 3 mastodon posts by "
        "2 accounts, but no interactions between accounts; it holds 1 interactions of accounts with themselves, "
        "which graphs leave out; posts alone make no graph: load an export that records replies, mentions, shares, "
        "quotes or comments (or an edge list)")
    with pytest.raises(EmptyGraphError, match="holds 2 mastodon posts by 1 accounts in that window, but no"):
        wb_graph(store, until="2022-02-01")
    with pytest.raises(EmptyGraphError, match="and none of its 3 posts in that window$"):
        wb_graph(store, since="2023-01-01")


def test_reddit_submissions_alone_ask_for_their_comments(store, shared_data):
    path = shared_file(shared_data, "reddit_pushshift_submissions_askwomen_2019_10", "RS_2019-10.zst")
    wb.load(store, path)
    with pytest.raises(EmptyGraphError) as error:
        wb_graph(store)
    # 8,271 submissions; 3,177 distinct authors of which [deleted] and AutoModerator are not accounts
    assert str(error.value).startswith(
        "no interactions of kind reply, mention, share, quote, comment: the workspace holds 8,271 reddit posts by "
        "3,175 accounts, but no interactions between accounts; posts alone make no graph: load the comments on "
        "these submissions (Pushshift or Arctic Shift comments, RC_ files)")
    assert "load an export first" not in str(error.value)
