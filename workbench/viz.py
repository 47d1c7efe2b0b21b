"""Chart builders: a DataFrame in, an :class:`altair.Chart` out.

Builders are pure: they do not query, aggregate or pseudonymise; callers hand
them small, already aggregated frames (DuckDB does the counting). A frame
larger than :data:`MAX_ROWS` is refused with a clear error instead of
altair's, so that a chart never silently drops or embeds a huge table.

Charts render offline: :func:`enable_offline_renderer` makes every displayed
chart a static SVG made by vl-convert, so that JupyterLab, Voila and HTML
reports show the same picture with no script to fetch. :func:`to_svg` gives
the SVG directly.

Examples
--------
>>> import pandas as pd
>>> sizes = pd.DataFrame({"community": [0, 1, 2], "size": [12, 7, 3]})
>>> chart = community_sizes(sizes)
>>> chart.to_dict()["mark"]["type"]
'bar'
>>> to_svg(chart).startswith("<svg")
True
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Sequence

import altair as alt
import numpy as np
import pandas as pd

from workbench.errors import ParameterError

__all__ = [
    "MAX_ROWS", "ROLE_COLORS", "to_svg", "enable_offline_renderer",
    "time_series", "ranked_bars", "community_sizes", "resolution_sweep", "stability",
    "role_quadrant", "rank_disagreement", "cohort_heatmap", "network", "share_bars",
    "campaign_timeline", "window_bars", "CAMPAIGN_COLORS",
    "QUADRANT_MAX_POINTS", "QUADRANT_TOP_PER_ROLE", "QUADRANT_BINS",
]

MAX_ROWS = 5000
ROLE_COLORS = {"influencer": "#d9480f", "networker": "#1c7ed6", "hub": "#7048e8", "regular": "#adb5bd"}
RENDERER = "workbench"
_WIDTH = 560
_HEIGHT = 260


# -- plumbing -------------------------------------------------------------------------------
def _check(frame: pd.DataFrame, columns: Sequence[str], *, what: str) -> pd.DataFrame:
    """Check that ``frame`` is a DataFrame with ``columns``."""
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(f"{what}: expected a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError(f"{what}: missing column(s) {', '.join(missing)}; the frame has {', '.join(map(str, frame.columns)) or 'none'}")
    return frame


def _prepare(frame: pd.DataFrame, columns: Sequence[str], *, what: str) -> pd.DataFrame:
    """Check the columns and the size of ``frame``; return a copy altair can serialise."""
    _check(frame, columns, what=what)
    if len(frame) > MAX_ROWS:
        raise ParameterError(f"{what}: {len(frame)} rows is more than a chart should embed ({MAX_ROWS}); "
                             "aggregate or keep the top rows first")
    out = frame.reset_index(drop=True).copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object and len(series) and isinstance(series.dropna().iloc[0] if series.notna().any() else None,
                                                                  (_dt.date, _dt.datetime)):
            out[column] = pd.to_datetime(series, utc=True)
    return out


def _time_axis(column: str, title: str | None = None) -> alt.X:
    return alt.X(f"{column}:T", title=title if title is not None else column,
                 scale=alt.Scale(type="utc"), axis=alt.Axis(format="%Y-%m-%d", labelAngle=-30))


# Geometry attributes of Vega's SVG, whose numbers it writes to 13-16 digits; a hundredth of a pixel is
# below what a screen shows, and the digits are most of a large drawing's bytes.
_GEOMETRY = re.compile(r'\b(transform|d|x|y|x1|x2|y1|y2|width|height|points)="([^"]*)"')
_LONG_DECIMAL = re.compile(r"(\d\.\d\d)\d+")


def _svg(spec: dict) -> str:
    import vl_convert

    svg = vl_convert.vegalite_to_svg(spec, allowed_base_urls=[])
    return _GEOMETRY.sub(lambda m: m[1] + '="' + _LONG_DECIMAL.sub(r"\1", m[2]) + '"', svg)


def to_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as a standalone SVG string (vl-convert; no network, no browser).

    Positions are kept to a hundredth of a pixel (the text of labels and tooltips is untouched).
    """
    return _svg(chart.to_dict())


def _offline_renderer(spec: dict, **metadata: object) -> dict:
    return {"image/svg+xml": _svg(spec), "text/plain": "<altair chart, rendered as SVG>"}


