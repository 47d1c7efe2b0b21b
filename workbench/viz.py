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
from typing import Sequence

import altair as alt
import pandas as pd

from workbench.errors import ParameterError

__all__ = [
    "MAX_ROWS", "ROLE_COLORS", "to_svg", "enable_offline_renderer",
    "time_series", "ranked_bars", "community_sizes", "resolution_sweep", "stability",
    "role_quadrant", "rank_disagreement", "cohort_heatmap", "network", "share_bars", "table", "Table",
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


def to_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as a standalone SVG string (vl-convert; no network, no browser)."""
    import vl_convert

    return vl_convert.vegalite_to_svg(chart.to_dict(), allowed_base_urls=[])


def _offline_renderer(spec: dict, **metadata: object) -> dict:
    import vl_convert

    return {"image/svg+xml": vl_convert.vegalite_to_svg(spec, allowed_base_urls=[]),
            "text/plain": "<altair chart, rendered as SVG>"}


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


def role_quadrant(frame: pd.DataFrame, *, x: str = "reach", y: str = "influence", role: str = "role",
                  label: str = "handle", reach_cut: float = 0.95, influence_cut: float = 0.95,
                  title: str = "Influence versus reach") -> alt.LayerChart:
    """Accounts by reach (x) and influence (y), coloured by role, with the cut-off lines.

    Influencers sit top left (above the influence cut-off, left of the reach
    cut-off), networkers bottom right, hubs top right.
    """
    data = _prepare(frame, [x, y, role, label], what="role_quadrant")
    data[label] = data[label].astype(str)
    base = alt.Chart(data, width=_WIDTH - 100, height=_WIDTH - 100)
    points = base.mark_circle(size=45, opacity=0.8).encode(
        x=alt.X(f"{x}:Q", title=f"{x} (percentile)", scale=alt.Scale(domain=[0, 1])),
        y=alt.Y(f"{y}:Q", title=f"{y} (percentile)", scale=alt.Scale(domain=[0, 1])),
        color=alt.Color(f"{role}:N", scale=alt.Scale(domain=list(ROLE_COLORS), range=list(ROLE_COLORS.values())),
                        legend=alt.Legend(title="role")),
        tooltip=[f"{label}:N", f"{role}:N", alt.Tooltip(f"{x}:Q", format=".2f"), alt.Tooltip(f"{y}:Q", format=".2f")],
    )
    cuts = alt.Chart(pd.DataFrame({"x": [reach_cut], "y": [influence_cut]}))
    return alt.layer(points, cuts.mark_rule(strokeDash=[4, 4], color="#495057").encode(x="x:Q"),
                     cuts.mark_rule(strokeDash=[4, 4], color="#495057").encode(y="y:Q"), title=title)


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
    lines = alt.Chart(edge_data).mark_rule(opacity=0.25, color="#868e96").encode(
        x=alt.X("x:Q", **axis), y=alt.Y("y:Q", **axis), x2="x2:Q", y2="y2:Q")
    dots = alt.Chart(node_data).mark_circle(opacity=0.9, stroke="white", strokeWidth=0.5).encode(
        x=alt.X("x:Q", **axis), y=alt.Y("y:Q", **axis),
        color=alt.Color(f"{color}:N", scale=alt.Scale(domain=domain, range=palette),
                        legend=alt.Legend(title=color, columns=2, symbolLimit=len(domain))),
        size=alt.Size(f"{size}:Q", legend=None, scale=alt.Scale(range=[15, 400])),
        tooltip=[f"{label}:N", f"{color}:N", alt.Tooltip(f"{size}:Q", format=".3f")])
    return alt.layer(lines, dots, title=title).properties(width=_WIDTH, height=_WIDTH - 80).configure_view(stroke=None)


# -- tables -----------------------------------------------------------------------------------
class Table:
    """An HTML table for notebooks and reports (``_repr_html_``), with the frame's text as its plain form."""

    def __init__(self, html: str, text: str):
        self.html = html
        self.text = text

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text


def _cell_text(series: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(series):
        return series.map(lambda v: "" if pd.isna(v) else ("yes" if v else "no"))
    if pd.api.types.is_integer_dtype(series):
        return series.map(lambda v: "" if pd.isna(v) else f"{int(v):,}")
    if pd.api.types.is_float_dtype(series):
        return series.map(lambda v: "" if pd.isna(v) else (f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"))
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.map(lambda v: "" if pd.isna(v) else (v.strftime("%Y-%m-%d") if v == v.normalize()
                                                             else v.strftime("%Y-%m-%d %H:%M")))
    return series.map(lambda v: "" if v is None or (not isinstance(v, (list, tuple, dict)) and pd.isna(v)) else str(v))


def table(frame: pd.DataFrame, *, total: int | None = None, max_rows: int = 200) -> Table:
    """``frame`` as an HTML table: no index column, numbers right-aligned with separators, sideways scrolling.

    A wide table scrolls inside its box instead of being cut off by the page; ``total``
    (the rows before the caller kept the first few) adds a line "first N of M rows".

    >>> t = table(pd.DataFrame({"handle": ["a<b"], "posts": [12345]}, index=[7]))
    >>> "12,345" in t.html and "a&lt;b" in t.html and ">7<" not in t.html
    True
    >>> pivot = pd.DataFrame({"rank": [1, 2], "community": [0, 0], "handle": ["x", "y"]}).pivot(
    ...     index="rank", columns="community", values="handle")
    >>> table(pivot).text.split()
    ['rank', '0', '1', 'x', '2', 'y']
    """
    import html as html_module

    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(f"table: expected a pandas DataFrame, got {type(frame).__name__}")
    shown = frame.head(max_rows)
    # a named index (a pivot's "rank") is data and becomes the first column; row numbers are dropped
    named = isinstance(shown.index, pd.MultiIndex) or shown.index.name is not None
    shown = shown.reset_index(drop=not named)
    shown.columns = [str(c) for c in shown.columns]
    numeric = [pd.api.types.is_numeric_dtype(shown[c]) and not pd.api.types.is_bool_dtype(shown[c])
               for c in shown.columns]
    head = "".join(f'<th style="text-align:{"right" if num else "left"}">{html_module.escape(str(c))}</th>'
                   for c, num in zip(shown.columns, numeric))
    cells = [_cell_text(shown[c]).map(html_module.escape).tolist() for c in shown.columns]
    body = "".join(
        "<tr>" + "".join(f'<td style="text-align:{"right" if num else "left"}">{col[i]}</td>'
                         for col, num in zip(cells, numeric)) + "</tr>"
        for i in range(len(shown)))
    total = len(frame) if total is None else int(total)
    note = (f'<div class="wb-table-note">first {len(shown):,} of {total:,} rows</div>' if total > len(shown) else "")
    if not len(shown):
        note = '<div class="wb-table-note">no rows</div>'
    html = ('<div class="wb-table" style="overflow-x:auto;max-width:100%">'
            f'<table style="border-collapse:collapse;white-space:nowrap"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>{note}</div>")
    text = shown.to_string(index=False) if len(shown) else "(no rows)"
    return Table(html, text)
