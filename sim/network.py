"""Who talks to whom: a networkx graph of the people.

Teams inside each department are cliques (reps in teams of REP_TEAM_SIZE, one marketing team);
leaders tie to their department. Each structural channel between the departments (joint
planning meetings, a shared scoreboard, a CRO, a merged department) adds one tie from every
marketer to a rep of their own, so cross-department contact grows with governance that brings
people together. The graph is used for imitation and trust spill-over and drawn in charts.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
import numpy as np

from agents.base import MARKETING_DEPT, SALES_DEPT, Person

REP_TEAM_SIZE = 5


def build_network(people: Sequence[Person], channels: int,
                  rng: np.random.Generator) -> nx.Graph:
    graph = nx.Graph()
    for person in people:
        graph.add_node(person.unique_id, department=person.department, role=person.role)
    reps = [p.unique_id for p in people if p.role == "sales_rep"]
    marketers = [p.unique_id for p in people if p.role == "marketer"]
    for start in range(0, len(reps), REP_TEAM_SIZE):
        _clique(graph, reps[start:start + REP_TEAM_SIZE])
    _clique(graph, marketers)
    for leader in (p for p in people if p.role not in ("sales_rep", "marketer")):
        for other in people:
            if other is not leader and (other.department == leader.department
                                        or leader.department not in (MARKETING_DEPT,
                                                                     SALES_DEPT)):
                graph.add_edge(leader.unique_id, other.unique_id)
    for _ in range(channels):
        partners = rng.choice(reps, size=len(marketers), replace=len(marketers) > len(reps))
        for marketer, rep in zip(marketers, partners, strict=True):
            graph.add_edge(marketer, int(rep), cross=True)
    return graph


def _clique(graph: nx.Graph, nodes: Sequence[int]) -> None:
    for i, a in enumerate(nodes):
        for b in nodes[i + 1:]:
            graph.add_edge(a, b)


def cross_department_ties(graph: nx.Graph) -> int:
    return sum(1 for a, b in graph.edges
               if {graph.nodes[a]["department"], graph.nodes[b]["department"]}
               == {MARKETING_DEPT, SALES_DEPT})
