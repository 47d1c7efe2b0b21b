"""Community detection, partitions, quality, comparison, stability, sweeps, tracking and saved runs.

Ground-truth accuracy on real networks is in test_communities_truth.py; here every expected
value is worked out by hand in the comments (or follows from a construction whose answer is
known, such as disjoint cliques).
"""

from __future__ import annotations

import random
from itertools import combinations

import igraph as ig
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench import communities
from workbench import graphs
from workbench.communities import Partition, compare, detect, quality, stability, sweep, track
from workbench.communities.detect import DIRECTED_METHODS
from workbench.communities.partition import renumber_by_size
from workbench.communities.stability import node_agreement
from workbench.communities.track import EVENTS
from workbench.datasets import karate, tiny_interactions
from workbench.errors import ParameterError


def named(g: ig.Graph, prefix: str = "v") -> ig.Graph:
    g.vs["account_id"] = [f"{prefix}:{i}" for i in range(g.vcount())]
    return g


def two_triangles(directed: bool = False) -> ig.Graph:
    """Triangles 0-1-2 and 3-4-5 joined by the edge 2-3 (unweighted)."""
    return named(ig.Graph([(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)], directed=directed))


def with_isolate() -> ig.Graph:
    """A directed 4-cycle, a reciprocated pair and a vertex without edges."""
    g = named(ig.Graph(n=7, edges=[(0, 1), (1, 2), (2, 3), (3, 0), (4, 5), (5, 4)], directed=True))
    g.es["weight"] = [1.0, 2.0, 1.0, 3.0, 1.0, 1.0]
    return g


@pytest.fixture(scope="module")
def tiny_graph():
    import workbench as wb

    with wb.open(":memory:") as store:
        graphs.insert_interactions(store, tiny_interactions())
        return graphs.graph(store)


def small_graphs(tiny_graph):
    return {
        "karate_weighted": karate(),
        "two_triangles": two_triangles(),
        "two_triangles_directed": two_triangles(directed=True),
        "with_isolate_directed": with_isolate(),
        "tiny_directed": tiny_graph,
        "tiny_networkx": graphs.to_networkx(tiny_graph),
    }


def assert_valid(partition: Partition, g) -> None:
    g = graphs.to_igraph(g)
    assert len(partition) == g.vcount()
    assert partition.account_ids.tolist() == g.vs["account_id"]
    labels = partition.membership
    assert labels.dtype == np.int64
    assert set(labels.tolist()) == set(range(partition.n_communities))
    sizes = partition.sizes.tolist()
    assert sizes == sorted(sizes, reverse=True) and sum(sizes) == g.vcount()
    frame = partition.to_frame()
    assert frame["account_id"].is_unique and len(frame) == g.vcount()


# -- the contract: every method on every small graph ----------------------------------------------
@pytest.mark.parametrize("method", communities.METHODS)
def test_every_method_gives_a_valid_deterministic_partition(method, tiny_graph):
    for name, g in small_graphs(tiny_graph).items():
        first = detect(g, method=method, seed=7)
        assert_valid(first, g)
        random.seed(12345)  # disturb igraph's default generator: the seed alone must decide
        random.random()
        again = detect(g, method=method, seed=7)
        assert np.array_equal(first.membership, again.membership), (method, name)
        assert first.method == method and first.params["seed"] == 7
        assert first.modularity == pytest.approx(again.modularity)
        if graphs.to_igraph(g).is_directed() and method not in DIRECTED_METHODS:
            assert first.params["symmetrised"] is True


@pytest.mark.parametrize("method", communities.METHODS)
def test_every_method_finds_disjoint_cliques(method):
    """Three disjoint 5-cliques: any sensible method returns exactly them."""
    g = named(ig.Graph.Full(5).disjoint_union(ig.Graph.Full(5)).disjoint_union(ig.Graph.Full(5)))
    p = detect(g, method=method, seed=0)
    assert p.sizes.tolist() == [5, 5, 5]
    assert p.membership.tolist() == [0] * 5 + [1] * 5 + [2] * 5  # equal sizes: numbered by first member


def test_empty_graph_gives_an_empty_partition():
    p = detect(ig.Graph(directed=True))
    assert len(p) == 0 and p.n_communities == 0 and p.sizes.tolist() == []


