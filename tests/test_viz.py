"""Chart builders: hand-made frames in the shapes the metrics and scores return, specs and SVGs checked."""

from __future__ import annotations

import datetime as dt
import re

import altair as alt
import numpy as np
import pandas as pd
import pytest

from workbench import tables, viz
from workbench.errors import ParameterError, WorkbenchError

WEEKS = pd.date_range("2024-01-01", periods=3, freq="W-MON", tz="UTC")


def data_of(chart) -> list[dict]:
    spec = chart.to_dict()
    datasets = spec.get("datasets", {})
    return [row for rows in datasets.values() for row in rows]


def engagement() -> pd.DataFrame:
    # metrics.engagement's shape: one row per period (and community).
    return pd.DataFrame({"period": list(WEEKS) * 2, "community": [0, 0, 0, 1, 1, 1],
                         "posts": [10, 12, 8, 5, 6, 7], "likes": [20, 30, 8, 5, 0, 14],
                         "applause_rate": [2.0, 2.5, 1.0, 1.0, 0.0, 2.0]})


def test_time_series_one_line_per_community():
    chart = viz.time_series(engagement(), y="applause_rate", color="community")
    spec = chart.to_dict()
    line = spec["layer"][0]
    assert line["mark"]["type"] == "line" and spec["layer"][1]["mark"]["type"] == "point"
    assert line["encoding"]["x"]["field"] == "period" and line["encoding"]["x"]["type"] == "temporal"
    assert line["encoding"]["x"]["scale"]["type"] == "utc"
    assert line["encoding"]["color"]["field"] == "community"
    assert [r["applause_rate"] for r in data_of(chart)] == [2.0, 2.5, 1.0, 1.0, 0.0, 2.0]
    assert data_of(chart)[0]["period"].startswith("2024-01-01T00:00:00")


def test_time_series_folds_several_measures():
    spec = viz.time_series(engagement(), y=["posts", "likes"]).to_dict()
    assert spec["layer"][0]["transform"] == [{"fold": ["posts", "likes"], "as": ["metric", "value"]}]
    with pytest.raises(ParameterError, match="either several y columns or a color"):
        viz.time_series(engagement(), y=["posts", "likes"], color="community")


def test_dates_become_utc_timestamps():
    frame = pd.DataFrame({"period": [dt.date(2024, 1, 1), dt.date(2024, 1, 8)], "posts": [1, 2]})
    chart = viz.time_series(frame, y="posts", mark="bar")
    assert chart.to_dict()["mark"]["type"] == "bar"
    assert [r["period"][:10] for r in data_of(chart)] == ["2024-01-01", "2024-01-08"]


def test_ranked_bars_keep_the_top_n_in_order():
    frame = pd.DataFrame({"handle": list("abcdef"), "received": [5, 9, 1, 7, 3, 8]})
    chart = viz.ranked_bars(frame, label="handle", value="received", n=3)
    assert [r["handle"] for r in data_of(chart)] == ["b", "f", "d"]
    assert chart.to_dict()["encoding"]["y"]["sort"] == "-x"


def test_community_sizes_are_sorted_and_labelled_as_categories():
    chart = viz.community_sizes(pd.DataFrame({"community": [0, 1, 2], "size": [3, 12, 7]}))
    assert [(r["community"], r["size"]) for r in data_of(chart)] == [("1", 12), ("2", 7), ("0", 3)]


def test_resolution_sweep_has_a_panel_per_measure():
    frame = pd.DataFrame({"resolution": [0.5, 1.0, 2.0], "n_communities": [2, 4, 9], "modularity": [0.3, 0.42, 0.35]})
    spec = viz.resolution_sweep(frame).to_dict()
    assert [panel["encoding"]["y"]["field"] for panel in spec["vconcat"]] == ["n_communities", "modularity"]
    assert spec["vconcat"][0]["encoding"]["x"]["scale"]["type"] == "log"


