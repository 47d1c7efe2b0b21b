"""Widget panels: controls that recompute through the package and redraw a chart.

Every panel displays as two outputs: the live widget (controls, status and a
chart area, drawn by a kernel) and, beside it, a static SVG of its result for
the default parameters. A notebook converted with plain ``jupyter nbconvert``
(no kernel, no widget JavaScript) or a workbench report shows the static chart;
in JupyterLab the static chart is the panel's picture until a control moves,
when it gives way to the live one, so the chart is never shown twice. Panels keep their logic
out of the callbacks: ``panel.update(resolution=2.0)`` is what moving the
slider does, so tests drive panels in-process without a browser.

Panels take a pseudonymiser (:mod:`workbench.privacy`); everything they
display goes through it.

Examples
--------
>>> import igraph as ig
>>> from workbench import widgets
>>> g = ig.Graph.Famous("Zachary"); g.vs["account_id"] = [f"karate:{i}" for i in range(g.vcount())]
>>> panel = widgets.CommunityPanel(g, method="leiden", resolution=1.0)
>>> panel.n_communities >= 2
True
"""

from __future__ import annotations

import html
from typing import Any, Callable, Sequence

import ipywidgets as ipw
import numpy as np
import pandas as pd
from IPython import get_ipython
from IPython.display import clear_output, display

from workbench import viz
from workbench.errors import ParameterError
from workbench.privacy import NoPseudonymizer

__all__ = ["Panel", "CommunityPanel", "RolePanel", "SeriesPanel", "NetworkView", "METHODS",
           "CampaignPanel"]

METHODS = ("leiden", "louvain", "label_propagation", "walktrap", "greedy_modularity", "infomap")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class Panel:
    """A box of controls, a status line and a chart; displays as widget + static SVG."""

    def __init__(self, controls: Sequence[ipw.Widget], *, privacy: Any = None):
        self.privacy = privacy if privacy is not None else NoPseudonymizer()
        self.status = ipw.HTML()
        self.output = ipw.Output()
        self.widget = ipw.VBox([ipw.HBox(list(controls)), self.status, self.output])
        self.chart = None
        self.static_chart = None
        self._static_display = None  # the handle of the static output, cleared when a control first moves

    def _draw(self, chart: Any) -> None:
        self.chart = chart
        if self.static_chart is None:
            self.static_chart = chart  # the first picture is the static one, shown beside the widget
            return
        if get_ipython() is None:  # plain Python (scripts, tests): no front end to draw in
            return
        if self._static_display is not None:
            self._static_display.update({"text/plain": ""}, raw=True)  # the live chart takes its place
            self._static_display = None
        with self.output:
            clear_output(wait=True)
            display(chart)

    def static_bundle(self) -> dict:
        """The static chart of the default parameters as a display bundle (SVG)."""
        if self.static_chart is None:
            return {"text/plain": "(nothing to draw)"}
        return {"image/svg+xml": viz.to_svg(self.static_chart), "text/plain": "<static chart of the default parameters>"}

    def _ipython_display_(self) -> None:
        display(self.widget)
        self._static_display = display(self.static_bundle(), raw=True, display_id=True)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        bundle = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        if self.static_chart is not None:
            bundle["image/svg+xml"] = viz.to_svg(self.static_chart)
        return bundle


