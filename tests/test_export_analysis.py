"""Gephi files that carry the analysis (issue 19): read back with networkx and igraph, checked against counts made here.

Every node attribute (community, role, confidence, the four scores, the degrees) and every edge attribute
(interactions by kind, first and last time) is compared with values computed in this file from the
workspace's tables in plain SQL and pandas, not with the code that wrote them; the dynamic GEXF's spells
are compared with the interactions' times, on the tiny export and on SNAP's CollegeMsg (real data).
"""

from __future__ import annotations

import math
import igraph as ig
import networkx as nx
import pandas as pd
import pytest

import workbench as wb
from conftest import shared_file
from workbench import communities, export, roles
from workbench.cli import main
from workbench.errors import ParameterError
from workbench.roles._examples import tiny_store

KINDS = ("reply", "mention", "share", "quote", "comment")
SCORES = ("role", "confidence", "influence", "reach", "visibility", "activity")


@pytest.fixture(scope="module")
def analysed():
    """The tiny export with a saved community run and a saved scoring run."""
    store = tiny_store()
    g = wb.graph(store)
    communities.save(store, communities.detect(g, seed=0))
    roles.score(store)
    return store


def pair_kinds(store, kinds=KINDS) -> pd.DataFrame:
    """Interactions per ordered pair and kind (self-interactions dropped), with first and last time."""
    return store.sql("SELECT source_id, target_id, kind, count(*) AS n, min(created_at) AS first_at, "
                     "max(created_at) AS last_at FROM interactions WHERE list_contains($k, kind) "
                     "AND source_id <> target_id GROUP BY ALL", {"k": list(kinds)}).df()


def expected_nodes(store, kinds=KINDS) -> pd.DataFrame:
    pairs = pair_kinds(store, kinds).groupby(["source_id", "target_id"], as_index=False)["n"].sum()
    out = pairs.groupby("source_id").agg(out_degree=("target_id", "size"), sent=("n", "sum"))
    into = pairs.groupby("target_id").agg(in_degree=("source_id", "size"), received=("n", "sum"))
    table = out.join(into, how="outer").fillna(0)
    table["degree"] = table["out_degree"] + table["in_degree"]
    table["interactions"] = table["sent"] + table["received"]
    return table


def check_nodes(store, nodes: dict[str, dict], *, partition: pd.Series, scores: pd.DataFrame) -> None:
    """``nodes``: account id -> attributes as a reader gave them back."""
    expected = expected_nodes(store)
    assert set(nodes) == set(expected.index)
    by_id = scores.set_index("account_id")
    for account, attributes in nodes.items():
        for column in ("degree", "in_degree", "out_degree", "interactions"):
            assert attributes[column] == expected.loc[account, column], (account, column)
        assert attributes["community"] == partition[account]
        for column in SCORES:
            value = by_id.loc[account, column]
            if column == "role":
                assert attributes[column] == value
            else:
                assert math.isclose(attributes[column], value, rel_tol=1e-12), (account, column)


def check_edges(store, edges: dict[tuple[str, str], dict]) -> None:
    counted = pair_kinds(store)
    expected = counted.pivot_table(index=["source_id", "target_id"], columns="kind", values="n", aggfunc="sum",
                                   fill_value=0)
    assert set(edges) == set(expected.index)
    for (source, target), attributes in edges.items():
        row = expected.loc[(source, target)]
        assert attributes["weight"] == row.sum()
        for kind in expected.columns:
            assert attributes.get(kind, 0) == row[kind], (source, target, kind)
        assert attributes["kinds"].split(",") == [k for k in KINDS if k in expected.columns and row.get(k, 0) > 0]
        times = counted[(counted["source_id"] == source) & (counted["target_id"] == target)]
        assert attributes["first_at"] == times["first_at"].min().tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%S")
        assert attributes["last_at"] == times["last_at"].max().tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%S")