def test_role_quadrant_draws_the_cutoffs_where_asked():
    frame = pd.DataFrame({"handle": ["i", "n", "h", "r"], "reach": [0.1, 0.99, 0.97, 0.3],
                          "influence": [0.99, 0.1, 0.98, 0.2], "role": ["influencer", "networker", "hub", "regular"]})
    spec = viz.role_quadrant(frame, influence_cut=0.9, reach_cut=0.8).to_dict()
    points, vertical, horizontal = spec["layer"]
    assert points["encoding"]["color"]["scale"]["domain"] == list(viz.ROLE_COLORS)
    cut_rows = [rows for rows in spec["datasets"].values() if rows and "x" in rows[0]][0]
    assert cut_rows == [{"x": 0.8, "y": 0.9}]
    assert vertical["encoding"]["x"]["field"] == "x" and horizontal["encoding"]["y"]["field"] == "y"
    with_confidence = viz.role_quadrant(frame.assign(confidence=[0.9, 0.8, 0.4, 1.0]), influence_cut=None,
                                        reach_cut=None).to_dict()
    assert len(with_confidence["layer"]) == 1  # labels from evidence: no cut-off lines
    encoding = with_confidence["layer"][0]["encoding"]
    assert encoding["opacity"]["field"] == "confidence"
    assert any(t.get("field") == "confidence" for t in encoding["tooltip"])


def many_roles() -> pd.DataFrame:
    """10,310 accounts: 6,000 networkers (confidence rising with their number), 300 influencers, 10 hubs, 4,000 regulars."""
    n = {"networker": 6000, "influencer": 300, "hub": 10, "regular": 4000}
    role = np.repeat(list(n), list(n.values()))
    place = {"networker": (0.99, 0.30), "influencer": (0.10, 0.99), "hub": (0.99, 0.99), "regular": (0.01, 0.01)}
    return pd.DataFrame({"handle": [f"a{i}" for i in range(len(role))], "role": role,
                         "reach": [place[r][0] for r in role], "influence": [place[r][1] for r in role],
                         "confidence": np.r_[np.linspace(0.9, 0.999, 6000), np.full(310, 0.95), np.full(4000, 0.99)]})


def test_role_quadrant_keeps_the_strongest_labels_over_a_density_of_the_rest():
    frame = many_roles()
    spec = viz.role_quadrant(frame, influence_cut=None, reach_cut=None).to_dict()
    cells, points = spec["layer"]
    rows = {name: pd.DataFrame(data) for name, data in spec["datasets"].items()}
    shown = next(r for r in rows.values() if "handle" in r)
    density = next(r for r in rows.values() if "accounts" in r)
    assert len(shown) + len(density) < viz.MAX_ROWS
    # 1,000 networkers (those with the highest confidence: the last 1,000), every influencer and hub, no regular
    assert shown["role"].value_counts().to_dict() == {"networker": 1000, "influencer": 300, "hub": 10}
    assert set(shown.loc[shown["role"] == "networker", "handle"]) == {f"a{i}" for i in range(5000, 6000)}
    # the other 5,000 networkers sit in one cell (reach 0.99 -> column 24, influence 0.30 -> row 7), the regulars in (0, 0)
    assert density.sort_values("accounts").to_dict("records") == [
        {"x0": 0.0, "y0": 0.0, "accounts": 4000, "x1": 0.04, "y1": 0.04},
        {"x0": 0.96, "y0": 0.28, "accounts": 5000, "x1": 1.0, "y1": 0.32}]
    assert spec["title"] == {"text": "Influence versus reach", "subtitle": [
        "points: the 1,310 labelled accounts with the strongest evidence (at most 1,000 per role) of 10,310;",
        "the grey cells count the other 9,000, 5,000 of them labelled"]}
    assert cells["mark"]["type"] == "rect" and points["mark"]["type"] == "circle"
    assert spec["resolve"] == {"scale": {"color": "independent"}}
    assert viz.to_svg(viz.role_quadrant(frame, influence_cut=None, reach_cut=None)).startswith("<svg")
    small = viz.role_quadrant(frame.head(50), influence_cut=None, reach_cut=None).to_dict()
    assert len(small["layer"]) == 1 and small["title"] == "Influence versus reach"  # every account a point
    with pytest.raises(ParameterError, match="at least 1"):
        viz.role_quadrant(frame, top_per_role=0)


