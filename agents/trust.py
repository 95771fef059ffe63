"""Trust in the other department: moved by events, losses weighing more than gains, and pulled
toward the trust of same-department colleagues one talks to.

A week's events for a person are counted as good (an MQL that became an opportunity, an MQL
accepted and followed up, feedback received) and bad (an MQL that wasted a rep's time, an MQL
left to rot, a budget decision seen as unfair, lobbying or blame by the other side). Trust moves
by rate * (good - loss_aversion * bad) / (good + bad), toward 1 on balance-positive weeks and
toward 0 on negative ones, so it stays in [0, 1]. Loss aversion 3:1 after the asymmetry of
trust building and destruction (Slovic 1993; the issue's default).
"""

from __future__ import annotations


def event_update(trust: float, good: float, bad: float, rate: float,
                 loss_aversion: float) -> float:
    events = good + bad
    if events <= 0:
        return trust
    # A move of at most the whole distance to the bound, however strong the events.
    delta = max(min(rate * (good - loss_aversion * bad) / events, 1.0), -1.0)
    return trust + delta * (1.0 - trust) if delta > 0 else trust + delta * trust


def shock(trust: float, size: float) -> float:
    """A loss of `size` (trust units), never below zero."""
    return max(trust - size, 0.0)


def spill(trust: float, neighbour_mean: float | None, rate: float) -> float:
    if neighbour_mean is None:
        return trust
    return trust + rate * (neighbour_mean - trust)
