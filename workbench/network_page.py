"""The interactive network view: an HTML fragment with its script inlined, that works offline.

A report's network is explored by colleagues with no Python and, often, no network access: zoom,
pan, hover for details, find a node by its (pseudonymised) name, colour it by community or role,
size it by influence, reach or degree. :func:`select` keeps the top nodes of a graph by a chosen
score, with the edges among them, and lays them out (Fruchterman-Reingold, igraph's C core,
reproducible under a seed); :func:`fragment` writes the view as one HTML fragment: controls, a
canvas, a legend, a note saying how many nodes and edges were left out, a static SVG drawing that
shows where scripts do not run, and the table of the nodes shown.

The script (``network_view.js`` beside this module, written for the workbench: no third-party code,
no CDN, 2D canvas rather than WebGL) is inlined into the fragment. It reads the names from the
table of nodes, so every name the canvas draws or the search finds is one a reader sees in the page,
and one the report's leak check reads; the JSON beside it carries numbers, community numbers and
role names only.

Examples
--------
>>> from workbench.datasets import karate
>>> from workbench.communities import detect
>>> g = karate()
>>> data = select(g, memberships=detect(g).to_frame(), max_nodes=10)
>>> len(data.nodes), data.total_nodes, data.left_out
(10, 34, 24)
>>> page = fragment(data, title="Karate club")
>>> page.count('<tr class="wb-node">'), "http" in page.split("<script>", 1)[1]
(10, False)
"""

from __future__ import annotations

import hashlib
import html
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import igraph as ig
import numpy as np
import pandas as pd

from workbench.errors import ParameterError

__all__ = ["NetworkData", "select", "fragment", "layout", "SCORE_COLUMNS", "SCRIPT", "payload"]

#: The role scores a view can size by or rank by (percentile ranks from :mod:`workbench.roles`).
SCORE_COLUMNS = ("influence", "reach", "visibility", "activity")
#: Structural sizes every view has: edges at a node, and interactions (edge weight) at a node.
STRUCTURE_COLUMNS = ("degree", "interactions")
#: Vertex attributes a view carries when the graph has them (hashtag graphs: what a node is, how often used).
VERTEX_COLUMNS = ("kind", "uses", "accounts")
SCRIPT = Path(__file__).with_name("network_view.js")
_CATEGORIES = ("community", "role", "kind")
# The text a category may hold besides community numbers: fixed vocabularies, never names from the data.
_VOCABULARY = {"role": {"influencer", "networker", "hub", "regular"}, "kind": {"account", "hashtag"}}
_STYLE = """<style>
.wb-network { position: relative; border: 1px solid #dee2e6; border-radius: 4px; padding: 8px; margin: 6px 0;
  font: 13px sans-serif; background: #fff; }
.wb-network-bar { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin-bottom: 6px; }
.wb-network-bar input { width: 16em; }
.wb-network-canvas { display: none; width: 100%; height: 560px; cursor: grab; touch-action: none; }
.wb-network-tip { position: absolute; pointer-events: none; background: rgba(255,255,255,0.96);
  border: 1px solid #adb5bd; border-radius: 3px; padding: 4px 8px; font-size: 12px; z-index: 5; }
.wb-network-status { color: #1c7ed6; }
.wb-network-legend { margin: 4px 0; }
.wb-network-key { display: inline-block; margin-right: 12px; white-space: nowrap; }
.wb-network-key i { display: inline-block; width: 10px; height: 10px; border-radius: 5px; margin-right: 4px; }
.wb-network-note { color: #495057; margin: 4px 0; }
.wb-network details { margin-top: 4px; }
.wb-network table { border-collapse: collapse; font-size: 12px; }
.wb-network td, .wb-network th { padding: 1px 8px; text-align: right; }
.wb-network td:first-child, .wb-network th:first-child { text-align: left; }
</style>"""


