"""Graph files: GML (polbooks, football, a polblogs-style multigraph), Pajek (karate), GraphML.

Counts are checked against the raw files read here with plain regular expressions (or networkx,
for the GraphML this test writes), never with the loader under test.
"""

from __future__ import annotations

import gzip
import re
from collections import Counter
from pathlib import Path

import pytest

import workbench as wb
from conftest import shared_file
from workbench import communities
from workbench.cli import main
from workbench.errors import ExportFormatError, StrictModeError
from workbench.ingest.detect import detect_format
from workbench.ingest.sources import expand


def detect(path) -> str:
    return detect_format(next(iter(expand(path))))


def gml_blocks(text: str, kind: str) -> list[dict[str, str]]:
    """The ``node [...]`` or ``edge [...]`` blocks of a flat GML file as dicts of their fields."""
    blocks = re.findall(rf"\b{kind}\s*\[(.*?)\]", text, flags=re.DOTALL)
    return [dict((key, value.strip('"')) for key, value in re.findall(r'(\w+)\s+("[^"]*"|\S+)', block))
            for block in blocks]


def kinds(store) -> dict[str, int]:
    return dict(store.sql("SELECT kind, count(*) FROM interactions GROUP BY 1").fetchall())


def attribute(store, name: str) -> dict[str, str]:
    return wb.attributes.values(store, name).to_dict()


# -- Newman's GML files ---------------------------------------------------------------------------------

def test_polbooks_gml(store, shared_data):
    path = shared_file(shared_data, "newman_polbooks", "polbooks.gml")
    text = path.read_text(encoding="utf-8")
    nodes, edges = gml_blocks(text, "node"), gml_blocks(text, "edge")
    assert (len(nodes), len(edges)) == (105, 441)
    label_of = {node["id"]: node["label"] for node in nodes}
    assert detect(path) == "gml"
    report = wb.load(store, path)
    file = report.files[0]
    assert (file.format, file.records_read, file.records_rejected) == ("gml", 105 + 441, 0)
    assert store.counts()["accounts"] == 105 and store.counts()["interactions"] == 441
    assert kinds(store) == {"mention": 441}
    assert "graph: 105 nodes, 441 undirected edges" in report.summary()
    # accounts by label (every book title is distinct); an undirected edge from the node listed first
    position = {node["id"]: i for i, node in enumerate(nodes)}
    ordered = [sorted((e["source"], e["target"]), key=position.get) for e in edges]
    expected = Counter((f"csv:{label_of[a]}", f"csv:{label_of[b]}") for a, b in ordered)
    assert Counter(store.sql("SELECT source_id, target_id FROM interactions").fetchall()) == expected
    values = attribute(store, "value")
    assert values == {f"csv:{node['label']}": node["value"] for node in nodes}
    assert Counter(values.values()) == {"c": 49, "l": 43, "n": 13}
    assert attribute(store, "id") == {f"csv:{node['label']}": node["id"] for node in nodes}
    assert store.scalar("SELECT count(*) FROM loads WHERE format = 'gml' AND status = 'ok'") == 1
    # the same file again changes nothing
    assert wb.load(store, path).files[0].already_loaded_as == file.load_id


def test_football_gml_with_conferences_and_an_unescaped_ampersand(store, shared_data):
    path = shared_file(shared_data, "newman_football", "football.gml")
    nodes = gml_blocks(path.read_text(encoding="utf-8"), "node")
    edges = gml_blocks(path.read_text(encoding="utf-8"), "edge")
    report = wb.load(store, path)
    assert (store.counts()["accounts"], store.counts()["interactions"]) == (115, 613) == (len(nodes), len(edges))
    conferences = attribute(store, "value")
    assert len(set(conferences.values())) == 12
    assert Counter(conferences.values()) == Counter(node["value"] for node in nodes)  # "7", not "7.0"
    assert "GML reader: Unterminated entity or stray & character found" in report.summary()
    partition = communities.detect(wb.graph(store), method="leiden", seed=0)
    result = communities.compare(partition, "value", store=store)
    assert result.n_accounts == 115 and result.nmi > 0.8  # the conferences are the classic ground truth