def test_gexf_and_graphml_read_back_with_every_attribute(analysed, tmp_path):
    partition = communities.runs.load(analysed).as_series()
    scores = roles.load_scores(analysed)
    [gexf] = export.export(analysed, tmp_path / "tiny.gexf")
    [graphml] = export.export(analysed, tmp_path / "tiny.graphml")
    for back in (nx.read_gexf(gexf), nx.read_graphml(graphml)):
        assert back.is_directed() and back.number_of_nodes() == 19 and back.number_of_edges() == 30
        check_nodes(analysed, dict(back.nodes(data=True)), partition=partition, scores=scores)
        check_edges(analysed, {(s, t): d for s, t, d in back.edges(data=True)})
    back = ig.Graph.Read_GraphML(str(graphml))
    assert back.vcount() == 19 and back.ecount() == 30
    ids = back.vs["account_id"]
    check_nodes(analysed, {v["account_id"]: v.attributes() for v in back.vs}, partition=partition, scores=scores)
    # igraph gives every edge every key: a kind the edge lacks reads as NaN
    check_edges(analysed, {(ids[e.source], ids[e.target]): {k: (0 if isinstance(v, float) and math.isnan(v) else v)
                                                            for k, v in e.attributes().items()} for e in back.es})


def test_parquet_tables_carry_the_same_analysis(analysed, tmp_path):
    nodes_path, edges_path = export.export(analysed, tmp_path / "tiny.parquet")
    nodes, edges = pd.read_parquet(nodes_path), pd.read_parquet(edges_path)
    assert nodes.columns.tolist()[:9] == ["account_id", "handle", "community", *SCORES]
    assert pd.api.types.is_datetime64_any_dtype(edges["first_at"])
    expected = expected_nodes(analysed)
    assert (nodes.set_index("account_id")["interactions"] == expected["interactions"]).all()
    assert edges["weight"].sum() == len(analysed.sql("SELECT * FROM interactions WHERE source_id <> target_id").df())


def test_dynamic_gexf_spells_are_the_interaction_times(analysed, tmp_path):
    [written] = export.export(analysed, tmp_path / "timeline.gexf", dynamic=True)
    back = nx.read_gexf(written)
    assert back.graph["mode"] == "dynamic"
    times = analysed.sql("SELECT source_id, target_id, strftime(created_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S') AS t "
                         "FROM interactions WHERE source_id <> target_id").df()
    end = times["t"].max()
    for (source, target), group in times.groupby(["source_id", "target_id"]):
        assert sorted(back[source][target]["spells"]) == [(t, t) for t in sorted(set(group["t"]))]
    first = pd.concat([times[["source_id", "t"]].set_axis(["a", "t"], axis=1),
                       times[["target_id", "t"]].set_axis(["a", "t"], axis=1)]).groupby("a")["t"].min()
    assert {n: d["spells"] for n, d in back.nodes(data=True)} == {a: [(t, end)] for a, t in first.items()}
    with pytest.raises(ParameterError, match="GEXF"):
        export.export(analysed, tmp_path / "timeline.graphml", dynamic=True)


def test_collegemsg_timeline_round_trip(shared_data, tmp_path):
    """SNAP CollegeMsg (59,835 timed messages): counts and every edge's spells against the raw file."""
    path = shared_file(shared_data, "snap_collegemsg", "CollegeMsg.txt")
    raw = pd.read_csv(path, sep=" ", names=["src", "dst", "ts"])
    raw = raw[raw["src"] != raw["dst"]]
    store = wb.open(tmp_path / "college.duckdb")
    wb.load(store, path, format="edges-csv", progress=False)
    communities.save(store, communities.detect(wb.graph(store), seed=0))
    [written] = export.export(store, tmp_path / "college.gexf", dynamic=True)
    [graphml] = export.export(store, tmp_path / "college.graphml")
    back = nx.read_gexf(written)
    pairs = raw.groupby(["src", "dst"])
    assert back.number_of_nodes() == len(set(raw["src"]) | set(raw["dst"])) and back.number_of_edges() == pairs.ngroups
    stamps = pd.to_datetime(raw["ts"], unit="s", utc=True).dt.strftime("%Y-%m-%dT%H:%M:%S")
    expected = stamps.groupby([raw["src"], raw["dst"]]).agg(lambda s: sorted(set(s)))
    got = {(s, t): sorted(a for a, _ in d["spells"]) for s, t, d in back.edges(data=True)}
    assert got == {(f"csv:{s}", f"csv:{d}"): v for (s, d), v in expected.items()}
    counts = raw.groupby(["src", "dst"]).size()
    assert {(s, t): d["mention"] for s, t, d in back.edges(data=True)} == {
        (f"csv:{s}", f"csv:{d}"): n for (s, d), n in counts.items()}
    again = ig.Graph.Read_GraphML(str(graphml))
    assert (again.vcount(), again.ecount()) == (back.number_of_nodes(), back.number_of_edges())
    assert sorted(again.vs["degree"]) == sorted(d["degree"] for _, d in back.nodes(data=True))
    assert set(again.vs["community"]) == set(communities.runs.load(store).as_series())
    store.close()


