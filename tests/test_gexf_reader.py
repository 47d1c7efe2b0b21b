"""The dynamic GEXF of ``workbench export --dynamic`` as readers other than networkx see it (issue 19).

Gephi itself cannot run here (Debian has no gephi package; the Gephi toolkit comes only from Maven), and
no package on PyPI, npm or Debian ships the GEXF XSD files, so the file is not validated against the
official schema. Instead:

- **an independent reader**: graphology-gexf (npm; what sigma.js and Gephi Lite read GEXF with), run by
  ``tests/gexf_reader/read.js`` under node, builds the graph and must find the nodes, edges, typed
  attributes and spells that the raw CollegeMsg file implies (counted here with pandas);
- **what Gephi's importer requires** of a dynamic GEXF, checked on the XML with the standard library.
  From the GEXF 1.2/1.3 primer ("Dynamics": a graph whose elements have spells is
  ``mode="dynamic"``; ``timeformat`` is ``integer``, ``double``, ``date`` or ``dateTime`` and every
  ``start``/``end`` is a time of that format; a ``<spells>`` element holds ``<spell start= end=>``
  intervals with start <= end; "Data": ``<attributes class="node|edge">`` declares each ``attribute``'s
  ``id``, ``title`` and ``type``, and each ``<attvalue for= value=>`` names a declared id with a value of
  its type) and from Gephi's GEXF importer (ImporterGEXF reads ``timeformat`` case-insensitively as
  double/float, date, datetime or timestamp, and reads a dynamic graph without one as doubles, so ISO
  times would not parse; edge ends must be node ids).

The reader's node modules come from ``tests/gexf_reader/package.json`` (``make test`` runs ``npm ci`` there);
the reader tests skip where node or those modules are absent.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

import workbench as wb
from conftest import shared_file
from workbench import communities, export
from workbench.roles._examples import tiny_store

READER = Path(__file__).parent / "gexf_reader"
GEXF = "{http://www.gexf.net/1.2draft}"
#: GEXF attribute types (the primer's "Data" section) and how a value of each must read.
TYPES = {"integer": int, "long": int, "float": float, "double": float, "string": str,
         "boolean": lambda v: {"true": True, "false": False}[v], "liststring": str, "anyURI": str}
#: Gephi's importer: the timeformats it knows (compared case-insensitively) and how each parses a time.
TIME_FORMATS = {"double": float, "float": float, "date": datetime.fromisoformat, "datetime": datetime.fromisoformat,
                "timestamp": datetime.fromisoformat}


def read_with_graphology(path: Path) -> dict:
    if shutil.which("node") is None:
        pytest.skip("node is not installed: the independent GEXF reader needs it")
    if not (READER / "node_modules" / "graphology-gexf").exists():
        pytest.skip("the GEXF reader's node modules are missing: run `npm ci --prefix tests/gexf_reader` "
                    "(make test does)")
    done = subprocess.run(["node", str(READER / "read.js"), str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def college(shared_data, tmp_path_factory):
    """SNAP CollegeMsg loaded, with a community run, exported as a dynamic GEXF; and the raw messages."""
    path = shared_file(shared_data, "snap_collegemsg", "CollegeMsg.txt")
    raw = pd.read_csv(path, sep=" ", names=["src", "dst", "ts"])
    folder = tmp_path_factory.mktemp("college")
    with wb.open(folder / "college.duckdb") as store:
        wb.load(store, path, format="edges-csv", progress=False)
        communities.save(store, communities.detect(wb.graph(store), seed=0))
        [written] = export.export(store, folder / "college.gexf", dynamic=True)
    return raw, written


def _iso(seconds: pd.Series) -> pd.Series:
    return pd.to_datetime(seconds, unit="s", utc=True).dt.strftime("%Y-%m-%dT%H:%M:%S")


def test_graphology_reads_collegemsg_with_the_raw_files_nodes_edges_and_times(college):
    raw, written = college
    got = read_with_graphology(written)
    messages = raw[raw["src"] != raw["dst"]].assign(t=lambda f: _iso(f["ts"]))
    pairs = messages.groupby(["src", "dst"])
    accounts = sorted(set(messages["src"]) | set(messages["dst"]))
    assert got["root"] == {"name": "gexf", "namespace": "http://www.gexf.net/1.2draft", "version": "1.2"}
    assert got["graph"]["mode"] == "dynamic" and got["type"] == "directed"
    assert (got["order"], got["size"]) == (len(accounts), pairs.ngroups) == (1899, 20296)
    assert (got["graph"]["start"], got["graph"]["end"]) == (messages["t"].min(), messages["t"].max())
    # every edge plays at each distinct second of its messages, every account from its first message to the end
    edge_spells = {(s, t): sorted(start for start, _ in spells) for s, t, spells in got["edgeSpells"]}
    assert edge_spells == {(f"csv:{s}", f"csv:{d}"): sorted(set(times)) for (s, d), times in pairs["t"]}
    assert all(start == end for _, _, spells in got["edgeSpells"] for start, end in spells)
    first = pd.concat([messages[["src", "t"]].set_axis(["a", "t"], axis=1),
                       messages[["dst", "t"]].set_axis(["a", "t"], axis=1)]).groupby("a")["t"].min()
    assert got["nodeSpells"] == {f"csv:{a}": [[t, messages["t"].max()]] for a, t in first.items()}
    # typed attributes, as graphology-gexf reads them from the declarations
    nodes = got["nodes"]
    out_pairs, in_pairs = pairs.size().groupby(level=0).size(), pairs.size().groupby(level=1).size()
    for account in accounts[:200]:
        node = nodes[f"csv:{account}"]
        assert node["out_degree"] == out_pairs.get(account, 0) and node["in_degree"] == in_pairs.get(account, 0)
        assert node["degree"] == node["out_degree"] + node["in_degree"]
        assert isinstance(node["community"], int) and node["label"] == str(account)
    # attributes by their titles (graphology-gexf names an attribute by its title only where its id is a number)
    assert {key for _, _, attributes in got["edges"] for key in attributes} == {
        "weight", "mention", "kinds", "first_at", "last_at"}
    assert {key for node in nodes.values() for key in node} == {
        "label", "account_id", "handle", "community", "degree", "in_degree", "out_degree", "interactions"}
    messages_per_pair = {(f"csv:{s}", f"csv:{d}"): n for (s, d), n in pairs.size().items()}
    assert {(s, t): a["mention"] for s, t, a in got["edges"]} == messages_per_pair
    assert {(s, t): a["weight"] for s, t, a in got["edges"]} == messages_per_pair


def gephi_requirements(path: Path) -> dict:
    """Check ``path`` against what the GEXF primer and Gephi's importer require (module doc); return counts."""
    root = ET.parse(path).getroot()
    assert root.tag == f"{GEXF}gexf" and root.get("version") == "1.2"
    graph = root.find(f"{GEXF}graph")
    assert graph is not None and graph.get("defaultedgetype") in ("directed", "undirected")
    assert graph.get("mode") == "dynamic"
    timeformat = graph.get("timeformat", "")
    assert timeformat.lower() in TIME_FORMATS, f"Gephi reads times without a known timeformat as doubles: {timeformat!r}"
    as_time = TIME_FORMATS[timeformat.lower()]
    start, end = as_time(graph.get("start")), as_time(graph.get("end"))
    assert start <= end
    children = [child.tag.removeprefix(GEXF) for child in graph]
    assert children == [*(["attributes"] * children.count("attributes")), "nodes", "edges"], children
    declared = {}
    for block in graph.findall(f"{GEXF}attributes"):
        assert block.get("class") in ("node", "edge") and block.get("mode", "static") == "static"
        for attribute in block.findall(f"{GEXF}attribute"):
            assert attribute.get("type") in TYPES and attribute.get("title")
            key = (block.get("class"), attribute.get("id"))
            assert key not in declared
            declared[key] = TYPES[attribute.get("type")]
    counts = {"nodes": 0, "edges": 0, "spells": 0}

    def check(element, kind: str) -> None:
        for value in element.iterfind(f"{GEXF}attvalues/{GEXF}attvalue"):
            declared[(kind, value.get("for"))](value.get("value"))  # declared, and a value of its type
        for spell in element.iterfind(f"{GEXF}spells/{GEXF}spell"):
            begins, ends = as_time(spell.get("start")), as_time(spell.get("end"))
            assert start <= begins <= ends <= end
            counts["spells"] += 1
        assert {child.tag.removeprefix(GEXF) for child in element} <= {"attvalues", "spells"}

    ids = set()
    for node in graph.iterfind(f"{GEXF}nodes/{GEXF}node"):
        assert node.get("id") not in ids and node.get("label") is not None
        ids.add(node.get("id"))
        check(node, "node")
        counts["nodes"] += 1
    edge_ids = set()
    for edge in graph.iterfind(f"{GEXF}edges/{GEXF}edge"):
        assert edge.get("source") in ids and edge.get("target") in ids and edge.get("id") not in edge_ids
        edge_ids.add(edge.get("id"))
        float(edge.get("weight", "1"))
        check(edge, "edge")
        counts["edges"] += 1
    return counts


