"""Widget panels driven in-process: what moving a control does, without a browser."""

from __future__ import annotations

import re
import time

import numpy as np
import pandas as pd
import pytest

from workbench import datasets, privacy, roles, viz, widgets
from workbench.errors import ParameterError

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def karate():
    return datasets.karate()


def test_community_panel_says_when_a_method_refuses_the_graph(karate, monkeypatch):
    """A method over its size limit (walktrap above 20,000 edges) is a status line, not a traceback."""
    from workbench import communities

    panel = widgets.CommunityPanel(karate, method="leiden", seed=0)
    before = panel.partition
    monkeypatch.setitem(communities.MAX_EDGES, "walktrap", 50)  # karate's 78 ties stand for a big graph
    panel.method_menu.value = "walktrap"
    assert panel.partition is before
    assert "walktrap keeps a random-walk distribution" in panel.status.value
    assert "this graph has 78 edges, the limit is 50" in panel.status.value
    monkeypatch.setitem(communities.MAX_EDGES, "walktrap", 78)
    panel.method_menu.value = "greedy_modularity"
    panel.method_menu.value = "walktrap"
    assert panel.partition.method == "walktrap" and panel.n_communities == 4  # weighted, as in communities.runs


def test_community_panel_slider_recomputes(karate):
    panel = widgets.CommunityPanel(karate, method="leiden", resolution=1.0, seed=0)
    at_default = panel.n_communities
    panel.resolution_slider.value = 0.1  # what dragging the slider does
    coarse = panel.n_communities
    panel.resolution_slider.value = 10.0
    fine = panel.n_communities
    assert coarse < at_default < fine
    assert f'<span class="wb-n-communities">{fine}</span> communities' in panel.status.value
    panel.method_menu.value = "walktrap"
    assert "walktrap" in panel.status.value
    # The static picture stays the one of the default parameters.
    assert panel.static_chart is not panel.chart
    bundle = panel._repr_mimebundle_()
    assert WIDGET_VIEW in bundle and bundle["image/svg+xml"].startswith("<svg")
    assert "resolution 1.00" in bundle["image/svg+xml"]


def test_community_panel_redraws_quickly_on_the_sample():
    from workbench import session

    s = session.start()  # the bundled sample, in memory
    panel = widgets.CommunityPanel(s.graph, resolution=1.0)
    started = time.perf_counter()
    panel.update(resolution=2.0)
    seconds = time.perf_counter() - started
    print(f"\nCommunityPanel redraw on the sample ({s.graph.vcount()} accounts): {seconds * 1000:.0f} ms")
    assert panel.n_communities > 1
    s.close()


def scores() -> pd.DataFrame:
    return pd.DataFrame({"account_id": [f"t:{i}" for i in range(6)], "handle": list("abcdef"),
                         "influence": [0.99, 0.96, 0.10, 0.97, 0.50, 0.91],
                         "reach": [0.10, 0.50, 0.99, 0.98, 0.20, 0.92]})


def test_role_panel_sliders_relabel_and_pseudonymise():
    accounts = scores()[["account_id", "handle"]]
    p = privacy.Pseudonymizer(accounts, key=b"k" * 32)
    panel = widgets.RolePanel(scores(), privacy=p)
    # no evidence columns: percentile cut-offs are the only labels the panel can give
    assert panel.mode.options == ("percentile cut-offs",)
    assert panel.status.value.startswith("2 influencers, 1 networkers, 1 hubs among 6 accounts")
    panel.influence_slider.value = 0.9
    panel.reach_slider.value = 0.9
    assert panel.status.value.startswith("2 influencers, 1 networkers, 2 hubs")
    assert panel.roles["role"].tolist() == ["influencer", "influencer", "networker", "hub", "regular", "hub"]
    assert panel.roles["role"].tolist() == roles.label(scores(), cutoffs=0.9).tolist()  # one definition
    spec = panel.chart.to_dict()
    assert privacy.find_leaks(str(spec), accounts) == []
    cut_rows = [rows for rows in spec["datasets"].values() if rows and "x" in rows[0]][0]
    assert cut_rows == [{"x": 0.9, "y": 0.9}]
    with pytest.raises(ParameterError, match="reach"):
        widgets.RolePanel(scores().drop(columns=["reach"]))