# -- communities ------------------------------------------------------------------------------
class CommunityPanel(Panel):
    """Resolution slider and method menu; shows the number of communities and their sizes.

    Parameters
    ----------
    graph : igraph.Graph
        With an ``account_id`` vertex attribute.
    method, resolution, seed
        The starting point, as in :func:`workbench.communities.detect`.
    methods : sequence of str
        The methods offered in the menu.
    partition : Partition, optional
        The partition of ``graph`` with ``method``, ``resolution`` and ``seed`` when it is
        already computed (a notebook's session has it): shown first instead of detecting again.
    """

    def __init__(self, graph: Any, *, method: str = "leiden", resolution: float = 1.0, seed: int = 0,
                 methods: Sequence[str] = METHODS, privacy: Any = None, partition: Any = None):
        if method not in methods:
            methods = (method, *methods)
        self.graph = graph
        self.seed = seed
        self.resolution_slider = ipw.FloatLogSlider(value=resolution, base=10, min=-1.3, max=1.3, step=0.05,
                                                    description="resolution", continuous_update=False,
                                                    readout_format=".2f")
        self.method_menu = ipw.Dropdown(options=list(methods), value=method, description="method")
        super().__init__([self.method_menu, self.resolution_slider], privacy=privacy)
        self.partition = None
        self.resolution_slider.observe(lambda change: self.update(resolution=change["new"]), names="value")
        self.method_menu.observe(lambda change: self.update(method=change["new"]), names="value")
        self.update(known=partition)

    @property
    def n_communities(self) -> int:
        return int(self.partition.to_frame()["community"].nunique())

    def update(self, *, method: str | None = None, resolution: float | None = None, known: Any = None) -> Any:
        """Recompute the partition (what moving a control does) and redraw; returns the partition."""
        from workbench import communities

        method = method if method is not None else self.method_menu.value
        resolution = float(resolution if resolution is not None else self.resolution_slider.value)
        tunable = method in communities.RESOLUTION_METHODS
        self.resolution_slider.disabled = not tunable  # only Leiden and Louvain have a resolution
        options = {"resolution": resolution} if tunable else {}
        try:
            self.partition = (known if known is not None
                              else communities.detect(self.graph, method=method, seed=self.seed, **options))
        except ParameterError as error:  # e.g. walktrap on a graph over its size limit: say so, keep the last
            if self.partition is None:
                raise
            self.status.value = f'<span class="wb-refused">{html.escape(str(error))}</span>'
            return self.partition
        frame = self.partition.to_frame()
        sizes = frame.groupby("community", as_index=False).size()
        modularity = getattr(self.partition, "modularity", float("nan"))
        setting = f"{method}, resolution {resolution:.2f}" if tunable else method
        self.status.value = (f'<span class="wb-n-communities">{sizes.shape[0]}</span> communities, '
                             f"modularity {modularity:.3f} ({setting})")
        self._draw(viz.community_sizes(sizes, title=f"Community sizes ({setting})"))
        return self.partition


# -- roles ------------------------------------------------------------------------------------
_LABEL_MODES = ("evidence", "percentile cut-offs")
_MEANING = {
    "evidence": ("a role only where the evidence says the account stands out: its true influence (or reach) lies "
                 "beyond the bulk of this workspace with probability at least {level:.2f}; confidence is the "
                 "probability of the role shown, and accounts with too little evidence are regular"),
    "percentile cut-offs": ("the top of each ranking (influence at or above {influence:.3f}, reach at or above "
                            "{reach:.3f}) is labelled whatever the evidence; confidence says how far the evidence "
                            "backs each label"),
}


