"""The interactive network view's data and fragment (the browser half is in test_browser.py)."""

from __future__ import annotations

import json
import re

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from workbench import network_page, privacy, reports
from workbench.communities import detect
from workbench.datasets import karate
from workbench.errors import ParameterError


@pytest.fixture(scope="module")
def club():
    g = karate()
    return g, detect(g, seed=0).to_frame()


def test_select_keeps_the_top_nodes_by_the_chosen_score_and_the_edges_among_them(club):
    g, members = club
    scores = pd.DataFrame({"account_id": g.vs["account_id"], "reach": np.linspace(0, 1, g.vcount()),
                           "role": ["regular"] * 30 + ["networker"] * 4, "confidence": 0.5})
    data = network_page.select(g, memberships=members, scores=scores, top_by="reach", max_nodes=12, max_edges=1000)
    # reach rises with the vertex number: the last 12 vertices
    assert data.nodes["node_id"].tolist() == [f"karate:{i}" for i in range(22, 34)]
    as_nx = nx.Graph([(g.vs[e.source]["account_id"], g.vs[e.target]["account_id"]) for e in g.es])
    among = as_nx.subgraph(data.nodes["node_id"]).number_of_edges()
    assert len(data.edges) == data.edges_among == among
    assert (data.total_nodes, data.total_edges, data.left_out) == (34, 78, 22)
    assert data.note() == (f"Showing the 12 accounts with the highest reach of 34 (22 left out), and the {among} edges "
                           "among them (the whole graph has 78).")
    degree = dict(as_nx.degree())
    assert data.nodes["degree"].tolist() == [degree[n] for n in data.nodes["node_id"]]
    assert data.nodes["community"].tolist() == members.set_index("account_id").loc[data.nodes["node_id"], "community"].tolist()
    # a score the scores lack falls back to degree; max_edges keeps the heaviest edges
    fallback = network_page.select(g, scores=scores, top_by="influence", max_nodes=10, max_edges=5)
    assert fallback.ranked_by == "degree" and len(fallback.edges) == 5 and fallback.edges_among > 5
    weights = sorted(fallback.edges["weight"], reverse=True)
    kept = g.induced_subgraph([g.vs.find(account_id=i).index for i in fallback.nodes["node_id"]])
    assert weights == sorted(kept.es["weight"], reverse=True)[:5]
    assert "the 5 strongest of the" in fallback.note()
    with pytest.raises(ParameterError):
        network_page.select(g, max_nodes=0)


def test_layout_is_reproducible_and_finite(club):
    g, members = club
    a = network_page.select(g, memberships=members, seed=3)
    b = network_page.select(g, memberships=members, seed=3)
    pd.testing.assert_frame_equal(a.nodes, b.nodes)
    assert np.isfinite(a.nodes[["x", "y"]].to_numpy()).all()
    assert network_page.fragment(a) == network_page.fragment(b)


def test_the_fragment_carries_names_only_in_its_table_and_fetches_nothing(club):
    g, members = club
    data = network_page.select(g, memberships=members, max_nodes=20)
    page = network_page.fragment(data, title="Karate", color_by="community", size_by="degree")
    assert reports.network_references(page) == [] and "http" not in page.split("<script>", 1)[1]
    rows = re.findall(r'<tr class="wb-node"><td>([^<]*)</td>', page)
    assert rows == data.nodes["label"].tolist()
    payload = json.loads(re.search(r'class="wb-network-data">(.*?)</script>', page, flags=re.DOTALL).group(1))
    assert len(payload["x"]) == 20 and set(payload["categories"]) == {"community"}

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for key, inner in value.items():
                yield key
                yield from strings(inner)
        elif isinstance(value, list):
            for inner in value:
                yield from strings(inner)

    # the JSON holds column names and nothing from the data
    assert set(strings(payload)) <= {"x", "y", "categories", "numbers", "edges", "source", "target", "weight",
                                      "community", "degree", "interactions"}
    assert '<option value="degree" selected>' in page


def test_a_pseudonymised_fragment_shows_pseudonyms(club):
    g, members = club
    handles = [f"rider_{i}" for i in range(g.vcount())]
    g = g.copy()
    g.vs["handle"] = handles
    accounts = pd.DataFrame({"account_id": g.vs["account_id"], "handle": handles})
    p = privacy.Pseudonymizer(accounts, key=b"k" * 32)
    page = network_page.fragment(network_page.select(g, memberships=members), privacy=p)
    assert privacy.find_leaks(page, accounts) == []
    assert p.token("karate:0") in page and page.count("u_") >= g.vcount()


def test_roles_outside_the_vocabulary_are_refused(club):
    g, _ = club
    scores = pd.DataFrame({"account_id": g.vs["account_id"], "role": ["rider_7"] * g.vcount()})
    with pytest.raises(ParameterError, match="unknown role"):
        network_page.fragment(network_page.select(g, scores=scores))
