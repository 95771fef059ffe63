"""Who talks to whom: a networkx graph of the people.

Teams inside each department are cliques (reps in teams of REP_TEAM_SIZE, one marketing team);
leaders tie to their department and to each other (a CRO to everyone). Each standing channel
between the departments (a shared scoreboard, a CRO, a merged department) adds one structural
tie from every marketer to a rep; whole-team planning meetings add pairings at each meeting;
working a lead together may start a tie. Ties without contact lapse (`update_ties`). The graph
fixes each person's colleagues (imitation and trust spill-over), its cross-department ties carry
first-hand observation of the other side's cooperation (sim/adaptation.py), and it is drawn in
charts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import networkx as nx
import numpy as np
import pandas as pd

from agents.base import MARKETING_DEPT, REVENUE_DEPT, SALES_DEPT, Person

REP_TEAM_SIZE = 5


def build_network(people: Sequence[Person], channels: int,
                  rng: np.random.Generator) -> nx.Graph:
    graph = nx.Graph(cross={})
    for person in people:
        graph.add_node(person.unique_id, department=person.department, role=person.role)
    reps = [p.unique_id for p in people if p.role == "sales_rep"]
    marketers = [p.unique_id for p in people if p.role == "marketer"]
    for start in range(0, len(reps), REP_TEAM_SIZE):
        _clique(graph, reps[start:start + REP_TEAM_SIZE])
    _clique(graph, marketers)
    leaders = [p for p in people if p.role not in ("sales_rep", "marketer")]
    for leader in leaders:
        # A CRO leads everyone; functional leaders lead their department; leaders all meet.
        for other in people:
            if other is leader:
                continue
            if (other in leaders or other.department == leader.department
                    or leader.department == REVENUE_DEPT):
                graph.add_edge(leader.unique_id, other.unique_id)
    for _ in range(channels):
        partners = rng.choice(reps, size=len(marketers), replace=len(marketers) > len(reps))
        for marketer, rep in zip(marketers, partners, strict=True):
            _add_cross(graph, marketer, int(rep), structural=True)
    return graph


def _clique(graph: nx.Graph, nodes: Sequence[int]) -> None:
    for i, a in enumerate(nodes):
        for b in nodes[i + 1:]:
            graph.add_edge(a, b)


STRUCTURAL = -1  # last-contact mark of a tie the structure itself keeps alive


def _add_cross(graph: nx.Graph, marketer: int, rep: int, structural: bool = False,
               week: int = 0) -> None:
    """A marketer-rep tie. graph.graph["cross"] maps each such tie to the week of its last
    contact (STRUCTURAL for standing ties), so weekly upkeep need not touch the edges."""
    cross = graph.graph["cross"]
    if (marketer, rep) in cross:
        if cross[(marketer, rep)] != STRUCTURAL:
            cross[(marketer, rep)] = week
        return
    graph.add_edge(marketer, rep, cross=True, structural=structural)
    cross[(marketer, rep)] = STRUCTURAL if structural else week


def cross_department_ties(graph: nx.Graph) -> int:
    return len(graph.graph["cross"])


# Chance that dealing with one lead together starts a tie between a marketer and a rep.
NEW_TIE_PROB = 0.1


def update_ties(graph: nx.Graph, contact_pairs: np.ndarray, rep_uid: np.ndarray,
                marketer_uid: np.ndarray, week: int, meeting: bool, lapse_weeks: int,
                rng: np.random.Generator) -> None:
    """Contact renews cross-department ties, new contact may create them, and ties without
    contact for `lapse_weeks` lapse. A whole-team planning meeting counts as contact for every
    cross tie and adds one new pairing per marketer; structural ties (scoreboard, CRO) are
    kept by the structure itself."""
    cross = graph.graph["cross"]
    # Plain ints through tolist(): iterating the arrays row by row costs more than the upkeep.
    marketer_ids, rep_ids = marketer_uid.tolist(), rep_uid.tolist()
    for marketer, rep in sorted({(a, b) for a, b in contact_pairs.tolist()}):
        u, v = marketer_ids[marketer], rep_ids[rep]
        if (u, v) in cross or rng.random() < NEW_TIE_PROB:
            _add_cross(graph, u, v, week=week)
    if meeting:
        partners = rng.choice(rep_uid, size=len(marketer_uid))
        for u, v in zip(marketer_uid, partners, strict=True):
            _add_cross(graph, int(u), int(v), week=week)
        for tie, last in cross.items():
            if last != STRUCTURAL:
                cross[tie] = week
    lapsed = sorted(tie for tie, last in cross.items()
                    if last != STRUCTURAL and week - last > lapse_weeks)
    graph.remove_edges_from(lapsed)
    for tie in lapsed:
        del cross[tie]


EDGE_DTYPES = {"week": "int64", "source": "int64", "target": "int64", "source_department": "str",
               "target_department": "str", "source_role": "str", "target_role": "str",
               "source_cooperating": "bool", "target_cooperating": "bool", "cross": "bool"}


def edge_table(graph: nx.Graph, people: Iterable[Person], week: int) -> pd.DataFrame:
    """The network of `week` as plain data, one row per tie (columns `EDGE_DTYPES`): both ends'
    department, role and whether they cooperate this week, and whether the tie crosses between
    marketing and sales. What a results store keeps, so charts need no model."""
    by_id = {p.unique_id: p for p in people}
    rows = []
    for u, v in graph.edges:
        a, b = by_id[u], by_id[v]
        rows.append((week, u, v, a.department, b.department, a.role, b.role,
                     bool(a.cooperating), bool(b.cooperating),
                     {a.department, b.department} == {MARKETING_DEPT, SALES_DEPT}))
    return pd.DataFrame(rows, columns=list(EDGE_DTYPES)).astype(EDGE_DTYPES)