def enable_offline_renderer() -> None:
    """Display every chart as a static SVG made in-process by vl-convert; idempotent.

    The same output then shows in JupyterLab, in Voila and in an nbconvert
    HTML report, with no script to load. (JupyterLab 4's bundled renderer
    knows Vega-Lite 5, while altair 6 writes Vega-Lite 6 specs, so the
    spec itself is not sent.)
    """
    if RENDERER not in alt.renderers.names():
        alt.renderers.register(RENDERER, _offline_renderer)
    alt.renderers.enable(RENDERER)


# -- builders -------------------------------------------------------------------------------
def time_series(frame: pd.DataFrame, *, y: str | Sequence[str], x: str = "period", color: str | None = None,
                title: str = "", mark: str = "line") -> alt.Chart:
    """One line (or bar) per series over time.

    ``y`` may name several columns: they are folded into one ``metric`` colour
    (and ``color`` is then not allowed).
    """
    measures = [y] if isinstance(y, str) else list(y)
    if len(measures) > 1 and color is not None:
        raise ParameterError("time_series: give either several y columns or a color column, not both")
    data = _prepare(frame, [x, *measures, *([color] if color else [])], what="time_series")
    partial = "partial" in data.columns and bool(data["partial"].fillna(False).astype(bool).any())
    if "partial" in data.columns:
        data["partial"] = data["partial"].fillna(False).astype(bool)
    subtitle = "hollow points: partial periods (cut by the start or end of the data)" if partial else alt.Undefined
    heading = alt.TitleParams(title, subtitle=subtitle)
    base = alt.Chart(data, width=_WIDTH, height=_HEIGHT)
    if len(measures) > 1:
        base = base.transform_fold(measures, as_=["metric", "value"])
        y_enc, series, tip = alt.Y("value:Q", title=None), "metric:N", ["metric:N", "value:Q"]
    else:
        y_enc, tip = alt.Y(f"{measures[0]}:Q", title=measures[0]), [f"{measures[0]}:Q"]
        series = f"{color}:N" if color else None
        if color:
            tip = [f"{color}:N", *tip]
    color_enc = alt.Color(series) if series else alt.Undefined
    stamps = data[x]
    short = pd.api.types.is_datetime64_any_dtype(stamps) and len(stamps) and \
        bool((stamps.dropna() != stamps.dropna().dt.normalize()).any())
    time_format = "%Y-%m-%d %H:%M" if short else "%Y-%m-%d"
    x_enc = _time_axis(x)
    if short:
        x_enc = alt.X(f"{x}:T", title=x, scale=alt.Scale(type="utc"), axis=alt.Axis(format=time_format, labelAngle=-30))
    tooltip = [alt.Tooltip(f"{x}:T", format=time_format), *tip, *(["partial:N"] if partial else [])]
    if mark == "bar":
        return base.mark_bar().encode(x=x_enc, y=y_enc, color=color_enc, tooltip=tooltip,
                                      opacity=alt.condition("datum.partial", alt.value(0.4), alt.value(1.0))
                                      if partial else alt.Undefined).properties(title=heading)
    line = base.mark_line().encode(x=x_enc, y=y_enc, color=color_enc)
    points = base.mark_point(filled=True, size=45).encode(
        x=x_enc, y=y_enc, tooltip=tooltip,
        stroke=alt.Stroke(series, legend=None) if series else alt.value("#4c78a8"),
        fill=(alt.condition("datum.partial", alt.value("white"), alt.Fill(series, legend=None)) if series and partial
              else alt.Fill(series, legend=None) if series
              else alt.condition("datum.partial", alt.value("white"), alt.value("#4c78a8")) if partial
              else alt.value("#4c78a8")))
    return alt.layer(line, points, title=heading)


def ranked_bars(frame: pd.DataFrame, *, label: str, value: str, color: str | None = None, n: int = 20,
                title: str = "", color_scale: dict[str, str] | None = None) -> alt.Chart:
    """Horizontal bars of the ``n`` largest ``value`` (top accounts, hashtags, links)."""
    _check(frame, [label, value, *([color] if color else [])], what="ranked_bars")
    data = _prepare(frame.sort_values(value, ascending=False, kind="stable").head(n),
                    [label, value, *([color] if color else [])], what="ranked_bars")
    data[label] = data[label].astype(str)
    if color and color_scale:
        color_enc = alt.Color(f"{color}:N", scale=alt.Scale(domain=list(color_scale), range=list(color_scale.values())))
    else:
        color_enc = alt.Color(f"{color}:N") if color else alt.Undefined
    return alt.Chart(data, title=title, width=_WIDTH - 160).mark_bar().encode(
        y=alt.Y(f"{label}:N", sort="-x", title=None),
        x=alt.X(f"{value}:Q", title=value),
        color=color_enc,
        tooltip=[f"{label}:N", f"{value}:Q", *([f"{color}:N"] if color else [])],
    )