class RolePanel(Panel):
    """Influence versus reach, coloured by role, with the confidence of every label.

    Labels come from evidence (the default when the scores carry ``influence_confidence`` and
    ``reach_confidence``, as :func:`workbench.roles.score` gives them; the slider sets the
    probability of standing out a label needs) or from percentile cut-offs (the two sliders).
    Relabelling calls :func:`workbench.roles.label`; nothing is recomputed.

    Parameters
    ----------
    scores : DataFrame
        One row per account with ``influence``, ``reach`` (percentiles) and a label column.
    label : str
        The column naming accounts in the chart (``handle``).
    max_points : int
        Accounts the chart draws one by one. Beyond, it draws the labelled accounts with the strongest
        evidence (``top_per_role`` of each role) over a grey density of all the others, and says how
        many it left out (:func:`workbench.viz.role_quadrant`).
    top_per_role : int
        Labelled accounts drawn per role when there are more than ``max_points`` accounts.
    """

    def __init__(self, scores: pd.DataFrame, *, influence_cut: float = 0.95, reach_cut: float = 0.95,
                 min_confidence: float | None = None, label: str = "handle", max_points: int = viz.QUADRANT_MAX_POINTS,
                 top_per_role: int = viz.QUADRANT_TOP_PER_ROLE, privacy: Any = None):
        from workbench import roles

        missing = [c for c in ("influence", "reach", label) if c not in scores.columns]
        if missing:
            raise ParameterError(f"RolePanel: scores need column(s) {', '.join(missing)}")
        self.label = label
        self.max_points = max_points
        self.top_per_role = top_per_role
        self.scores = scores
        self.has_evidence = {"influence_confidence", "reach_confidence"} <= set(scores.columns)
        slider = dict(min=0.5, max=0.995, step=0.005, continuous_update=False, readout_format=".3f")
        self.mode = ipw.ToggleButtons(options=_LABEL_MODES if self.has_evidence else _LABEL_MODES[1:],
                                      description="labels")
        self.confidence_slider = ipw.FloatSlider(
            value=roles.MIN_CONFIDENCE if min_confidence is None else min_confidence,
            description="evidence", **{**slider, "max": 0.999})
        self.influence_slider = ipw.FloatSlider(value=influence_cut, description="influence cut", **slider)
        self.reach_slider = ipw.FloatSlider(value=reach_cut, description="reach cut", **slider)
        super().__init__([self.mode, self.confidence_slider, self.influence_slider, self.reach_slider],
                         privacy=privacy)
        self.explanation = ipw.HTML()
        self.widget.children = (*self.widget.children[:2], self.explanation, *self.widget.children[2:])
        columns = [c for c in (label, "influence", "reach", "influence_confidence", "reach_confidence")
                   if c in scores.columns]
        self.scores_shown = self.privacy.frame(scores[columns])
        self.roles = None
        for control in (self.mode, self.confidence_slider, self.influence_slider, self.reach_slider):
            control.observe(lambda change: self.update(), names="value")
        self.update()

    def update(self, *, labels: str | None = None, influence_cut: float | None = None,
               reach_cut: float | None = None, min_confidence: float | None = None) -> pd.DataFrame:
        """Relabel (``labels``: "evidence" or "percentile cut-offs") and redraw; returns ``role`` and ``confidence``."""
        from workbench import roles

        labels = labels if labels is not None else self.mode.value
        if labels not in self.mode.options:
            raise ParameterError(f"RolePanel: labels must be one of {', '.join(self.mode.options)}; got {labels!r}")
        influence_cut = float(influence_cut if influence_cut is not None else self.influence_slider.value)
        reach_cut = float(reach_cut if reach_cut is not None else self.reach_slider.value)
        level = float(min_confidence if min_confidence is not None else self.confidence_slider.value)
        by_evidence = labels == "evidence"
        role = roles.label(self.scores_shown, cutoffs=None if by_evidence else
                           {"influence": influence_cut, "reach": reach_cut}, min_confidence=level)
        shown = self.scores_shown.assign(role=role, confidence=roles.confidence(self.scores_shown, role))
        self.roles = shown
        counts = shown["role"].value_counts()
        setting = (f"labels from evidence, probability >= {level:.2f}" if by_evidence
                   else f"cut-offs: influence {influence_cut:.3f}, reach {reach_cut:.3f}")
        self.status.value = ", ".join(f"{counts.get(r, 0)} {r}s" for r in ("influencer", "networker", "hub")) + \
            f" among {len(shown)} accounts ({setting})"
        self.explanation.value = "<small>" + _MEANING[labels].format(level=level, influence=influence_cut,
                                                                     reach=reach_cut) + "</small>"
        self._draw(viz.role_quadrant(shown, label=self.label, influence_cut=None if by_evidence else influence_cut,
                                     reach_cut=None if by_evidence else reach_cut,
                                     title=f"Influence versus reach ({labels})", max_points=self.max_points,
                                     top_per_role=self.top_per_role))
        return shown