@dataclass
class NetworkData:
    """The nodes and edges a view shows, and how many of the graph's it left out.

    ``nodes``: ``node_id``, ``label``, ``x``, ``y``, then categories (``community``, ``role``) and
    numbers (``confidence``, the scores, ``degree``, ``interactions``); ``edges``: ``source`` and
    ``target`` (row positions in ``nodes``) and ``weight``.
    """

    nodes: pd.DataFrame
    edges: pd.DataFrame
    total_nodes: int
    total_edges: int
    edges_among: int
    ranked_by: str
    noun: str = "accounts"

    @property
    def left_out(self) -> int:
        """Nodes of the graph the view does not show."""
        return self.total_nodes - len(self.nodes)

    def note(self) -> str:
        """What the view shows and what it leaves out, in one sentence."""
        shown, noun = len(self.nodes), self.noun
        if self.left_out:
            text = (f"Showing the {shown:,} {noun} with the highest {self.ranked_by} of {self.total_nodes:,} "
                    f"({self.left_out:,} left out)")
        else:
            text = f"Showing all {shown:,} {noun}"
        edges = len(self.edges)
        if edges < self.edges_among:
            text += f", and the {edges:,} strongest of the {self.edges_among:,} edges among them"
        else:
            text += f", and the {edges:,} edges among them"
        if self.edges_among < self.total_edges:
            text += f" (the whole graph has {self.total_edges:,})"
        return text + "."


def layout(graph: ig.Graph, *, seed: int = 0) -> np.ndarray:
    """Positions of the vertices: Fruchterman-Reingold for those with an edge, rings around them for the rest.

    The same for the same seed (igraph draws from Python's RNG). Vertices without an edge in the
    view would otherwise ring the drawing and squeeze the part that has structure into its middle.
    """
    coords = np.zeros((graph.vcount(), 2))
    if graph.vcount() == 0:
        return coords
    linked = np.flatnonzero(np.asarray(graph.degree()) > 0)
    alone = np.flatnonzero(np.asarray(graph.degree()) == 0)
    if len(linked):
        core = graph.induced_subgraph(linked.tolist())
        start = np.random.default_rng(seed).random((core.vcount(), 2)).tolist()
        ig.set_random_number_generator(random.Random(seed))
        try:
            placed = np.asarray(core.layout_fruchterman_reingold(seed=start, niter=300).coords)
        finally:
            ig.set_random_number_generator(random)
        if len(placed) > 10:
            # A few far-flung pairs would squeeze the drawing; pull them to the frame's edge.
            low, high = np.percentile(placed, 2, axis=0), np.percentile(placed, 98, axis=0)
            placed = np.clip(placed, low, high)
        coords[linked] = placed
    if len(alone):
        # rings around the drawing, about as far apart as the nodes inside it
        centre = coords[linked].mean(axis=0) if len(linked) else np.zeros(2)
        radius = float(np.linalg.norm(coords[linked] - centre, axis=1).max()) if len(linked) else 1.0
        radius = max(radius, 1.0)
        spacing = 2 * radius / max(np.sqrt(len(linked)), 2.0)
        placed, ring = 0, 0
        while placed < len(alone):
            distance = radius + spacing * (1.5 + ring)
            count = min(len(alone) - placed, max(int(2 * np.pi * distance / spacing), 1))
            angle = 2 * np.pi * np.arange(count) / count + ring * 0.5
            chosen = alone[placed:placed + count]
            coords[chosen, 0] = centre[0] + distance * np.cos(angle)
            coords[chosen, 1] = centre[1] + distance * np.sin(angle)
            placed += count
            ring += 1
    return coords


def _ids_and_labels(graph: ig.Graph) -> tuple[np.ndarray, np.ndarray]:
    attributes = graph.vs.attributes()
    for name in ("account_id", "name"):
        if name in attributes:
            ids = np.asarray(graph.vs[name], dtype=object)
            break
    else:
        ids = np.asarray([str(i) for i in range(graph.vcount())], dtype=object)
    labels = np.asarray(graph.vs["handle"], dtype=object) if "handle" in attributes else ids.copy()
    missing = pd.isna(pd.Series(labels, dtype=object)).to_numpy()
    labels[missing] = ids[missing]
    return ids, labels