POLBLOGS_STYLE = """Creator "a polblogs-style file: directed, with repeated edges"
graph [
  directed 1
  node [ id 1 label "left-a.blogspot.com" value 0 source "Blogarama" ]
  node [ id 2 label "left-b.com" value 0 source "LeftyDirectory" ]
  node [ id 3 label "right-a.com" value 1 source "Blogarama" ]
  node [ id 4 label "right-b.org" value 1 source "eTalkingHead" ]
  node [ id 5 label "lonely.net" value 1 source "Blogarama" ]
  edge [ source 1 target 2 ]
  edge [ source 1 target 2 ]
  edge [ source 2 target 1 ]
  edge [ source 3 target 4 ]
  edge [ source 4 target 3 ]
  edge [ source 4 target 3 ]
  edge [ source 3 target 1 ]
]
"""


def test_polblogs_style_multigraph_gml_keeps_repeated_edges(store, tmp_path):
    path = tmp_path / "polblogs.gml.gz"
    path.write_bytes(gzip.compress(POLBLOGS_STYLE.encode()))
    report = wb.load(store, path, kind="reply")
    nodes, edges = gml_blocks(POLBLOGS_STYLE, "node"), gml_blocks(POLBLOGS_STYLE, "edge")
    label_of = {node["id"]: node["label"] for node in nodes}
    expected = Counter((f"csv:{label_of[e['source']]}", f"csv:{label_of[e['target']]}", "reply") for e in edges)
    assert Counter(store.sql("SELECT source_id, target_id, kind FROM interactions").fetchall()) == expected
    assert store.counts()["accounts"] == 5  # the isolated blog too
    assert "2 edges repeat a pair listed before (a multigraph): each is an interaction" in report.summary()
    assert "7 rows name no kind and were loaded as 'reply' (--kind)" in report.summary()
    assert attribute(store, "source") == {f"csv:{n['label']}": n["source"] for n in nodes}
    assert Counter(attribute(store, "value").values()) == {"0": 2, "1": 3}
    # post ids are those of the same network as an edge list: loading it that way adds nothing
    as_edges = tmp_path / "polblogs.csv"
    as_edges.write_text("source,target,kind\n" + "".join(
        f"{label_of[e['source']]},{label_of[e['target']]},reply\n" for e in edges))
    assert wb.load(store, as_edges).new_interactions == 0


# -- Pajek -------------------------------------------------------------------------------------------------

def test_karate_pajek(store, shared_data):
    path = shared_file(shared_data, "zachary_karate_club", "vlivashkin", "zachary.net")
    lines = [line.split() for line in path.read_text().splitlines() if line.strip()]
    edges_at = next(i for i, line in enumerate(lines) if line[0].lower() == "*edges")
    vertex_labels = {line[0]: line[1].strip('"') for line in lines[1:edges_at]}
    pairs = [(a, b) for a, b, *_ in lines[edges_at + 1:]]
    assert (len(vertex_labels), len(pairs), len({frozenset(p) for p in pairs})) == (34, 80, 78)
    assert detect(path) == "pajek"
    report = wb.load(store, path)
    assert (report.records_read, report.records_rejected) == (34 + 80, 0)
    assert store.counts()["accounts"] == 34
    assert store.counts()["interactions"] == 80  # as listed: 2 pairs come twice ("2 1" after "1 2")
    assert store.scalar("SELECT count(DISTINCT (least(source_id, target_id), greatest(source_id, target_id))) "
                        "FROM interactions") == 78
    assert "2 edges repeat a pair listed before (a multigraph, or a pair given both ways)" in report.summary()
    # the labels are factions, not names: accounts by number, the faction as attribute "label"
    assert attribute(store, "label") == {f"csv:{v}": label for v, label in vertex_labels.items()}
    assert Counter(attribute(store, "label").values()) == {"1": 16, "2": 18}
    graph = wb.graph(store, directed=False)
    assert (graph.vcount(), graph.ecount()) == (34, 78)