# -- time series ------------------------------------------------------------------------------
class SeriesPanel(Panel):
    """A metric over time: period and metric menus, a date range, optional interaction kinds.

    Parameters
    ----------
    compute : callable
        ``compute(period=..., kinds=...)`` returning a frame with a ``period``
        column and the metric columns (``kinds`` only when ``kinds`` is given).
    metrics : sequence of str
        Columns offered in the metric menu.
    color : str, optional
        A column splitting the series (``community``, ``kind``).
    periods : sequence of str
        Offered periods; the first is the default.
    kinds : sequence of str, optional
        Interaction kinds offered as toggles (all on at first).
    partial : callable, optional
        Adds a ``partial`` column marking periods cut by the data's start or end
        (:meth:`workbench.session.Session.mark_partial`); drawn hollow.
    """

    def __init__(self, compute: Callable[..., pd.DataFrame], *, metrics: Sequence[str], color: str | None = None,
                 periods: Sequence[str] = ("week", "day", "month"), kinds: Sequence[str] | None = None,
                 title: str = "", privacy: Any = None, partial: Callable[[pd.DataFrame], pd.DataFrame] | None = None):
        self.compute = compute
        self.partial = partial
        self.color = color
        self.title = title
        self.period_menu = ipw.Dropdown(options=list(periods), value=periods[0], description="period")
        self.metric_menu = ipw.Dropdown(options=list(metrics), value=metrics[0], description="metric")
        self.kind_toggles = (ipw.SelectMultiple(options=list(kinds), value=tuple(kinds), description="kinds", rows=min(len(kinds), 5))
                             if kinds else None)
        self.range_slider = ipw.SelectionRangeSlider(options=[("", 0)], index=(0, 0), description="dates",
                                                     continuous_update=False, layout=ipw.Layout(width="420px"))
        controls = [self.period_menu, self.metric_menu, *([self.kind_toggles] if kinds else [])]
        super().__init__([ipw.VBox(controls), self.range_slider], privacy=privacy)
        self.frame = None
        self._busy = False
        self._periods: list[Any] = []
        self.period_menu.observe(lambda change: self.update(), names="value")
        self.metric_menu.observe(lambda change: self._redraw(), names="value")
        self.range_slider.observe(lambda change: self._redraw(), names="index")
        if self.kind_toggles is not None:
            self.kind_toggles.observe(lambda change: self.update(), names="value")
        self.update()

    def update(self, *, period: str | None = None, kinds: Sequence[str] | None = None) -> pd.DataFrame:
        """Recompute for a period (and kinds); resets the date range to the whole span."""
        if period is not None:
            self.period_menu.value = period  # the observer calls update() again; this call finishes it
        if kinds is not None and self.kind_toggles is not None:
            self.kind_toggles.value = tuple(kinds)
        args = {"period": self.period_menu.value}
        if self.kind_toggles is not None:
            args["kinds"] = list(self.kind_toggles.value)
        frame = self.privacy.frame(self.compute(**args))
        self.frame = frame
        periods = sorted(pd.unique(frame["period"])) if len(frame) else []
        self._periods = periods
        options = [(pd.Timestamp(p).strftime("%Y-%m-%d"), i) for i, p in enumerate(periods)] or [("no data", 0)]
        self._busy = True  # setting the options fires the range observer; draw once, below
        try:
            self.range_slider.options = options
            self.range_slider.index = (0, len(options) - 1)
        finally:
            self._busy = False
        return self._redraw()

    def select(self, start: Any, end: Any) -> pd.DataFrame:
        """Keep periods from ``start`` to ``end`` (what moving the date range does)."""
        stamps = [pd.Timestamp(p) for p in self._periods]
        lo = next((i for i, p in enumerate(stamps) if p >= pd.Timestamp(start, tz=stamps[0].tz if stamps else None)), 0)
        hi = max((i for i, p in enumerate(stamps) if p <= pd.Timestamp(end, tz=stamps[0].tz if stamps else None)), default=0)
        self.range_slider.index = (lo, max(lo, hi))
        return self._redraw()

    def _redraw(self) -> pd.DataFrame:
        frame = self.frame
        if frame is None or self._busy:
            return pd.DataFrame()
        lo, hi = self.range_slider.index
        if self._periods:
            keep = frame["period"].between(self._periods[lo], self._periods[hi])
            frame = frame[keep]
        metric = self.metric_menu.value
        self.status.value = f"{metric} per {self.period_menu.value}: {len(frame)} rows"
        if self.partial is not None and len(frame):
            frame = self.partial(frame, period=self.period_menu.value)
        self._draw(viz.time_series(frame, y=metric, color=self.color if self.color in frame.columns else None,
                                   title=self.title or f"{metric} per {self.period_menu.value}"))
        return frame