def select(graph: Any, *, memberships: pd.DataFrame | None = None, scores: pd.DataFrame | None = None,
           top_by: str = "influence", max_nodes: int = 300, max_edges: int = 3000, seed: int = 0,
           noun: str = "accounts") -> NetworkData:
    """The ``max_nodes`` top nodes of ``graph`` by ``top_by``, the strongest ``max_edges`` edges among them, laid out.

    Parameters
    ----------
    graph : igraph.Graph
        Vertices with ``account_id`` (or ``name``) and optionally ``handle`` (the label shown).
    memberships : DataFrame, optional
        ``account_id``, ``community``.
    scores : DataFrame, optional
        ``account_id`` and any of ``role``, ``confidence``, ``influence``, ``reach``, ``visibility``,
        ``activity`` (:func:`workbench.roles.score`).
    top_by : str
        The column that chooses the nodes shown: a score, ``degree`` or ``interactions``; where the
        scores lack it, ``degree``. Ties go to the node with more interactions.
    max_nodes, max_edges : int
        How many nodes and edges the view keeps at most.
    seed : int
        Seed of the layout.
    noun : str
        What a node is, for the note (``accounts``, ``hashtags``, ``nodes``).
    """
    if not isinstance(graph, ig.Graph):
        from workbench import graphs

        graph = graphs.to_igraph(graph)
    if max_nodes < 1 or max_edges < 0:
        raise ParameterError(f"max_nodes must be at least 1 and max_edges at least 0; got {max_nodes}, {max_edges}")
    ids, labels = _ids_and_labels(graph)
    weights = np.asarray(graph.es["weight"], dtype=float) if "weight" in graph.es.attributes() else None
    table = pd.DataFrame({"node_id": ids, "label": labels})
    table["degree"] = np.asarray(graph.degree(), dtype=np.int64)
    table["interactions"] = np.asarray(graph.strength(weights=weights), dtype=float)
    for attribute in VERTEX_COLUMNS:
        if attribute in graph.vs.attributes():
            table[attribute] = graph.vs[attribute]
    if memberships is not None and len(memberships):
        community = memberships.drop_duplicates("account_id").set_index("account_id")["community"]
        table["community"] = pd.array(table["node_id"].map(community), dtype="Int64")
    if scores is not None and len(scores):
        wanted = [c for c in ("role", "confidence", *SCORE_COLUMNS) if c in scores.columns]
        by_id = scores.drop_duplicates("account_id").set_index("account_id")[wanted]
        table = table.join(by_id, on="node_id")
        if "role" in table.columns:
            table["role"] = table["role"].astype(object).where(table["role"].notna(), "regular")
    ranked_by = top_by if top_by in table.columns and top_by not in ("node_id", "label") else "degree"
    rank = pd.to_numeric(table[ranked_by], errors="coerce").fillna(-1.0).to_numpy(dtype=float)
    order = np.lexsort((np.arange(len(table)), -table["interactions"].to_numpy(), -rank))[:max_nodes]
    kept = np.sort(order)
    sub = graph.induced_subgraph(kept.tolist())
    edges_among = sub.ecount()
    if sub.ecount() > max_edges:
        strength = np.asarray(sub.es["weight"], dtype=float) if "weight" in sub.es.attributes() else np.ones(sub.ecount())
        weakest = np.argsort(-strength, kind="stable")[max_edges:]
        sub.delete_edges(weakest.tolist())
    coords = layout(sub, seed=seed)
    nodes = table.iloc[kept].reset_index(drop=True)
    nodes.insert(2, "x", coords[:, 0] if len(coords) else [])
    nodes.insert(3, "y", coords[:, 1] if len(coords) else [])
    pairs = np.asarray(sub.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    edges = pd.DataFrame({"source": pairs[:, 0], "target": pairs[:, 1],
                          "weight": np.asarray(sub.es["weight"], dtype=float) if "weight" in sub.es.attributes()
                          else np.ones(len(pairs))})
    return NetworkData(nodes=nodes, edges=edges, total_nodes=graph.vcount(), total_edges=graph.ecount(),
                       edges_among=edges_among, ranked_by=ranked_by, noun=noun)


# -- the fragment ---------------------------------------------------------------------------------
def _numbers(nodes: pd.DataFrame) -> list[str]:
    return [c for c in ("confidence", *SCORE_COLUMNS, *STRUCTURE_COLUMNS, "uses", "accounts") if c in nodes.columns]


def _json_numbers(values: pd.Series) -> list[Any]:
    numeric = pd.to_numeric(values, errors="coerce").astype(float)
    return [None if np.isnan(v) else round(float(v), 6) for v in numeric.to_numpy()]


def _category(values: pd.Series) -> list[Any]:
    return [None if pd.isna(v) else (int(v) if isinstance(v, (int, np.integer)) else str(v)) for v in values]


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, (float, np.floating)):
        return f"{value:,.3f}" if abs(value) < 100 else f"{value:,.0f}"
    return html.escape(str(value))