def test_pajek_bad_lines_are_rejects_with_their_line(store, tmp_path):
    text = ("% a hand-written network\n"          # 1
            "*Network test\n"                     # 2
            "*Vertices 4\n"                       # 3
            '1 "ann" 0.1 0.2 0.5\n'               # 4
            '2 "bob"\n'                           # 5
            '2 "bob again"\n'                     # 6: listed twice
            '7 "ghost"\n'                         # 7: out of range
            "*Arcs\n"                             # 8
            "1 2 3\n"                             # 9: weight 3
            "1 9\n"                               # 10: no vertex 9
            "2\n"                                 # 11: one field
            "*Edgeslist\n"                        # 12
            "3 1 2 4\n"                           # 13: three edges
            "*Matrix\n"                           # 14
            "0 1\n")                              # 15: not read
    report = wb.load(store, _write(tmp_path, "net.net", text))
    assert store.sql("SELECT line_no, reason FROM rejects ORDER BY line_no").fetchall() == [
        (6, "vertex 2 is listed twice (first at line 5)"),
        (7, "vertex '7' is not a number from 1 to 4 (the count on *Vertices)"),
        (10, "vertex '9' is not a number from 1 to 4 (the count on *Vertices)"),
        (11, "expected a source and a target vertex, got 1 field(s)"),
        (15, "the lines of a *matrix section are not read (give the network as *Vertices and *Arcs or *Edges)"),
    ]
    assert (report.records_read, report.records_rejected) == (9, 5)
    # vertices 3 and 4 have no label line: no unique label for all, so accounts are by number
    assert store.sql("SELECT account_id FROM accounts ORDER BY 1").fetchall() == [(f"csv:{i}",) for i in range(1, 5)]
    assert Counter(store.sql("SELECT source_id, target_id FROM interactions").fetchall()) == Counter(
        {("csv:1", "csv:2"): 3, ("csv:1", "csv:3"): 1, ("csv:2", "csv:3"): 1, ("csv:3", "csv:4"): 1})
    assert attribute(store, "label") == {"csv:1": "ann", "csv:2": "bob"}
    with pytest.raises(StrictModeError, match=r"net\.net line 6: vertex 2 is listed twice \(first at line 5\)"):
        wb.load(wb.open(":memory:"), _write(tmp_path, "net.net", text), strict=True)
    with pytest.raises(ExportFormatError, match=r"x\.net: a Pajek file starts with \*Vertices N"):
        wb.load(store, _write(tmp_path, "x.net", "*Arcs\n1 2\n"))


# -- GraphML, written by networkx (an independent writer) ---------------------------------------------------

def test_graphml_written_by_networkx(store, tmp_path):
    import networkx as nx

    karate = nx.karate_club_graph()
    for node in karate.nodes:
        karate.nodes[node]["label"] = f"member {node}"
        karate.nodes[node]["x"] = 0.5  # drawing, not data
    path = tmp_path / "karate.graphml"
    nx.write_graphml(karate, path)
    assert detect(path) == "graphml"
    report = wb.load(store, path)
    weights = [w for _, _, w in karate.edges(data="weight")]
    assert all(float(w).is_integer() and w >= 1 for w in weights)
    assert store.counts()["accounts"] == 34
    assert store.counts()["interactions"] == sum(weights)  # a whole weight w stands for w interactions
    assert f"graph: 34 nodes, 78 undirected edges ({int(sum(weights))} interactions by weight)" in report.summary()
    clubs = attribute(store, "club")
    assert clubs == {f"csv:member {node}": club for node, club in karate.nodes(data="club")}
    assert Counter(clubs.values()) == {"Mr. Hi": 17, "Officer": 17}
    assert set(wb.attributes.names(store)["name"]) == {"club", "id"}  # x is dropped; id is the file's node id
    graph = wb.graph(store, directed=False)
    assert graph.ecount() == 78


def test_fractional_weights_are_left_out_and_said(store, tmp_path):
    text = "graph [ node [ id 1 ] node [ id 2 ] node [ id 3 ] edge [ source 1 target 2 value 0.5 ] " \
           "edge [ source 2 target 3 value 2 ] ]"
    report = wb.load(store, _write(tmp_path, "w.gml", text))
    assert store.counts()["interactions"] == 2
    assert "1 edge weights are not positive whole numbers (e.g. 0.5): weights left out" in report.summary()


# -- errors and the edge-list guard ------------------------------------------------------------------------