def test_role_panel_labels_from_evidence_with_confidence():
    frame = scores().assign(influence_confidence=[0.99, 0.5, 0.0, 0.95, 0.0, 0.2],
                            reach_confidence=[0.0, 0.0, 0.97, 0.93, 0.0, 0.1])
    panel = widgets.RolePanel(frame)
    assert panel.mode.value == "evidence"
    # b ranks top on influence (0.96) but the evidence does not back it; f is a percentile hub, not here
    assert panel.roles["role"].tolist() == ["influencer", "regular", "networker", "hub", "regular", "regular"]
    assert panel.roles["confidence"].round(4).tolist() == [0.99, 0.5, 0.97, 0.8835, 1.0, 0.72]
    assert "probability at least 0.90" in panel.explanation.value
    spec = panel.chart.to_dict()
    assert len(spec["layer"]) == 1  # no cut-off lines from evidence
    assert spec["layer"][0]["encoding"]["opacity"]["field"] == "confidence"
    panel.confidence_slider.value = 0.98
    assert panel.roles["role"].tolist() == ["influencer", "regular", "regular", "regular", "regular", "regular"]
    panel.mode.value = "percentile cut-offs"
    assert panel.roles["role"].tolist()[:4] == ["influencer", "influencer", "networker", "hub"]
    assert "whatever the evidence" in panel.explanation.value
    assert panel.roles.loc[1, "confidence"] == pytest.approx(0.5)  # b: a percentile influencer, half backed


def test_role_panel_draws_a_large_workspace_within_the_chart_limit():
    # 6,000 networkers (reach evidence rising from 0.91), 300 influencers, 10 hubs and 4,000 regulars: as on SNAP
    # Higgs, more labelled accounts than a chart embeds
    reach_evidence = np.r_[np.linspace(0.91, 0.999, 6000), np.zeros(300), np.full(10, 0.95), np.zeros(4000)]
    influence_evidence = np.r_[np.zeros(6000), np.full(310, 0.95), np.zeros(4000)]
    n = len(reach_evidence)
    frame = pd.DataFrame({"account_id": [f"t:{i}" for i in range(n)], "handle": [f"h{i}" for i in range(n)],
                          "influence": np.linspace(0, 1, n), "reach": np.linspace(1, 0, n),
                          "influence_confidence": influence_evidence, "reach_confidence": reach_evidence})
    panel = widgets.RolePanel(frame)
    assert panel.status.value.startswith("300 influencers, 6000 networkers, 10 hubs among 10310 accounts")
    spec = panel.chart.to_dict()
    assert sum(len(rows) for rows in spec["datasets"].values()) < viz.MAX_ROWS
    assert " ".join(spec["title"]["subtitle"]) == (
        "points: the 1,310 labelled accounts with the strongest evidence (at most 1,000 per role) of 10,310; the grey "
        "cells count the other 9,000, 5,000 of them labelled")
    shown = next(pd.DataFrame(rows) for rows in spec["datasets"].values() if rows and "handle" in rows[0])
    assert set(shown.loc[shown["role"] == "networker", "handle"]) == {f"h{i}" for i in range(5000, 6000)}
    panel.confidence_slider.value = 0.96  # networkers with reach evidence >= 0.96 remain, the rest are regular
    networkers = int((reach_evidence[:6000] >= 0.96).sum())
    assert panel.status.value.startswith(f"0 influencers, {networkers} networkers, 0 hubs")
    assert " ".join(panel.chart.to_dict()["title"]["subtitle"]).startswith(
        f"points: the 1,000 labelled accounts with the strongest evidence (at most 1,000 per role) of 10,310; "
        f"the grey cells count the other 9,310, {networkers - 1000:,} of them labelled")
    assert networkers == 2629  # 0.91 + 0.089 k / 5999 >= 0.96 from k = 3371