def payload(data: NetworkData) -> dict[str, Any]:
    """What the script reads besides the names: positions, categories, numbers, edges (no text from the data).

    Categories are community numbers, role names and node kinds (fixed vocabularies); nothing else
    in it is text.
    """
    nodes = data.nodes
    categories = {c: _category(nodes[c]) for c in _CATEGORIES if c in nodes.columns}
    for name, allowed in _VOCABULARY.items():
        unknown = set(categories.get(name, ())) - allowed - {None}
        if unknown:
            raise ParameterError(f"network view: unknown {name} value(s) {sorted(map(str, unknown))}")
    return {"x": _json_numbers(nodes["x"]), "y": _json_numbers(-nodes["y"]),
            "categories": categories, "numbers": {c: _json_numbers(nodes[c]) for c in _numbers(nodes)},
            "edges": {"source": data.edges["source"].astype(int).tolist(),
                      "target": data.edges["target"].astype(int).tolist(),
                      "weight": _json_numbers(data.edges["weight"])}}


def _options(name: str, values: Sequence[str], chosen: str) -> str:
    items = "".join(f'<option value="{html.escape(v)}"{" selected" if v == chosen else ""}>{html.escape(v)}</option>'
                    for v in values)
    return f'<select class="wb-network-{name}" aria-label="{name}">{items}</select>'


def fragment(data: NetworkData, *, title: str = "Network", color_by: str = "community", size_by: str = "influence",
             privacy: Any = None, static_svg: str = "") -> str:
    """The view as one HTML fragment (style, controls, canvas, note, node table, data, inlined script).

    ``privacy`` (a :class:`~workbench.privacy.Pseudonymizer`) is applied to the names before they are
    written; ``static_svg`` is shown where scripts do not run (and hidden by the script).
    """
    nodes = data.nodes.copy()
    if privacy is not None:
        nodes[["label"]] = privacy.frame(nodes[["label"]].astype(object))
    numbers = _numbers(nodes)
    categories = [c for c in _CATEGORIES if c in nodes.columns]
    color_by = color_by if color_by in categories else (categories[0] if categories else "")
    size_by = size_by if size_by in numbers else "degree"
    body = payload(data)
    encoded = json.dumps(body, separators=(",", ":")).replace("</", "<\\/")
    shown_columns = ["label", *categories, *numbers]
    names = nodes["label"].astype(str).tolist()
    ident = "wbn-" + hashlib.sha256((encoded + "\x00".join(names)).encode("utf-8")).hexdigest()[:12]
    header = "".join(f"<th>{html.escape('name' if c == 'label' else c)}</th>" for c in shown_columns)
    rows = "\n".join('<tr class="wb-node">' + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>"
                     for row in nodes[shown_columns].astype(object).itertuples(index=False, name=None))
    controls = (f'<label>Find <input type="search" class="wb-network-search" list="{ident}-names" '
                f'placeholder="a name in the view" aria-label="find a name"></label>'
                f'<datalist id="{ident}-names"></datalist>'
                + (f"<label>Colour by {_options('color', categories, color_by)}</label>" if categories else "")
                + f"<label>Size by {_options('size', numbers, size_by)}</label>"
                '<button type="button" data-action="in" aria-label="zoom in">+</button>'
                '<button type="button" data-action="out" aria-label="zoom out">&minus;</button>'
                '<button type="button" data-action="reset">Reset view</button>'
                '<span class="wb-network-status" role="status"></span>')
    script = SCRIPT.read_text(encoding="utf-8")
    mount = ("(function(){var s=document.currentScript;var root=(s&&s.closest('.wb-network'))||"
             f"document.getElementById('{ident}');window.wbNetwork.mount(root);}})();")
    return (f'<div class="wb-network" id="{ident}">{_STYLE}'
            f'<div class="wb-network-title"><b>{html.escape(title)}</b></div>'
            f'<div class="wb-network-bar">{controls}</div>'
            f'<canvas class="wb-network-canvas" role="img" aria-label="{html.escape(title)}"></canvas>'
            '<div class="wb-network-tip" hidden></div><div class="wb-network-legend"></div>'
            f'<p class="wb-network-note">{html.escape(data.note())} Drag to move, scroll or use +/&minus; to zoom, '
            'hover over a node for its details, click it to see its neighbours, type a name to find it.</p>'
            + (f'<div class="wb-network-static">{static_svg}</div>' if static_svg else "")
            + f'<details><summary>The {len(nodes):,} {html.escape(data.noun)} in this view</summary>'
            f'<table class="wb-network-nodes"><thead><tr>{header}</tr></thead><tbody>\n{rows}\n</tbody></table></details>'
            f'<script type="application/json" class="wb-network-data">{encoded}</script>'
            f"<script>{script}\n{mount}</script></div>")