# -- network ----------------------------------------------------------------------------------
class NetworkView:
    """The interactive network of a notebook and a report: offline, with its script inlined.

    Displays :func:`workbench.network_page.fragment`: the top ``max_nodes`` nodes by ``top_by``
    with the edges among them, found by name, coloured by community or role, sized by a score
    (the page says how many were left out). It runs in JupyterLab, in a report opened from a
    file, and in a notebook converted with plain nbconvert, with no network access; where
    scripts do not run, the static drawing it carries shows instead. :attr:`widget` gives the
    same nodes as an ipysigma widget for a live kernel.

    Parameters
    ----------
    graph : igraph.Graph
    communities : DataFrame
        ``account_id``, ``community``.
    scores : DataFrame, optional
        ``account_id``, ``role``, ``confidence`` and the scores; degree when absent.
    size_by : str
        The size at first (``influence``, ``reach``, ``visibility``, ``activity``, ``degree``).
    top_by : str, optional
        The score that chooses the nodes shown (default ``size_by``).
    max_nodes, max_edges : int
        How many nodes and edges the view keeps.
    noun : str
        What a node is, for the note.
    """

    def __init__(self, graph: Any, communities: pd.DataFrame | None, *, scores: pd.DataFrame | None = None,
                 size_by: str = "influence", top_by: str | None = None, max_nodes: int = 300,
                 max_edges: int = 3000, seed: int = 0, privacy: Any = None, title: str | None = None,
                 color_by: str = "community", noun: str = "accounts"):
        from workbench import network_page

        self.privacy = privacy if privacy is not None else NoPseudonymizer()
        self.data = network_page.select(graph, memberships=communities, scores=scores, top_by=top_by or size_by,
                                        max_nodes=max_nodes, max_edges=max_edges, seed=seed, noun=noun)
        self.size_by = size_by if size_by in self.data.nodes.columns else "degree"
        self.color_by = color_by
        self.title = title or f"Network: {len(self.data.nodes):,} {noun}"
        nodes, edges = self.data.nodes, self.data.edges
        drawn = self.privacy.frame(nodes[["label"]].astype(object)).assign(
            community=(nodes["community"].fillna(-1).astype("int64") if "community" in nodes else 0),
            score=pd.to_numeric(nodes[self.size_by], errors="coerce").fillna(0.0), x=nodes["x"], y=nodes["y"])
        lines = pd.DataFrame({"x": nodes["x"].to_numpy()[edges["source"]], "y": nodes["y"].to_numpy()[edges["source"]],
                              "x2": nodes["x"].to_numpy()[edges["target"]], "y2": nodes["y"].to_numpy()[edges["target"]]})
        self.static_chart = viz.network(drawn, lines, size="score", label="label",
                                        title=f"{self.title}, sized by {self.size_by}")
        self._sigma = None

    @property
    def nodes(self) -> pd.DataFrame:
        """The nodes shown, as displayed (names pseudonymised when asked)."""
        return self.privacy.frame(self.data.nodes)

    def html(self) -> str:
        """The interactive view as an HTML fragment (style, controls, canvas, table, inlined script)."""
        from workbench import network_page

        return network_page.fragment(self.data, title=self.title, color_by=self.color_by, size_by=self.size_by,
                                     privacy=self.privacy, static_svg=viz.to_svg(self.static_chart))

    @property
    def widget(self) -> Any:
        """The same nodes as an ipysigma widget (needs a kernel; built on first use)."""
        if self._sigma is None:
            import networkx as nx
            from ipysigma import Sigma

            nodes = self.nodes
            g = nx.Graph()
            g.add_nodes_from((i, {"label": row.label, "x": float(row.x), "y": float(row.y),
                                  "community": str(getattr(row, "community", "")),
                                  "size": float(getattr(row, self.size_by, 1.0) or 0.0)})
                             for i, row in enumerate(nodes.itertuples(index=False)))
            g.add_weighted_edges_from(self.data.edges[["source", "target", "weight"]].itertuples(index=False, name=None))
            self._sigma = Sigma(g, node_color="community", node_size="size", node_label="label", height=500,
                                start_layout=False)
        return self._sigma

    def _repr_html_(self) -> str:
        return self.html()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        return {"text/html": self.html(), "text/plain": f"<{self.data.note()}>"}


