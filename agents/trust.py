"""Trust in the other department: a belief about its reliability, built on events, losses
weighing more than gains, and pulled toward the trust of same-department colleagues one talks
to.

A week's events for a person are counted as good (an MQL that became an opportunity, an MQL
accepted, feedback received, a tied colleague seen cooperating) and bad (an MQL that wasted a
rep's time, an MQL left to rot, a budget decision seen as unfair, a tied colleague seen
defecting). Trust moves toward what the week suggests, good / (good + loss_aversion * bad): a
bad event counts loss_aversion times a good one (3:1 after the asymmetry of trust building and
destruction, Slovic 1993), so trust settles where good events outnumber bad ones by that ratio,
not at a bound. The move is rate * min(events, 1) of the distance: a week with little to go on
moves trust little. Politics (lobbying, blame) are shocks that take trust down directly.
"""

from __future__ import annotations


def event_update(trust: float, good: float, bad: float, rate: float,
                 loss_aversion: float) -> float:
    weighted = good + loss_aversion * bad
    if weighted <= 0:
        return trust
    target = good / weighted
    return trust + rate * min(good + bad, 1.0) * (target - trust)


def shock(trust: float, size: float) -> float:
    """A loss of `size` (trust units), never below zero."""
    return max(trust - size, 0.0)


def spill(trust: float, neighbour_mean: float | None, rate: float) -> float:
    if neighbour_mean is None:
        return trust
    return trust + rate * (neighbour_mean - trust)