def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_unreadable_graph_files_are_errors_naming_the_line(store, tmp_path, capsys):
    broken = _write(tmp_path, "broken.gml", "graph [\n  node [ id 1 ]\n  node [ id 2\n  edge [ source 1 target 2 ]\n]\n")
    with pytest.raises(ExportFormatError, match=r"broken\.gml line 6: cannot read it as GML: Parse error in GML file"):
        wb.load(store, broken)
    unknown = _write(tmp_path, "unknown.gml", "graph [\n node [ id 1 ]\n edge [ source 1 target 9 ]\n]\n")
    with pytest.raises(ExportFormatError, match=r"Unknown target node id"):
        wb.load(store, unknown)
    bad_xml = _write(tmp_path, "bad.graphml", '<?xml version="1.0"?>\n<graphml>\n<graph edgedefault="directed">\n'
                                              '<node id="a"/>\n</graphml>\n')
    with pytest.raises(ExportFormatError, match=r"bad\.graphml line 5: cannot read it as GraphML"):
        wb.load(store, bad_xml)
    assert store.counts()["accounts"] == 0
    assert store.sql("SELECT status FROM loads").fetchall() == [("failed",)] * 3
    assert main(["load", str(broken), "--db", str(tmp_path / "b.duckdb")]) == 2
    assert "broken.gml line 6" in capsys.readouterr().err


def test_a_graph_file_given_as_an_edge_list_is_refused(store, shared_data, tmp_path, capsys):
    """The GML that once loaded as 64,720 "edges" of its own syntax is refused with the format to use."""
    path = shared_file(shared_data, "newman_polbooks", "polbooks.gml")
    with pytest.raises(ExportFormatError, match=r"polbooks\.gml: this is a GML graph file, not an edge list; "
                                                r"load it with --format gml"):
        wb.load(store, path, format="edges-csv")
    assert store.counts()["interactions"] == 0
    net = shared_file(shared_data, "zachary_karate_club", "vlivashkin", "zachary.net")
    assert main(["load", str(net), "--db", str(tmp_path / "k.duckdb"), "--format", "edges-csv"]) == 2
    assert "this is a Pajek graph file, not an edge list" in capsys.readouterr().err


def test_sniffers_claim_exactly_the_graph_files_of_the_shared_data(shared_data):
    from workbench.ingest import gml, graphml, pajek
    from workbench.ingest.detect import read_sample

    files = [p for p in sorted(shared_data.rglob("*")) if p.is_file() and p.name != "SOURCE.md"]
    claimed = {module.NAME: sorted(Path(s.name).name for p in files for s in expand(p)
                                   if module.sniff(read_sample(s)))
               for module in (gml, graphml, pajek)}
    assert claimed == {"gml": ["football.gml", "polbooks.gml"], "graphml": [], "pajek": ["zachary.net"]}


# -- the whole CLI path, one format each --------------------------------------------------------------------

@pytest.mark.parametrize("parts, nodes", [
    (("newman_polbooks", "polbooks.gml"), 105),
    (("zachary_karate_club", "vlivashkin", "zachary.net"), 34),
    (None, 34),  # GraphML written by networkx
])
def test_cli_load_communities_roles_export(shared_data, tmp_path, capsys, parts, nodes):
    import networkx as nx

    if parts is None:
        path = tmp_path / "karate.graphml"
        nx.write_graphml(nx.karate_club_graph(), path)
    else:
        path = shared_file(shared_data, *parts)
    db = str(tmp_path / "g.duckdb")
    assert main(["load", str(path), "--db", db, "--kind", "reply"]) == 0
    assert main(["communities", "--db", db]) == 0
    assert main(["roles", "--db", db]) == 0
    out = tmp_path / "g.gexf"
    assert main(["export", "--db", db, "--to", str(out)]) == 0
    assert main(["attributes", "list", "--db", db]) == 0
    text = capsys.readouterr().out
    assert f"on {nodes:,} accounts" in text
    exported = nx.read_gexf(out)
    assert exported.number_of_nodes() == nodes
    with wb.open(db, read_only=True) as store:
        assert store.scalar("SELECT count(DISTINCT account_id) FROM memberships") == nodes
        assert store.scalar("SELECT count(*) FROM account_scores") == nodes
        assert kinds(store) == {"reply": store.counts()["interactions"]}
