"""The people network at a chosen week, coloured by department, filled when cooperating.

The chart takes plain data (`NetworkSnapshot`: a node table and an edge table), like every other
chart, made from the edge table a results store keeps for each run (`store.load_network`;
`sim.network.edge_table` writes it): the report never builds a model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from experiments.report.figures.frame import apply_style, finish
from experiments.report.style import department_colour

WORKERS = ("sales_rep", "marketer")
"""Roles that choose each week whether to cooperate; leaders are drawn as squares."""


@dataclass(frozen=True)
class NetworkSnapshot:
    nodes: pd.DataFrame
    """One row per person: id, department, role, cooperating (bool)."""
    edges: pd.DataFrame
    """One row per tie: source, target, cross (True between marketing and sales)."""
    week: int


def snapshot(edges: pd.DataFrame) -> NetworkSnapshot:
    """The network of one run at one week from its stored edge table (the rows of one run_id and
    week): the people are the ends of the ties, with their department, role and cooperation."""
    ends = [edges[[f"{side}", f"{side}_department", f"{side}_role", f"{side}_cooperating"]]
            .set_axis(["id", "department", "role", "cooperating"], axis=1)
            for side in ("source", "target")]
    nodes = (pd.concat(ends, ignore_index=True).drop_duplicates("id")
             .sort_values("id", kind="stable").reset_index(drop=True))
    nodes = nodes.astype({"id": "int64", "cooperating": "bool"})
    week = int(edges["week"].iloc[0]) if len(edges) else 0
    return NetworkSnapshot(nodes=nodes, edges=edges[["source", "target", "cross"]]
                           .reset_index(drop=True), week=week)


def _layout(snap: NetworkSnapshot) -> dict[int, np.ndarray]:
    """Force-directed, started from marketing on the left and sales on the right, seeded."""
    graph = nx.Graph()
    graph.add_nodes_from(snap.nodes["id"])
    graph.add_edges_from(zip(snap.edges["source"], snap.edges["target"], strict=True))
    side = {"marketing": -1.0, "sales": 1.0}
    rng = np.random.default_rng(7)
    start = {int(r.id): np.array([side.get(r.department, 0.0), 0.0]) + rng.normal(0, 0.3, 2)
             for r in snap.nodes.itertuples()}
    return nx.spring_layout(graph, pos=start, seed=7, k=0.45, iterations=80)


def network_figure(panels: Mapping[str, NetworkSnapshot], *, source: str,
                   heading: str | None = None, titles: Sequence[str] | None = None,
                   subtitle: str = "", warning: str = "") -> Figure:
    """One panel per snapshot (label -> snapshot): people coloured by department, filled when
    cooperating that week, hollow when not; dark lines are ties between marketing and sales."""
    apply_style()
    n = len(panels)
    cols = 2 if n == 4 else min(n, 3)
    rows = math.ceil(n / cols)
    fig, grid = plt.subplots(rows, cols, figsize=(3.9 * cols, 3.7 * rows + 1.3), squeeze=False)
    labels = list(panels)
    for k, (ax, label) in enumerate(zip(grid.flat, labels, strict=False)):
        snap = panels[label]
        pos = _layout(snap)
        # One collection per kind of tie and one scatter per kind of person: hundreds of
        # separate artists would make the chart slow to draw and its SVG large.
        for cross_tie, colour, width, alpha, z in ((False, "#CCCCCC", 0.5, 1.0, 0),
                                                   (True, "#333333", 0.9, 0.7, 1)):
            ties = snap.edges[snap.edges["cross"] == cross_tie]
            segments = [(pos[s], pos[e]) for s, e in zip(ties["source"], ties["target"],
                                                         strict=True)]
            ax.add_collection(LineCollection(segments, colors=colour, linewidths=width,
                                             alpha=alpha, zorder=z))
        nodes = snap.nodes.assign(leader=~snap.nodes["role"].isin(WORKERS))
        for (department, leader, cooperating), group in nodes.groupby(
                ["department", "leader", "cooperating"], sort=True):
            colour = department_colour(str(department))
            xy = np.array([pos[i] for i in group["id"]])
            ax.scatter(xy[:, 0], xy[:, 1], s=110 if leader else 55,
                       marker="s" if leader else "o",
                       facecolor=colour if cooperating else "white", edgecolor=colour,
                       linewidth=1.6, zorder=2)
        cross = int(snap.edges["cross"].sum())
        workers = snap.nodes[snap.nodes["role"].isin(WORKERS)]
        share = workers["cooperating"].mean() if len(workers) else float("nan")
        name = titles[k] if titles else label
        ax.set_title(f"{name}\n{cross} marketing-sales ties, {share:.0%} cooperating",
                     loc="left", fontsize=9, fontweight="normal")
        ax.set_axis_off()
        ax.set_aspect("equal", adjustable="datalim")
    for ax in list(grid.flat)[n:]:
        ax.set_visible(False)
    present = sorted(set().union(*(set(s.nodes["department"]) for s in panels.values())))
    handles = [Line2D([], [], marker="o", ls="", mfc=department_colour(d),
                      mec=department_colour(d),
                      label="revenue (CRO)" if d == "revenue" else d) for d in present]
    handles += [
        Line2D([], [], marker="o", ls="", mfc="white", mec="#555555", mew=1.6,
               label="not cooperating"),
        Line2D([], [], marker="s", ls="", mfc="#555555", mec="#555555", label="leader"),
        Line2D([], [], color="#333333", lw=0.9, label="marketing-sales tie"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=8,
               bbox_to_anchor=(0.5, 0.03))
    week = next(iter(panels.values())).week
    fig = finish(fig, heading or f"The people network in week {week}", source,
                 subtitle or f"Who works with whom in week {week}", warning=warning)
    fig.subplots_adjust(bottom=0.6 / fig.get_figheight() + 0.02)
    return fig