# -- campaigns (appended for workbench/campaigns) ----------------------------------------------
class CampaignPanel(Panel):
    """Pick a campaign, move its window: the timeline redraws and before / during / after is recomputed.

    Nothing is written: a moved window is compared as it is, not saved (``workbench campaigns
    adjust`` saves it).

    Parameters
    ----------
    store : Store
    series : DataFrame
        The daily activity (:func:`workbench.campaigns.daily`): ``day``, ``actions``, ``baseline``.
    campaigns : DataFrame
        The campaigns to offer (:func:`workbench.campaigns.overview`): ``name``, ``start_at``,
        ``end_at``, ``source``, ``note``.
    """

    def __init__(self, store: Any, *, series: pd.DataFrame, campaigns: pd.DataFrame, privacy: Any = None):
        self.store = store
        self.series = series
        self.campaigns = campaigns.reset_index(drop=True)
        self.days = [pd.Timestamp(d) for d in series["day"]] if len(series) else []
        options = [(str(name), i) for i, name in enumerate(self.campaigns["name"])]
        self.campaign_menu = ipw.Dropdown(options=options or [("no campaign", -1)], value=0 if options else -1,
                                          description="campaign")
        self.window_slider = ipw.SelectionRangeSlider(
            options=[(d.strftime("%Y-%m-%d"), i) for i, d in enumerate(self.days)] or [("no data", 0)],
            index=(0, max(len(self.days) - 1, 0)), description="window", continuous_update=False,
            layout=ipw.Layout(width="480px"))
        super().__init__([self.campaign_menu, self.window_slider], privacy=privacy)
        self.table: pd.DataFrame | None = None
        self._busy = False
        self.campaign_menu.observe(lambda change: self.update(campaign=change["new"]), names="value")
        self.window_slider.observe(lambda change: None if self._busy else self._compute(), names="index")
        self.update(campaign=self.campaign_menu.value)

    def _index_of(self, when: Any) -> int:
        stamp = pd.Timestamp(when).tz_localize(None) if pd.Timestamp(when).tzinfo else pd.Timestamp(when)
        # the day that holds ``when``: the last day starting at or before it
        days = np.asarray(self.days, dtype="datetime64[ns]")
        return int(np.clip(np.searchsorted(days, np.datetime64(stamp), side="right") - 1, 0, len(self.days) - 1))

    def update(self, *, campaign: int | None = None, start: Any = None, end: Any = None) -> pd.DataFrame | None:
        """Choose a campaign (its position in the menu) and optionally move its window to ``[start, end)``.

        Returns the before / during / after table (None when there is no campaign or no data).
        """
        if campaign is not None and campaign >= 0 and campaign != self.campaign_menu.value:
            self.campaign_menu.value = campaign  # the observer calls update() again with the window reset
            if start is None and end is None:
                return self.table
        chosen = self.campaign_menu.value
        if chosen < 0 or not self.days:
            self.status.value = "No campaign logged or detected in this workspace: log one with `workbench campaigns add`."
            self._draw(viz.campaign_timeline(self.series, self.privacy.frame(self.campaigns[
                ["name", "start_at", "end_at", "source", "note"]])))
            return None
        row = self.campaigns.iloc[chosen]
        start = row["start_at"] if start is None else start
        end = row["end_at"] if end is None else end
        last = self._index_of(pd.Timestamp(end) - pd.Timedelta(seconds=1))
        self._busy = True  # moving the slider here fires its observer; compute once, below
        try:
            self.window_slider.index = (self._index_of(start), max(last, self._index_of(start)))
        finally:
            self._busy = False
        return self._compute()

    def _compute(self) -> pd.DataFrame:
        from workbench import campaigns as campaigns_module

        lo, hi = self.window_slider.index
        row = self.campaigns.iloc[self.campaign_menu.value]
        start = pd.Timestamp(self.days[lo], tz="UTC")
        end = pd.Timestamp(self.days[hi], tz="UTC") + pd.Timedelta(days=1)
        table = campaigns_module.compare(self.store, {"name": row["name"], "start_at": start, "end_at": end})
        self.table = table
        during, before, after = table.loc["during"], table.loc["before"], table.loc["after"]
        lift = during["actions"] / before["actions"] if before["actions"] else float("nan")
        retained = after["recruits_retained"]
        name = self.privacy.text(str(row["name"]))
        self.status.value = (f"{name}, {start:%Y-%m-%d} to {end:%Y-%m-%d} (exclusive): "
                             f"{int(during['actions']):,} actions ({lift:.1f}x the {int(before['days'])} days before), "
                             f"{int(during['new_members']):,} new members; "
                             + (f"{retained:.0%} of them act in the {int(after['days'])} days after"
                                if pd.notna(retained) else "no recruits to follow"))
        bands = self.campaigns[["name", "start_at", "end_at", "source", "note"]].copy()
        bands = pd.concat([bands.drop(index=self.campaign_menu.value),
                           pd.DataFrame({"name": [row["name"]], "start_at": [start], "end_at": [end],
                                         "source": ["selected"], "note": [row["note"]]})], ignore_index=True)
        self._draw(viz.campaign_timeline(self.series, self.privacy.frame(bands),
                                         title=f"Activity and campaigns: {name} selected"))
        return table