def test_seed_changes_a_randomised_result():
    g = karate()
    found = {tuple(detect(g, method="label_propagation", seed=s).membership) for s in range(6)}
    assert len(found) > 1


# -- methods in detail ------------------------------------------------------------------------------
def test_leiden_cpm_resolution_controls_granularity():
    g = karate()
    coarse = detect(g, objective="cpm", resolution=0.05, weights=None)
    fine = detect(g, objective="cpm", resolution=0.5, weights=None)
    assert coarse.n_communities < fine.n_communities
    assert coarse.params["objective"] == "cpm"


def test_directed_leiden_uses_directions_and_modularity_is_directed(tiny_graph):
    g = with_isolate()
    p = detect(g, method="leiden")
    assert "symmetrised" not in p.params
    assert p.modularity == pytest.approx(g.modularity(p.membership.tolist(), weights="weight", directed=True))
    # Leiden optimises directed (Leicht-Newman) modularity: it must do at least as well at it as walktrap on
    # the symmetrised graph (0.4127 on the tiny sample; python-igraph's directed defaults reached 0.405)
    walktrap = detect(tiny_graph, method="walktrap").modularity
    assert walktrap == pytest.approx(0.4127, abs=1e-4)
    assert all(detect(tiny_graph, seed=s).modularity >= walktrap - 1e-9 for s in range(5))


def test_symmetrise_sums_weights_and_counts_reciprocated_ties_twice():
    g = with_isolate()
    u = communities.symmetrise(g)
    pairs = {tuple(sorted(e)): w for e, w in zip(u.get_edgelist(), u.es["weight"])}
    assert pairs == {(0, 1): 1.0, (1, 2): 2.0, (2, 3): 1.0, (0, 3): 3.0, (4, 5): 2.0}
    plain = named(ig.Graph([(0, 1), (1, 0), (1, 2)], directed=True))
    assert sorted(communities.symmetrise(plain).es["weight"]) == [1.0, 2.0]


def test_dendrogram_methods_cut_at_a_given_number():
    g = karate()
    for method in ("walktrap", "greedy_modularity", "girvan_newman"):
        assert detect(g, method=method, n_communities=2).n_communities == 2
    with pytest.raises(ParameterError, match="n_communities cuts a dendrogram"):
        detect(g, method="leiden", n_communities=2)


def test_girvan_newman_refuses_big_graphs_and_says_the_limit():
    big = named(ig.Graph.Erdos_Renyi(n=300, m=1200))
    with pytest.raises(ParameterError) as raised:
        detect(big, method="girvan_newman")
    message = str(raised.value)
    assert "1,200 edges" in message and "the limit is 1,000" in message and "leiden" in message


def test_walktrap_refuses_big_graphs_before_working_and_names_the_flag():
    """Issue 14.10: walktrap on 87,000 edges took 4:52 and 4.8 GB; now it is refused at once above 20,000."""
    big = named(ig.Graph.Erdos_Renyi(n=8_000, m=20_001))
    with pytest.raises(ParameterError) as raised:
        detect(big, method="walktrap")
    message = str(raised.value)
    assert "this graph has 20,001 edges, the limit is 20,000" in message
    assert "--max-edges 20001" in message and "max_edges=20001" in message
    assert communities.MAX_EDGES == {"girvan_newman": 1_000, "walktrap": 20_000}
    # the limit counts the symmetrised graph's edges: karate's 78 ties in both directions are 78 edges
    both = karate().as_directed(mode="mutual")
    assert both.ecount() == 156
    with pytest.raises(ParameterError, match="this graph has 78 edges, the limit is 77"):
        detect(both, method="walktrap", max_edges=77, weights=None)
    allowed = detect(both, method="walktrap", max_edges=78, weights=None)
    assert allowed.sizes.tolist() == [9, 9, 7, 5, 4]  # as karate's walktrap: the limit only guards
    assert allowed.params["symmetrised"] is True
    # other methods have no limit; a bad limit is a clear error
    assert detect(big, method="louvain", max_edges=10).n_communities > 1
    with pytest.raises(ParameterError, match="max_edges must be a count of edges >= 0; got -1"):
        detect(karate(), method="walktrap", max_edges=-1)


