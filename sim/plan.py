"""The plan and the moves a planner considers: the marketing share of the budget (sales
capacity is the rest), the programme mix and the MQL threshold. Moves are one capped step per
lever (incremental budgeting, Wildavsky 1964), so governance differences build up over planning
events rather than jumping."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

THRESHOLD_RANGE = (0.2, 0.9)
SHARE_RANGE = (0.1, 0.8)
MIX_FLOOR = 0.02
# A candidate must beat the current plan by this much to be adopted (planning inertia).
ADOPTION_MARGIN = 0.0005


@dataclass(frozen=True)
class Plan:
    marketing_share: float
    mix: tuple[float, float, float, float]
    mql_threshold: float

    def programme_spend(self, budget_usd: float) -> np.ndarray:
        return budget_usd * self.marketing_share * np.asarray(self.mix)


INITIAL_PLAN = Plan(marketing_share=0.4, mix=(0.55, 0.2, 0.15, 0.1), mql_threshold=0.7)



def candidates(current: Plan, step: float, move_share: bool, move_threshold: bool,
               move_mix: bool) -> list[Plan]:
    """The current plan and its one-step neighbours, within the plan's bounds."""
    out = [current]
    if move_share:
        for d in (-step, step):
            s = float(np.clip(current.marketing_share + d, *SHARE_RANGE))
            if s != current.marketing_share:
                out.append(replace(current, marketing_share=s))
    if move_threshold:
        for d in (-step, step):
            t = float(np.clip(current.mql_threshold + d, *THRESHOLD_RANGE))
            if t != current.mql_threshold:
                out.append(replace(current, mql_threshold=t))
    if move_mix:
        mix = current.mix
        for i in range(4):
            for j in range(4):
                moved = min(step, mix[i] - MIX_FLOOR)
                if i == j or moved <= 0:
                    continue
                new = list(mix)
                new[i] -= moved
                new[j] += moved
                out.append(replace(current, mix=tuple(new)))
    return out


LEVERS = ("marketing_share", "mql_threshold", "mix")


def adopt(plans: list[Plan], scores: list[float]) -> Plan:
    """The plan adopted: for each lever, the best one-step move of that lever if it beats the
    current plan (index 0) by the adoption margin; the moves are combined, one step per lever
    (coordinate-wise incremental planning)."""
    current, bar = plans[0], scores[0] * (1 + ADOPTION_MARGIN) + 1e-9
    changes = {}
    for lever in LEVERS:
        moved = [(score, plan) for plan, score in zip(plans, scores, strict=True)
                 if getattr(plan, lever) != getattr(current, lever)]
        if moved:
            score, plan = max(moved, key=lambda sp: sp[0])
            if score > bar:
                changes[lever] = getattr(plan, lever)
    return replace(current, **changes)