def test_collegemsg_dynamic_gexf_meets_gephis_importer_requirements(college):
    raw, written = college
    messages = raw[raw["src"] != raw["dst"]]
    counts = gephi_requirements(written)
    distinct = messages.drop_duplicates(["src", "dst", "ts"])
    # one spell per node and one per distinct (pair, second)
    assert counts == {"nodes": 1899, "edges": 20296, "spells": 1899 + len(distinct)}


def test_the_requirements_check_catches_what_gephi_would_refuse(tmp_path):
    """The check is not vacuous: a dynamic file without a timeformat, with an undeclared attribute value or an
    edge to a missing node fails it."""
    store = tiny_store()
    [written] = export.export(store, tmp_path / "tiny.gexf", dynamic=True)
    assert gephi_requirements(written)["spells"] > 0
    text = written.read_text(encoding="utf-8")
    broken = {"no-timeformat": text.replace(' timeformat="date"', ""),
              "undeclared": re.sub(r'<attvalue for="1"', '<attvalue for="99"', text, count=1),
              "dangling": re.sub(r'target="twitter:\d+"', 'target="twitter:nobody"', text, count=1)}
    for name, variant in broken.items():
        path = tmp_path / f"{name}.gexf"
        path.write_text(variant, encoding="utf-8")
        with pytest.raises((AssertionError, KeyError)):
            gephi_requirements(path)