@pytest.mark.parametrize("options, message", [
    ({"method": "spectral"}, "unknown community method 'spectral'; methods are leiden, louvain"),
    ({"method": "walktrap", "resolution": 2.0}, "walktrap has no resolution parameter"),
    ({"method": "louvain", "objective": "cpm"}, "objective 'cpm' is Leiden's"),
    ({"objective": "surprise"}, "objective must be one of modularity, cpm"),
    ({"resolution": 0}, "resolution must be positive"),
    ({"weights": "strength"}, "the graph has no edge attribute 'strength'"),
    ({"iterations": 0}, "iterations must be a whole number of at least 1, or None"),
    ({"iterations": 2.5}, "iterations must be a whole number of at least 1, or None"),
    ({"method": "louvain", "iterations": 2}, "iterations are Leiden's; louvain runs its own course"),
])
def test_bad_detect_options(options, message):
    with pytest.raises(ParameterError) as raised:
        detect(karate(), **options)
    assert message in str(raised.value)


def test_leiden_iterations_one_two_and_converged():
    """Converged (the default) never ends below a fixed number of iterations of the same seed: each
    further iteration only moves a vertex when modularity rises."""
    random.seed(1)  # igraph draws the block model from Python's generator
    sizes = [40] * 25
    graph = named(ig.Graph.SBM(pref_matrix=[[0.25 if i == j else 0.004 for j in range(25)] for i in range(25)],
                               block_sizes=sizes))
    one, two, converged = (detect(graph, seed=3, iterations=n) for n in (1, 2, None))
    assert one.params["iterations"] == 1 and converged.params["iterations"] is None
    assert one.modularity <= two.modularity + 1e-12 <= converged.modularity + 2e-12
    assert converged.modularity > 0.5


def test_unweighted_graph_and_weights_none_agree():
    g = karate()
    unweighted = g.copy()
    del unweighted.es["weight"]
    a = detect(g, method="greedy_modularity", weights=None)
    b = detect(unweighted, method="greedy_modularity")
    assert np.array_equal(a.membership, b.membership) and a.params["weights"] is None


# -- the Partition -----------------------------------------------------------------------------------
def test_partition_reading():
    p = Partition.from_membership(["a", "b", "c", "d", "e"], ["x", "y", "y", "z", "y"], method="manual")
    assert p.membership.tolist() == [1, 0, 0, 2, 0]  # y (3 members) is 0; x and z tie, x comes first
    assert p["d"] == 2 and "e" in p and "q" not in p
    assert p.sizes.to_dict() == {0: 3, 1: 1, 2: 1}
    assert p.members(0) == ["b", "c", "e"]
    assert p.as_series().to_dict() == {"a": 1, "b": 0, "c": 0, "d": 2, "e": 0}
    assert "3 communities" in repr(p)
    with pytest.raises(KeyError, match="'q' is not in this partition"):
        p["q"]
    with pytest.raises(ParameterError, match="duplicates"):
        Partition.from_membership(["a", "a"], [0, 1])
    with pytest.raises(ParameterError, match="one community per account"):
        Partition.from_membership(["a", "b"], [0])
    with pytest.raises(ParameterError, match="labels are missing"):
        Partition.from_membership(["a", "b"], [0, None])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=1, max_size=30))
def test_renumbering_keeps_co_membership_and_orders_by_size(labels):
    new = renumber_by_size(labels)
    for i, j in combinations(range(len(labels)), 2):
        assert (labels[i] == labels[j]) == (new[i] == new[j])
    sizes = np.bincount(new)
    assert sizes.tolist() == sorted(sizes.tolist(), reverse=True) and (sizes > 0).all()