def test_rank_disagreement_melts_a_square_matrix():
    names = ["followers", "shares", "reach"]
    matrix = pd.DataFrame([[1.0, 0.2, -0.5], [0.2, 1.0, 0.1], [-0.5, 0.1, 1.0]], index=names, columns=names)
    chart = viz.rank_disagreement(matrix)
    rows = data_of(chart)
    assert len(rows) == 9
    assert {(r["a"], r["b"]): r["spearman"] for r in rows}[("followers", "reach")] == -0.5


def test_cohort_heatmap_and_stability_and_share_bars():
    cohorts = pd.DataFrame({"cohort": [WEEKS[0], WEEKS[0], WEEKS[1]], "offset": [0, 1, 0],
                            "retained_share": [1.0, 0.5, 1.0]})
    rows = data_of(viz.cohort_heatmap(cohorts))
    assert [r["cohort"] for r in rows] == ["2024-01-01", "2024-01-01", "2024-01-08"]
    assert viz.stability(pd.DataFrame({"resolution": [1, 1], "nmi": [0.9, 1.0]}), group="resolution").to_dict()["layer"][0]["mark"]["type"] == "boxplot"
    assert viz.share_bars(pd.DataFrame({"platform": ["twitter"], "posts": [3]}), category="platform", value="posts").to_dict()["mark"]["type"] == "bar"


def test_network_layers_edges_under_nodes():
    nodes = pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0], "community": [0, 1], "score": [0.2, 0.9], "handle": ["a", "b"]})
    edges = pd.DataFrame({"x": [0.0], "y": [0.0], "x2": [1.0], "y2": [1.0]})
    spec = viz.network(nodes, edges).to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["rule", "circle"]


def test_network_svg_keeps_positions_short_and_labels_whole():
    """The static drawing's bytes: edges carry no aria label, geometry keeps 2 decimals, text is untouched."""
    nodes = pd.DataFrame({"x": [0.123456789, 0.987654321], "y": [0.5, 0.25], "community": [0, 1],
                          "score": [0.123456789, 0.9], "handle": ["a.b.c", "d"]})
    edges = pd.DataFrame({"x": [0.123456789], "y": [0.5], "x2": [0.987654321], "y2": [0.25]})
    svg = viz.to_svg(viz.network(nodes, edges))
    lines = re.findall(r"<line [^>]*>", svg)
    assert len(lines) == 1 and "aria-label" not in lines[0]
    numbers = re.findall(r'\b(?:transform|d|x|y|x2|y2)="([^"]*)"', svg)
    assert numbers and not any(re.search(r"\.\d{3}", value) for value in numbers)
    assert "x: 0.123; y: 0.5" in svg and "handle: a.b.c" in svg and "score: 0.123456789" in svg


def test_missing_columns_are_named():
    with pytest.raises(ParameterError, match="missing column\\(s\\) size; the frame has community, n") as info:
        viz.community_sizes(pd.DataFrame({"community": [1], "n": [2]}))
    assert isinstance(info.value, WorkbenchError)
    with pytest.raises(ParameterError, match="expected a pandas DataFrame"):
        viz.time_series([1, 2], y="posts")


def test_more_rows_than_a_chart_should_embed_is_refused():
    frame = pd.DataFrame({"period": pd.date_range("2000-01-01", periods=viz.MAX_ROWS + 1, freq="h", tz="UTC"),
                          "v": np.arange(viz.MAX_ROWS + 1)})
    with pytest.raises(ParameterError, match="5001 rows .* aggregate"):
        viz.time_series(frame, y="v")