def share_bars(frame: pd.DataFrame, *, category: str, value: str, title: str = "") -> alt.Chart:
    """Vertical bars of ``value`` per ``category`` (platforms, kinds), in frame order."""
    data = _prepare(frame, [category, value], what="share_bars")
    data[category] = data[category].astype(str)
    return alt.Chart(data, title=title, width=min(_WIDTH, 60 * max(len(data), 1) + 40), height=_HEIGHT).mark_bar().encode(
        x=alt.X(f"{category}:N", sort=None, title=category, axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{value}:Q", title=value), tooltip=[f"{category}:N", f"{value}:Q"])


def community_sizes(frame: pd.DataFrame, *, community: str = "community", size: str = "size", n: int = 40,
                    title: str = "Community sizes") -> alt.Chart:
    """Bars of community sizes, largest first: the ``n`` largest, then one bar for all the others.

    >>> big = pd.DataFrame({"community": range(13305), "size": [50] + [2] * 13304})
    >>> bars = community_sizes(big, n=3).to_dict()["datasets"]
    >>> [row["community"] for row in list(bars.values())[0]][-1]
    'others (13,302 communities)'
    """
    _check(frame, [community, size], what="community_sizes")
    ordered = frame[[community, size]].sort_values(size, ascending=False, kind="stable")
    top = ordered.head(n).copy()
    top[community] = top[community].astype(str)
    rest = ordered.iloc[n:]
    if len(rest):
        label = f"others ({len(rest):,} communities)"
        top = pd.concat([top, pd.DataFrame({community: [label], size: [rest[size].sum()]})], ignore_index=True)
    data = _prepare(top, [community, size], what="community_sizes")
    order = data[community].tolist()
    return alt.Chart(data, title=title, width=_WIDTH, height=_HEIGHT).mark_bar().encode(
        x=alt.X(f"{community}:N", sort=order, title="community", axis=alt.Axis(labelAngle=-45 if len(rest) else 0)),
        y=alt.Y(f"{size}:Q", title="accounts"),
        color=alt.condition(f"datum['{community}'] == '{order[-1]}'", alt.value("#adb5bd"), alt.value("#4c78a8"))
        if len(rest) else alt.value("#4c78a8"),
        tooltip=[f"{community}:N", f"{size}:Q"],
    )


def resolution_sweep(frame: pd.DataFrame, *, resolution: str = "resolution",
                     measures: Sequence[str] = ("n_communities", "modularity"), title: str = "Resolution sweep") -> alt.VConcatChart:
    """One small line chart per measure against the resolution parameter."""
    data = _prepare(frame, [resolution, *measures], what="resolution_sweep")
    base = alt.Chart(data, width=_WIDTH, height=140)
    panels = [base.mark_line(point=True).encode(
        x=alt.X(f"{resolution}:Q", title="resolution", scale=alt.Scale(type="log") if (data[resolution] > 0).all() else alt.Undefined),
        y=alt.Y(f"{m}:Q", title=m), tooltip=[f"{resolution}:Q", f"{m}:Q"]) for m in measures]
    return alt.vconcat(*panels, title=title)


def stability(frame: pd.DataFrame, *, group: str, value: str = "nmi", title: str = "Stability across seeds") -> alt.LayerChart:
    """Spread of a similarity score (e.g. NMI between runs with different seeds) per group."""
    data = _prepare(frame, [group, value], what="stability")
    data[group] = data[group].astype(str)
    base = alt.Chart(data, title=title, width=_WIDTH, height=_HEIGHT)
    box = base.mark_boxplot(extent="min-max").encode(x=alt.X(f"{group}:N", title=group, sort=None),
                                                     y=alt.Y(f"{value}:Q", title=value, scale=alt.Scale(domain=[0, 1])))
    return alt.layer(box, base.mark_point(opacity=0.4, color="black").encode(
        x=alt.X(f"{group}:N", sort=None), y=f"{value}:Q", tooltip=[f"{group}:N", f"{value}:Q"]))


#: Labelled accounts drawn as points per role when a quadrant has more accounts than it draws one by one.
QUADRANT_TOP_PER_ROLE = 1000
#: Accounts a quadrant draws one by one; past this, labelled accounts are thinned and the rest binned.
QUADRANT_MAX_POINTS = 3000
#: Cells per axis of the density drawn behind the points of a large quadrant.
QUADRANT_BINS = 25


def _quadrant_points(frame: pd.DataFrame, *, x: str, y: str, role: str, confidence: str, max_points: int,
                     top_per_role: int, bins: int) -> tuple[pd.DataFrame, pd.DataFrame | None, list[str]]:
    """The accounts a quadrant draws as points, the binned density of the others, and the lines saying what was left out.

    Up to ``max_points`` accounts every one is a point. Beyond, the points are the ``top_per_role``
    labelled accounts of each role, strongest evidence first (``confidence``, then the role's own
    percentiles), and every other account, regular or labelled, counts in a ``bins`` x ``bins``
    grid over the unit square.
    """
    if len(frame) <= max_points:
        return frame, None, []
    frame = frame.reset_index(drop=True)
    labelled = frame[frame[role] != "regular"]
    order = [c for c in (confidence, y, x) if c in labelled.columns]
    strongest = labelled.sort_values(order, ascending=False, kind="stable", na_position="last")
    points = strongest.groupby(role, sort=False, observed=True).head(top_per_role)
    rest = frame.drop(index=points.index)
    cell = 1.0 / bins
    column = np.clip(np.floor(pd.to_numeric(rest[x], errors="coerce").fillna(0.0).to_numpy() / cell), 0, bins - 1)
    row = np.clip(np.floor(pd.to_numeric(rest[y], errors="coerce").fillna(0.0).to_numpy() / cell), 0, bins - 1)
    codes, counts = np.unique((row * bins + column).astype(np.int64), return_counts=True)
    column, row = codes % bins, codes // bins
    density = pd.DataFrame({"x0": column / bins, "y0": row / bins, "accounts": counts,
                            "x1": (column + 1) / bins, "y1": (row + 1) / bins})
    left_labelled = len(labelled) - len(points)
    note = [f"points: the {len(points):,} labelled accounts with the strongest evidence (at most {top_per_role:,} "
            f"per role) of {len(frame):,};",
            f"the grey cells count the other {len(rest):,}" + (f", {left_labelled:,} of them labelled" if left_labelled else "")]
    return points, density, note


def role_quadrant(frame: pd.DataFrame, *, x: str = "reach", y: str = "influence", role: str = "role",
                  label: str = "handle", reach_cut: float | None = 0.95, influence_cut: float | None = 0.95,
                  confidence: str = "confidence", title: str = "Influence versus reach",
                  max_points: int = QUADRANT_MAX_POINTS, top_per_role: int = QUADRANT_TOP_PER_ROLE,
                  bins: int = QUADRANT_BINS) -> alt.LayerChart:
    """Accounts by reach (x) and influence (y), coloured by role, with the cut-off lines.

    Influencers sit top left (above the influence cut-off, left of the reach cut-off),
    networkers bottom right, hubs top right. Cut-offs of None draw no line (labels from
    evidence have none). Where ``frame`` has a ``confidence`` column, the label's confidence
    is in the tooltip and sets each point's opacity.

    A frame of more than ``max_points`` accounts is thinned, not refused: the ``top_per_role``
    labelled accounts of each role with the strongest evidence are points, every other account
    counts in a grey density of ``bins`` x ``bins`` cells behind them, and the subtitle says how
    many were left out.

    >>> many = pd.DataFrame({"handle": range(9000), "reach": np.linspace(0, 1, 9000), "influence": 0.5,
    ...                      "role": ["networker"] * 6000 + ["regular"] * 3000})
    >>> spec = role_quadrant(many, influence_cut=None, reach_cut=None, top_per_role=100).to_dict()
    >>> spec["title"]["subtitle"][1]
    'the grey cells count the other 8,900, 5,900 of them labelled'
    """
    _check(frame, [x, y, role, label], what="role_quadrant")
    if min(max_points, top_per_role, bins) < 1:
        raise ParameterError(f"role_quadrant: max_points, top_per_role and bins must be at least 1; "
                             f"got {max_points}, {top_per_role}, {bins}")
    shown, density, note = _quadrant_points(frame, x=x, y=y, role=role, confidence=confidence,
                                            max_points=max_points, top_per_role=top_per_role, bins=bins)
    data = _prepare(shown, [x, y, role, label], what="role_quadrant")
    data[label] = data[label].astype(str)
    tooltip = [f"{label}:N", f"{role}:N", alt.Tooltip(f"{x}:Q", format=".2f"), alt.Tooltip(f"{y}:Q", format=".2f")]
    opacity: Any = alt.value(0.8)
    if confidence in frame.columns:
        data[confidence] = pd.to_numeric(data[confidence], errors="coerce")
        tooltip.append(alt.Tooltip(f"{confidence}:Q", format=".2f", title="confidence"))
        opacity = alt.Opacity(f"{confidence}:Q", scale=alt.Scale(domain=[0, 1], range=[0.25, 0.95]),
                              legend=alt.Legend(title="confidence"))
    side = _WIDTH - 100
    x_axis = alt.X(f"{x}:Q", title=f"{x} (percentile)", scale=alt.Scale(domain=[0, 1]))
    y_axis = alt.Y(f"{y}:Q", title=f"{y} (percentile)", scale=alt.Scale(domain=[0, 1]))
    points = alt.Chart(data, width=side, height=side).mark_circle(size=45).encode(
        x=x_axis, y=y_axis,
        color=alt.Color(f"{role}:N", scale=alt.Scale(domain=list(ROLE_COLORS), range=list(ROLE_COLORS.values())),
                        legend=alt.Legend(title="role")),
        opacity=opacity, tooltip=tooltip,
    )
    layers: list[Any] = [points]
    if density is not None:
        cells = alt.Chart(_prepare(density, ["x0", "y0", "x1", "y1", "accounts"], what="role_quadrant density"),
                          width=side, height=side).mark_rect().encode(
            x=alt.X("x0:Q", title=f"{x} (percentile)", scale=alt.Scale(domain=[0, 1])), x2="x1:Q",
            y=alt.Y("y0:Q", title=f"{y} (percentile)", scale=alt.Scale(domain=[0, 1])), y2="y1:Q",
            color=alt.Color("accounts:Q", scale=alt.Scale(type="log", range=["#f1f3f5", "#495057"]),
                            legend=alt.Legend(title="other accounts")),
            tooltip=[alt.Tooltip("accounts:Q", title="accounts in this cell", format=",")])
        layers.insert(0, cells)
    if reach_cut is not None or influence_cut is not None:
        cuts = alt.Chart(pd.DataFrame({"x": [reach_cut], "y": [influence_cut]}))
        if reach_cut is not None:
            layers.append(cuts.mark_rule(strokeDash=[4, 4], color="#495057").encode(x="x:Q"))
        if influence_cut is not None:
            layers.append(cuts.mark_rule(strokeDash=[4, 4], color="#495057").encode(y="y:Q"))
    chart = alt.layer(*layers, title=alt.Title(title, subtitle=note) if note else title)
    return chart.resolve_scale(color="independent") if density is not None else chart


def rank_disagreement(frame: pd.DataFrame, *, title: str = "Do the rankings agree? (Spearman)") -> alt.LayerChart:
    """Heatmap of a square correlation matrix (index and columns: ranking names)."""
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(f"rank_disagreement: expected a pandas DataFrame, got {type(frame).__name__}")
    square = frame.copy()
    square.index = square.index.astype(str)
    square.columns = [str(c) for c in square.columns]
    long = pd.DataFrame({"a": [r for r in square.index for _ in square.columns],
                         "b": [c for _ in square.index for c in square.columns],
                         "spearman": square.to_numpy(dtype=float).ravel()})
    data = _prepare(long, ["a", "b", "spearman"], what="rank_disagreement")
    order = list(square.columns)
    base = alt.Chart(data, title=title, width=60 * len(order) + 40, height=60 * len(order) + 40).encode(
        x=alt.X("a:N", sort=order, title=None), y=alt.Y("b:N", sort=order, title=None))
    cells = base.mark_rect().encode(color=alt.Color("spearman:Q", scale=alt.Scale(domain=[-1, 1], scheme="redblue")),
                                    tooltip=["a:N", "b:N", alt.Tooltip("spearman:Q", format=".2f")])
    text = base.mark_text().encode(text=alt.Text("spearman:Q", format=".2f"))
    return alt.layer(cells, text)


def cohort_heatmap(frame: pd.DataFrame, *, cohort: str = "cohort", offset: str = "offset", value: str = "retained_share",
                   title: str = "Retention by cohort", max_cohorts: int = 30) -> alt.LayerChart:
    """Cohort table: rows are first-seen periods, columns periods later, cells a share in [0, 1].

    At most ``max_cohorts`` cohorts (the first ones) and as many periods later are drawn.
    """
    _check(frame, [cohort, offset, value], what="cohort_heatmap")
    cohorts = sorted(pd.unique(frame[cohort].dropna()))
    if len(cohorts) > max_cohorts:
        frame = frame[frame[cohort].isin(cohorts[:max_cohorts]) & (frame[offset] < max_cohorts)]
        title = f"{title} (first {max_cohorts} of {len(cohorts)} cohorts)"
    data = _prepare(frame, [cohort, offset, value], what="cohort_heatmap")
    if pd.api.types.is_datetime64_any_dtype(data[cohort]):
        short = bool((data[cohort] != data[cohort].dt.normalize()).any())
        data[cohort] = data[cohort].dt.strftime("%Y-%m-%d %H:%M" if short else "%Y-%m-%d")
    data[cohort] = data[cohort].astype(str)
    base = alt.Chart(data, title=title, width=_WIDTH, height=max(120, 18 * data[cohort].nunique())).encode(
        x=alt.X(f"{offset}:O", title="periods later"), y=alt.Y(f"{cohort}:O", title="cohort (first seen)"))
    cells = base.mark_rect().encode(color=alt.Color(f"{value}:Q", scale=alt.Scale(domain=[0, 1], scheme="blues")),
                                    tooltip=[f"{cohort}:O", f"{offset}:O", alt.Tooltip(f"{value}:Q", format=".0%")])
    return alt.layer(cells, base.mark_text(fontSize=9).encode(text=alt.Text(f"{value}:Q", format=".0%")))


NETWORK_PALETTE = ("#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2", "#ff9da6",
                   "#9d755d")
OTHER_COLOR = "#ced4da"


def network(nodes: pd.DataFrame, edges: pd.DataFrame, *, color: str = "community", size: str = "score",
            label: str = "handle", title: str = "Network", max_colors: int = len(NETWORK_PALETTE)) -> alt.LayerChart:
    """A static node-link drawing from precomputed positions.

    ``nodes`` has ``x``, ``y``, ``color``, ``size`` and ``label`` columns;
    ``edges`` has ``x``, ``y``, ``x2``, ``y2`` (positions of both ends). The
    ``max_colors`` groups with most nodes get a colour each, the legend in
    numeric order; every other node is grey ("other"), so that no colour stands
    for two groups.
    """
    node_data = _prepare(nodes, ["x", "y", color, size, label], what="network nodes")
    edge_data = _prepare(edges, ["x", "y", "x2", "y2"], what="network edges")
    # layout positions mean nothing to a reader beyond the drawing: 3 decimals keep the labels short
    node_data[["x", "y"]] = node_data[["x", "y"]].round(3)
    edge_data[["x", "y", "x2", "y2"]] = edge_data[["x", "y", "x2", "y2"]].round(3)
    counts = node_data[color].value_counts(sort=True)
    biggest = list(counts.index[:max_colors])
    try:
        biggest = sorted(biggest, key=float)
    except (TypeError, ValueError):
        biggest = sorted(biggest, key=str)
    named = [str(v) for v in biggest]
    node_data[color] = node_data[color].map(lambda v: str(v) if v in set(biggest) else "other")
    domain = named + (["other"] if (node_data[color] == "other").any() else [])
    palette = list(NETWORK_PALETTE[:len(named)]) + ([OTHER_COLOR] if "other" in domain else [])
    node_data[label] = node_data[label].astype(str)
    axis = dict(axis=None, scale=alt.Scale(zero=False))
    lines = alt.Chart(edge_data).mark_rule(opacity=0.25, color="#868e96", aria=False).encode(
        x=alt.X("x:Q", **axis), y=alt.Y("y:Q", **axis), x2="x2:Q", y2="y2:Q")
    dots = alt.Chart(node_data).mark_circle(opacity=0.9, stroke="white", strokeWidth=0.5).encode(
        x=alt.X("x:Q", **axis), y=alt.Y("y:Q", **axis),
        color=alt.Color(f"{color}:N", scale=alt.Scale(domain=domain, range=palette),
                        legend=alt.Legend(title=color, columns=2, symbolLimit=len(domain))),
        size=alt.Size(f"{size}:Q", legend=None, scale=alt.Scale(range=[15, 400])),
        tooltip=[f"{label}:N", f"{color}:N", alt.Tooltip(f"{size}:Q", format=".3f")])
    return alt.layer(lines, dots, title=title).properties(width=_WIDTH, height=_WIDTH - 80).configure_view(stroke=None)


# -- campaigns (appended for workbench/campaigns) ---------------------------------------------
CAMPAIGN_COLORS = {"manual": "#1c7ed6", "detected": "#f08c00", "selected": "#d9480f"}


def campaign_timeline(series: pd.DataFrame, campaigns: pd.DataFrame, *, x: str = "day", y: str = "actions",
                      baseline: str | None = "baseline", title: str = "Activity and campaigns") -> alt.LayerChart:
    """Activity over time with each campaign drawn as a band, labelled with its name; its note in the tooltip.

    ``series`` has ``x`` (dates), ``y`` and optionally ``baseline`` (drawn dashed);
    ``campaigns`` has ``name``, ``start_at``, ``end_at`` (exclusive), ``source`` (manual,
    detected or selected: the band's colour) and ``note``.
    """
    data = _prepare(series, [x, y, *([baseline] if baseline else [])], what="campaign_timeline series")
    bands = _prepare(campaigns, ["name", "start_at", "end_at", "source", "note"], what="campaign_timeline campaigns")
    bands["name"] = bands["name"].astype(str)
    bands["note"] = bands["note"].fillna("").astype(str)
    colors = alt.Scale(domain=list(CAMPAIGN_COLORS), range=list(CAMPAIGN_COLORS.values()))
    base = alt.Chart(data, width=_WIDTH + 120, height=_HEIGHT)
    layers = [
        alt.Chart(bands).mark_rect(opacity=0.18).encode(
            x=_time_axis("start_at", title=None), x2="end_at:T",
            color=alt.Color("source:N", scale=colors, legend=alt.Legend(title="campaign")),
            tooltip=["name:N", alt.Tooltip("start_at:T", format="%Y-%m-%d %H:%M"),
                     alt.Tooltip("end_at:T", format="%Y-%m-%d %H:%M"), "note:N"]),
        alt.Chart(bands).mark_text(align="left", baseline="top", dx=3, fontSize=10, angle=0).encode(
            x=alt.X("start_at:T", title=None), y=alt.value(4), text="name:N",
            color=alt.Color("source:N", scale=colors, legend=None)),
        # a day's count holds for the whole day: a step from its midnight to the next, level with the bands
        base.mark_line(color="#343a40", interpolate="step-after").encode(
            x=_time_axis(x, title=None), y=alt.Y(f"{y}:Q", title=y),
                                               tooltip=[alt.Tooltip(f"{x}:T", format="%Y-%m-%d"), f"{y}:Q"]),
    ]
    if baseline:
        layers.append(base.mark_line(color="#868e96", strokeDash=[4, 3], interpolate="step-after").encode(
            x=alt.X(f"{x}:T", title=None), y=f"{baseline}:Q"))
    return alt.layer(*layers, title=title)


def window_bars(frame: pd.DataFrame, *, measures: Sequence[str], window: str = "window",
                title: str = "Before, during and after") -> alt.FacetChart:
    """One small bar chart per measure, with a bar per window (before, during, after) in frame order."""
    data = _prepare(frame, [window, *measures], what="window_bars")
    data[window] = data[window].astype(str)
    order = list(dict.fromkeys(data[window]))
    long = data.melt(id_vars=[window], value_vars=list(measures), var_name="measure", value_name="value")
    return alt.Chart(long, width=130, height=150).mark_bar().encode(
        x=alt.X(f"{window}:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=None),
        color=alt.Color(f"{window}:N", sort=order, legend=None,
                        scale=alt.Scale(domain=order, range=["#adb5bd", "#d9480f", "#1c7ed6"][:len(order)] or None)),
        tooltip=[f"{window}:N", "measure:N", alt.Tooltip("value:Q", format=",.3~f")],
    ).facet(column=alt.Column("measure:N", sort=list(measures), title=None), title=title).resolve_scale(y="independent")