# -- quality -----------------------------------------------------------------------------------------
def test_quality_of_two_triangles_by_hand():
    g = two_triangles()
    p = Partition.from_membership(g.vs["account_id"], [0, 0, 0, 1, 1, 1])
    q = quality(g, p)
    # m = 7 edges, 6 inside: coverage 6/7. Pairs: 15; 6 inside (all joined) + 9 across (1 joined):
    # performance (6 + 8) / 15. Modularity 2 * (3/7 - (7/14)^2) = 5/14.
    assert q.coverage == pytest.approx(6 / 7)
    assert q.performance == pytest.approx(14 / 15)
    assert q.modularity == pytest.approx(5 / 14)
    table = q.communities
    assert table["size"].tolist() == [3, 3]
    assert table["internal_edges"].tolist() == [3, 3]
    assert table["internal_density"].tolist() == [1.0, 1.0]
    # volume 2 + 2 + 3 = 7 on each side, cut 1: conductance 1/7
    assert table["volume"].tolist() == [7.0, 7.0] and table["cut_weight"].tolist() == [1.0, 1.0]
    assert table["conductance"].tolist() == pytest.approx([1 / 7, 1 / 7])
    assert table["top_accounts"].tolist() == [["v:0", "v:1", "v:2"], ["v:3", "v:4", "v:5"]]
    assert quality(g, p, top=1).communities["top_accounts"].tolist() == [["v:0"], ["v:3"]]


def test_quality_weighted_directed_and_top_accounts():
    g = two_triangles(directed=True)
    g.es["weight"] = [1.0, 1.0, 1.0, 5.0, 1.0, 1.0, 2.0]  # 3 -> 4 weighs 5; the bridge 2 -> 3 weighs 2
    p = Partition.from_membership(g.vs["account_id"], [0, 0, 0, 1, 1, 1])
    q = quality(g, p)
    assert q.coverage == pytest.approx(10 / 12)
    # internal weighted degrees on the right: v3 = 5 + 1, v4 = 5 + 1, v5 = 1 + 1
    assert q.communities["top_accounts"].tolist()[1] == ["v:3", "v:4", "v:5"]
    # volumes: left 2 + 2 + 4 = 8, right 8 + 6 + 2 = 16; cut 2: conductance 2 / min(8, 16) on both sides
    assert q.communities["volume"].tolist() == [8.0, 16.0]
    assert q.communities["conductance"].tolist() == pytest.approx([0.25, 0.25])
    assert q.modularity == pytest.approx(g.modularity([0, 0, 0, 1, 1, 1], weights="weight", directed=True))


def test_quality_singletons_and_missing_accounts():
    g = two_triangles()
    singles = Partition.from_membership(g.vs["account_id"], range(6))
    q = quality(g, singles)
    assert q.coverage == 0.0 and np.isnan(q.communities["internal_density"]).all()
    # 8 of the 15 pairs are not joined and correctly split
    assert q.performance == pytest.approx(8 / 15)
    partial = Partition.from_membership(["v:0", "v:1"], [0, 0])
    with pytest.raises(ParameterError, match="4 of the graph's 6 accounts are not in the partition"):
        quality(g, partial)


def test_quality_matches_networkx_partition_quality():
    import networkx as nx

    g = karate()
    p = detect(g, method="leiden")
    h = graphs.to_networkx(g)
    groups = [set(p.members(c)) for c in range(p.n_communities)]
    nx_coverage, nx_performance = nx.community.partition_quality(h, groups)
    q = quality(g, p, weights=None)
    assert q.coverage == pytest.approx(nx_coverage)
    assert q.performance == pytest.approx(nx_performance)
    assert quality(g, p).modularity == pytest.approx(nx.community.modularity(h, groups, weight="weight"))


# -- compare -----------------------------------------------------------------------------------------
def test_compare_by_hand():
    same = compare({"a": 0, "b": 0, "c": 1, "d": 1}, {"a": "x", "b": "x", "c": "y", "d": "y"})
    assert (same.nmi, same.ami, same.ari) == (1.0, 1.0, 1.0)
    # crossed halves: contingency all ones, mutual information 0; ARI = (0 - 2*2/6) / (2 - 2*2/6) = -1/2
    crossed = compare({"a": 0, "b": 0, "c": 1, "d": 1}, {"a": 0, "b": 1, "c": 0, "d": 1})
    assert crossed.nmi == pytest.approx(0.0, abs=1e-12) and crossed.ari == pytest.approx(-0.5)
    assert crossed.ami <= 0


