"""Strategy learning: Roth-Erev reinforcement, imperfect conditional cooperation, imitation.

- Roth-Erev with forgetting and experimentation (Erev & Roth 1998): each week a person's
  propensities decay by `forgetting`; the strategy played gains (1 - experimentation) of the
  reinforcement and each other strategy experimentation / (k - 1) of it. The reinforcement is
  the payoff less the person's running payoff (the reference-point variant of Erev & Roth), so
  a payoff below what one is used to weakens the strategy that earned it; propensities stay
  above PROPENSITY_FLOOR. Choice is proportional to propensity.
- Conditional cooperation (Fischbacher & Gachter 2010): the chance to cooperate blends the
  learned propensity with slope * (the other side's cooperation observed last week). A slope
  below 1 means people give a little less than they see, so cooperation decays unless payoffs
  or sanctions hold it up.
- Imitation by the pairwise-comparison (Fermi) rule (Szabo & Toke 1998): a person adopts a
  neighbour's propensities with probability 1 / (1 + exp(-(payoff_j - payoff_i) / noise)).
Payoffs are normalised and non-negative (the rule needs it); see `payoff`. Propensities are
short lists of floats: these functions run for every person every week.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

PROPENSITY_FLOOR = 0.05


def reinforce(propensity: Sequence[float], chosen: int, payoff: float, forgetting: float,
              experimentation: float) -> list[float]:
    """One Roth-Erev update by `payoff` (a reinforcement: payoff less the reference point);
    returns new propensities (the input is not modified)."""
    spill = payoff * experimentation / (len(propensity) - 1)
    return [max((1 - forgetting) * q + (payoff * (1 - experimentation) if j == chosen
                                         else spill), PROPENSITY_FLOOR)
            for j, q in enumerate(propensity)]


def choice_probability(propensity: Sequence[float], option: int) -> float:
    return propensity[option] / sum(propensity)


def cooperation_probability(propensity: Sequence[float], observed_other: float, slope: float,
                            weight: float) -> float:
    """Learned propensity to cooperate, pulled toward slope x the other side's cooperation."""
    p = (1 - weight) * choice_probability(propensity, 0) + weight * slope * observed_other
    return min(max(p, 0.0), 1.0)


def choose(propensity: Sequence[float], draw: float) -> int:
    """The option a uniform `draw` in [0, 1) picks, in proportion to propensity."""
    target = draw * sum(propensity)
    running = 0.0
    for j, q in enumerate(propensity):
        running += q
        if target < running:
            return j
    return len(propensity) - 1


def payoff(own_kpi: float, own_reference: float, shared: float, shared_reference: float,
           w_shared: float, sanction: float) -> float:
    """(1 - w) * own KPI + w * shared revenue, each relative to its recent mean, minus sanctions;
    floored at zero for Roth-Erev."""
    own = own_kpi / own_reference if own_reference > 0 else 1.0
    team = shared / shared_reference if shared_reference > 0 else 1.0
    return max((1 - w_shared) * own + w_shared * team - sanction, 0.0)


def imitation_probability(own_payoff: float, neighbour_payoff: float, noise: float) -> float:
    z = (neighbour_payoff - own_payoff) / noise
    return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0