def test_series_panel_period_kinds_and_date_range():
    calls = []

    def compute(period, kinds):
        calls.append((period, tuple(kinds)))
        days = {"week": 7, "day": 1}[period]
        periods = pd.date_range("2024-01-01", periods=4, freq=f"{days}D", tz="UTC")
        return pd.DataFrame({"period": np.repeat(periods, len(kinds)), "kind": list(kinds) * 4,
                             "interactions": np.arange(4 * len(kinds))})

    panel = widgets.SeriesPanel(compute, metrics=["interactions"], color="kind", kinds=["reply", "share"])
    assert calls == [("week", ("reply", "share"))]
    assert len(panel.frame) == 8
    shown = panel.select("2024-01-08", "2024-01-15")
    assert sorted(shown["period"].dt.strftime("%Y-%m-%d").unique()) == ["2024-01-08", "2024-01-15"]
    panel.kind_toggles.value = ("reply",)
    assert calls[-1] == ("week", ("reply",)) and len(panel.frame) == 4
    panel.period_menu.value = "day"
    assert calls[-1] == ("day", ("reply",))
    assert panel.range_slider.index == (0, 3)  # a new period shows the whole span again
    assert "interactions per day" in panel.status.value


def test_network_view_is_interactive_offline_with_a_static_drawing_inside(karate):
    membership = widgets.CommunityPanel(karate).partition.to_frame()
    view = widgets.NetworkView(karate, membership, max_nodes=20, seed=1)
    assert len(view.nodes) == 20 and np.isfinite(view.nodes[["x", "y"]].to_numpy()).all()
    # The 20 best-connected members: ties broken the same way every time.
    again = widgets.NetworkView(karate, membership, max_nodes=20, seed=1)
    pd.testing.assert_frame_equal(view.nodes, again.nodes)
    degree = pd.Series(karate.degree(), index=karate.vs["account_id"])
    kept = list(view.nodes["node_id"])
    assert degree[kept].min() >= degree.drop(kept).max()  # no account left out has more edges than one shown
    assert view.data.edges[["source", "target"]].to_numpy().max() < 20
    bundle = view._repr_mimebundle_()
    assert WIDGET_VIEW not in bundle  # no widget: the view needs no kernel
    page = bundle["text/html"]
    assert '<div class="wb-network-static"><svg' in page and "<script>" in page and "wbNetwork" in page
    assert "Showing the 20 accounts with the highest degree of 34 (14 left out)" in page
    assert view.widget.__class__.__name__ == "Sigma"  # the ipysigma widget, for a live kernel


@pytest.mark.notebooks
def test_plain_nbconvert_shows_each_panel_as_a_static_chart(tmp_path):
    """Run by papermill and converted with plain nbconvert (no widget scripts), a panel still shows its chart;
    a workbench report shows it exactly once."""
    import nbformat
    from nbconvert import HTMLExporter

    from workbench import reports

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(
        "from workbench import datasets, widgets\n"
        "g = datasets.karate()\n"
        "panel = widgets.CommunityPanel(g, method='leiden', resolution=1.0)\n"
        "panel"),
        nbformat.v4.new_code_cell("widgets.NetworkView(g, panel.partition.to_frame(), seed=0)")]
    source = tmp_path / "panels.ipynb"
    nbformat.write(nb, source)
    executed = reports.execute(source, tmp_path / "executed.ipynb", {})
    panel_cell, network_cell = executed.cells
    kinds = [sorted(o.get("data", {})) for o in panel_cell.outputs]
    assert any(WIDGET_VIEW in k for k in kinds) and any("image/svg+xml" in k for k in kinds), kinds
    assert not any(WIDGET_VIEW in k and "image/svg+xml" in k for k in kinds)  # two outputs, not one bundle
    # the network view is one HTML output that carries its script and its static drawing
    [network] = [o for o in network_cell.outputs if "data" in o]
    assert sorted(network["data"]) == ["text/html", "text/plain"] and "<svg" in network["data"]["text/html"]
    plain, _ = HTMLExporter().from_notebook_node(executed)  # what `jupyter nbconvert --to html` writes
    import base64

    images = [base64.b64decode(b).decode("utf-8") for b in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', plain)]
    images += re.findall(r"<svg.*?</svg>", plain, flags=re.DOTALL)
    assert any("Community sizes (leiden, resolution 1.00)" in svg for svg in images)
    assert any("Network: 34 accounts" in svg for svg in images)
    ours = reports.to_html(executed, code=False)
    charts = re.findall(r"<svg.*?</svg>", ours, flags=re.DOTALL)
    assert len(charts) == 2  # one chart per panel, no duplicate
    assert sum("Community sizes (leiden, resolution 1.00)" in svg for svg in charts) == 1
    assert "Interactive panel" in ours