def test_compare_uses_accounts_present_in_both():
    a = Partition.from_membership(["a", "b", "c", "d", "z"], [0, 0, 1, 1, 1])
    b = pd.DataFrame({"account_id": ["d", "c", "b", "a", "y", "x"], "community": [3, 3, 4, 4, 3, 5]})
    result = compare(a, b)
    assert (result.nmi, result.n_accounts, result.only_in_a, result.only_in_b) == (1.0, 4, 1, 2)
    with pytest.raises(ParameterError, match="no account in common"):
        compare({"a": 1}, {"b": 1})


# -- stability and sweeps ----------------------------------------------------------------------------
def test_node_agreement_by_hand():
    # vertex 2: {2, 3} against {0, 1, 2}: one shared of four -> 1/4
    assert node_agreement(np.array([0, 0, 1, 1]), np.array([0, 0, 0, 1])).tolist() == pytest.approx(
        [2 / 3, 2 / 3, 1 / 4, 1 / 2])


def test_stability_of_a_deterministic_method_is_one():
    s = stability(karate(), "greedy_modularity", seeds=[0, 1, 2])
    assert s.mean_nmi == pytest.approx(1.0)
    assert s.consensus["consensus"].tolist() == pytest.approx([1.0] * 34)
    assert s.pairwise[["seed_a", "seed_b"]].values.tolist() == [[0, 1], [0, 2], [1, 2]]


def test_stability_of_label_propagation_is_below_one_and_consensus_in_range():
    s = stability(karate(), "label_propagation", seeds=range(6))
    assert 0 < s.mean_nmi < 1
    assert s.consensus["consensus"].between(0, 1).all() and s.consensus["consensus"].min() < 1
    assert len(s.partitions) == 6 and s.reference in s.partitions
    with pytest.raises(ParameterError, match="seeds must differ"):
        stability(karate(), seeds=[1, 1])


def test_sweep_on_disjoint_cliques_and_karate():
    cliques = named(ig.Graph.Full(6).disjoint_union(ig.Graph.Full(6)))
    table = sweep(cliques, [0.5, 1.0])
    assert table["n_communities"].tolist() == [2, 2]
    assert table["stability"].tolist() == pytest.approx([1.0, 1.0])
    assert table["modularity"].tolist() == pytest.approx([0.5, 0.5])  # two equal halves: 2 * (1/2 - 1/4)
    karate_table = sweep(karate(), [0.25, 1.0, 3.0])
    assert karate_table["n_communities"].tolist()[0] < karate_table["n_communities"].tolist()[-1]
    assert list(karate_table.columns) == ["resolution", "n_communities", "modularity", "stability"]
    with pytest.raises(ParameterError, match="only leiden, louvain have"):
        sweep(karate(), [1.0], method="infomap")


# -- tracking over time ------------------------------------------------------------------------------
def clique(members: list[str], day: str) -> list[dict]:
    return [{"source_id": a, "target_id": b, "kind": "reply", "created_at": pd.Timestamp(day, tz="UTC")}
            for a, b in combinations(members, 2)]