def test_ranked_charts_aggregate_large_frames():
    """SNAP Higgs has 13,305 communities: the chart draws the largest and one bar for the rest."""
    sizes = pd.DataFrame({"community": np.arange(13305), "size": np.r_[[500, 300, 200], np.full(13302, 2)]})
    rows = data_of(viz.community_sizes(sizes, n=40))
    assert len(rows) == 41 and rows[:3] == [{"community": "0", "size": 500}, {"community": "1", "size": 300},
                                            {"community": "2", "size": 200}]
    assert rows[-1] == {"community": "others (13,265 communities)", "size": 2 * 13265}
    assert sum(r["size"] for r in rows) == sizes["size"].sum()
    top = pd.DataFrame({"handle": [f"a{i}" for i in range(9000)], "v": np.arange(9000)})
    assert [r["handle"] for r in data_of(viz.ranked_bars(top, label="handle", value="v", n=3))] == ["a8999", "a8998", "a8997"]
    svg = viz.to_svg(viz.community_sizes(sizes))
    assert "others (13,265 communities)" in svg


def test_time_series_marks_partial_periods_hollow():
    frame = engagement().assign(partial=[True, False, True] * 2)
    spec = viz.time_series(frame, y="applause_rate", color="community", title="t").to_dict()
    assert "partial" in spec["title"]["subtitle"]
    fill = spec["layer"][1]["encoding"]["fill"]
    assert fill["condition"]["test"] == "datum.partial" and fill["condition"]["value"] == "white"
    assert [r["partial"] for r in data_of(viz.time_series(frame, y="applause_rate", color="community"))] == \
        [True, False, True] * 2
    hourly = pd.DataFrame({"period": pd.date_range("2016-01-22 05:00", periods=3, freq="min", tz="UTC"), "n": [1, 2, 3]})
    svg = viz.to_svg(viz.time_series(hourly, y="n"))
    assert "05:01" in svg  # sub-day periods are labelled with their time


def test_network_colours_the_largest_groups_and_greys_the_rest():
    n = 130
    community = np.r_[np.zeros(20, int), np.arange(1, 120), np.full(n - 139, 0)] if n > 139 else \
        np.r_[np.zeros(12, int), np.ones(5, int), np.arange(2, 2 + n - 17)]
    nodes = pd.DataFrame({"x": np.arange(n, dtype=float), "y": np.zeros(n), "community": community,
                          "score": np.ones(n), "handle": [f"h{i}" for i in range(n)]})
    edges = pd.DataFrame({"x": [0.0], "y": [0.0], "x2": [1.0], "y2": [1.0]})
    spec = viz.network(nodes, edges, max_colors=4).to_dict()
    color = spec["layer"][1]["encoding"]["color"]
    domain = color["scale"]["domain"]
    assert domain[:2] == ["0", "1"] and domain[-1] == "other" and len(domain) == 5
    assert domain[:-1] == sorted(domain[:-1], key=int)  # numeric order: 2 before 10, not after
    assert color["scale"]["range"][-1] == viz.OTHER_COLOR and len(set(color["scale"]["range"])) == 5
    nodes_shown = [r for r in data_of(viz.network(nodes, edges, max_colors=4)) if "community" in r]
    assert sum(r["community"] == "other" for r in nodes_shown) == n - 12 - 5 - 2


def test_table_has_no_index_and_scrolls():
    wide = pd.DataFrame({f"column_{i}": [1234567, None] for i in range(30)}, index=[10, 11])
    html = tables.table(wide, total=50).html
    assert 'overflow-x:auto' in html and "1,234,567" in html and "first 2 of 50 rows" in html
    assert "<th" in html and ">10<" not in html and ">11<" not in html  # no index column
    assert html.count("<th ") == 30


def test_svg_and_the_offline_renderer():
    chart = viz.community_sizes(pd.DataFrame({"community": [0, 1], "size": [4, 2]}))
    svg = viz.to_svg(chart)
    assert svg.startswith("<svg") and "<script" not in svg and "http://" not in svg.replace("http://www.w3.org", "")
    previous = alt.renderers.active
    try:
        viz.enable_offline_renderer()
        viz.enable_offline_renderer()  # idempotent
        bundle = chart._repr_mimebundle_()
        bundle = bundle[0] if isinstance(bundle, tuple) else bundle
        assert set(bundle) == {"image/svg+xml", "text/plain"}
        assert bundle["image/svg+xml"].startswith("<svg")
    finally:
        alt.renderers.enable(previous)