def test_cli_writes_the_scores_table_and_refuses_what_it_cannot_write(tmp_path, capsys):
    from workbench.datasets import write_tiny

    db = tmp_path / "tiny.duckdb"
    with wb.open(db) as store:
        wb.load(store, write_tiny(tmp_path / "tiny.jsonl"), progress=False)
    assert main(["export", "--db", str(db), "--scores", "--to", str(tmp_path / "none.csv")]) == 2  # no scoring run
    assert "no saved scoring run" in capsys.readouterr().err
    with wb.open(db) as store:
        roles.score(store)
    capsys.readouterr()
    assert main(["export", "--db", str(db), "--scores", "--to", str(tmp_path / "scores.csv")]) == 0
    assert main(["export", "--db", str(db), "--scores", "--to", str(tmp_path / "scores.parquet")]) == 0
    table, again = pd.read_csv(tmp_path / "scores.csv"), pd.read_parquet(tmp_path / "scores.parquet")
    with wb.open(db, read_only=True) as store:
        saved = store.sql("SELECT account_id, role, influence FROM account_scores").df()
    assert len(table) == len(again) == len(saved) and set(table["account_id"]) == set(saved["account_id"])
    merged = again.merge(saved, on="account_id", suffixes=("", "_saved"))
    assert (merged["role"] == merged["role_saved"]).all() and (merged["influence"] == merged["influence_saved"]).all()
    assert main(["export", "--db", str(db), "--scores", "--to", str(tmp_path / "scores.gexf")]) == 2
    assert main(["export", "--db", str(db), "--dynamic", "--to", str(tmp_path / "g.graphml")]) == 2
    assert "GEXF" in capsys.readouterr().err
    assert main(["export", "--db", str(db), "--dynamic", "--to", str(tmp_path / "g.gexf")]) == 0
    assert nx.read_gexf(tmp_path / "g.gexf").nodes["twitter:30000001"]["role"] in {"regular", "influencer", "networker",
                                                                                   "hub"}


def test_cli_exports_the_hashtag_graphs(tmp_path, shared_data):
    """twarc2's brexit sample: the two-mode and co-hashtag graphs as Gephi files, counted from the raw tags."""
    import itertools
    import json

    path = shared_file(shared_data, "twitter_v2_twarc_csv_testdata", "brexit.jsonl")
    used, together = set(), set()
    for line in path.read_text(encoding="utf-8").splitlines():
        for tweet in json.loads(line).get("data", []):
            if any(ref["type"] == "retweeted" for ref in tweet.get("referenced_tweets", [])):
                continue  # a share repeats the original's hashtags
            tags = {h["tag"].lower() for h in tweet.get("entities", {}).get("hashtags", [])}
            used |= {(f"twitter:{tweet['author_id']}", f"hashtag:#{t}") for t in tags}
            together |= {frozenset(pair) for pair in itertools.combinations(sorted(tags), 2)}
    assert len(used) > 50 and len(together) > 10  # the sample has tags to check
    db = tmp_path / "brexit.duckdb"
    assert main(["load", str(path), "--db", str(db)]) == 0
    assert main(["export", "--db", str(db), "--graph", "accounts-hashtags", "--to", str(tmp_path / "two.graphml")]) == 0
    assert main(["export", "--db", str(db), "--graph", "hashtags", "--to", str(tmp_path / "tags.gexf")]) == 0
    two, tags = nx.read_graphml(tmp_path / "two.graphml"), nx.read_gexf(tmp_path / "tags.gexf")
    assert {(a, b) if a.startswith("twitter:") else (b, a) for a, b in two.edges} == used
    assert all(d["kind"] == ("hashtag" if n.startswith("hashtag:#") else "account") for n, d in two.nodes(data=True))
    assert {frozenset((a[len("hashtag:#"):], b[len("hashtag:#"):])) for a, b in tags.edges} == together