def test_track_births_merges_growth_splits_and_deaths(store):
    a, b, c, d = ([f"csv:{x}{i}" for i in range(4)] for x in "abcd")
    c_grown = c + ["csv:c4", "csv:c5"]
    rows = (clique(a, "2024-01-02") + clique(b, "2024-01-02") + clique(c, "2024-01-03")          # week 1
            + clique(a + b, "2024-01-09") + clique(c_grown, "2024-01-10")                       # week 2
            + clique(a, "2024-01-16") + clique(b, "2024-01-16") + clique(d, "2024-01-17"))      # week 3
    graphs.insert_interactions(store, pd.DataFrame(rows))
    tracking = track(store, windows="week", directed=False, seed=0)
    assert tracking.windows["since"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-01", "2024-01-08", "2024-01-15"]
    assert tracking.windows["n_communities"].tolist() == [3, 2, 3]

    def members(window, community):
        return set(tracking.partitions[window].members(community))

    events = tracking.events
    by_window = {w: sorted(events.loc[events["window"] == w, "event"]) for w in range(3)}
    assert by_window == {0: ["birth", "birth", "birth"], 1: ["growth", "merge"], 2: ["birth", "death", "split"]}
    merge = events[events["event"] == "merge"].iloc[0]
    assert members(1, merge["communities"][0]) == set(a + b)
    assert {frozenset(members(0, c)) for c in merge["previous"]} == {frozenset(a), frozenset(b)}
    assert merge["jaccard"] == pytest.approx(0.5)  # 4 of 8
    growth = events[events["event"] == "growth"].iloc[0]
    assert (growth["size"], growth["previous_size"], growth["jaccard"]) == (6, 4, pytest.approx(4 / 6))
    split = events[events["event"] == "split"].iloc[0]
    assert {frozenset(members(2, c)) for c in split["communities"]} == {frozenset(a), frozenset(b)}
    death = events[events["event"] == "death"].iloc[0]
    assert members(1, death["previous"][0]) == set(c_grown)
    birth = events[(events["event"] == "birth") & (events["window"] == 2)].iloc[0]
    assert members(2, birth["communities"][0]) == set(d)
    # a high threshold matches nothing: every community dies and is born again
    strict = track(store, windows="week", directed=False, threshold=0.9)
    assert sorted(strict.events.loc[strict.events["window"] == 1, "event"]) == ["birth"] * 2 + ["death"] * 3


def test_track_with_explicit_windows_and_errors(store):
    graphs.insert_interactions(store, tiny_interactions())
    tracking = track(store, windows=[("2022-03-07", "2022-03-14"), ("2022-03-14", "2022-03-28")])
    assert tracking.windows["accounts"].tolist() == [
        graphs.graph(store, since="2022-03-07", until="2022-03-14").vcount(),
        graphs.graph(store, since="2022-03-14", until="2022-03-28").vcount()]
    assert set(tracking.events["event"]) <= set(EVENTS)
    with pytest.raises(ParameterError, match="windows must be one of day, week, month"):
        track(store, windows="fortnight")
    with pytest.raises(ParameterError, match="window 0 must have since before until"):
        track(store, windows=[("2022-03-14", "2022-03-07")])
    month = track(store, windows="month")
    assert month.windows["since"].dt.strftime("%Y-%m-%d").tolist() == ["2022-03-01"]


# -- saved runs ----------------------------------------------------------------------------------
def test_save_and_load_a_run_and_slice_by_community_in_sql(store):
    graphs.insert_interactions(store, tiny_interactions())
    g = graphs.graph(store, kinds=["reply", "share"], directed=False)
    p = detect(g, method="louvain", resolution=0.8, seed=3)
    run_id = communities.save(store, p)
    assert communities.save(store, detect(g, method="walktrap")) == run_id + 1
    run = store.con.execute("SELECT method, params->>'resolution', params->>'seed', graph_spec->>'directed', "
                            "json_extract(graph_spec, '$.kinds')::VARCHAR[], n_communities, modularity "
                            "FROM community_runs WHERE run_id = ?", [run_id]).fetchone()
    assert run[:5] == ("louvain", "0.8", "3", "false", ["reply", "share"])
    assert run[5] == p.n_communities and run[6] == pytest.approx(p.modularity)
    loaded = communities.load(store, run_id)
    assert loaded.to_frame().sort_values("account_id").values.tolist() == \
        p.to_frame().sort_values("account_id").values.tolist()
    assert loaded.graph_spec == p.graph_spec and loaded.params["resolution"] == 0.8
    assert communities.load(store).method == "walktrap"
    # interactions received per community, in SQL, equal the same count done from the partition in pandas
    by_sql = store.con.execute(
        "SELECT m.community, count(*) FROM interactions i JOIN memberships m ON m.account_id = i.target_id "
        "WHERE m.run_id = ? AND i.kind IN ('reply', 'share') AND i.source_id <> i.target_id "
        "GROUP BY 1 ORDER BY 1", [run_id]).fetchall()
    frame = tiny_interactions()
    frame = frame[frame["kind"].isin(["reply", "share"]) & (frame["source_id"] != frame["target_id"])]
    by_pandas = frame["target_id"].map(p.as_series()).value_counts().sort_index()
    assert by_sql == [(int(c), int(n)) for c, n in by_pandas.items()]
    with pytest.raises(ParameterError, match="no community run 99"):
        communities.load(store, 99)


def test_load_without_runs_is_a_clear_error(store):
    with pytest.raises(ParameterError, match="no community run of accounts yet"):
        communities.load(store)
