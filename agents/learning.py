"""Strategy learning: Roth-Erev reinforcement, imperfect conditional cooperation, imitation.

- Roth-Erev with forgetting and experimentation (Erev & Roth 1998): each week a person's
  propensities decay by `forgetting`; the strategy played gains (1 - experimentation) of the
  reinforcement and each other strategy experimentation / (k - 1) of it. The reinforcement is
  the (non-negative, normalised) payoff itself, as in Erev & Roth's basic model: a strategy's
  propensity settles near how often it is played times what it pays, so the better-paying
  strategy gains share at a rate set by the payoff gap, and equal payoffs leave the split where
  it was. (A reference-point reinforcement, payoff less its running mean, averages zero, so
  forgetting alone would pull every split to even odds: what a person learned would then be
  noise, not payoffs.) Propensities stay above PROPENSITY_FLOOR. Choice is proportional to
  propensity.
- Conditional cooperation (Fischbacher & Gachter 2010): contributions follow beliefs about the
  others' contributions with a slope below one. Here P(cooperate) = slope * belief + intercept,
  clipped to [0, 1], where the belief is the person's trust in the other department (built on
  what they saw of it) and the intercept is what the person has learned cooperation itself pays.
  With a slope below 1 people give a little less than they believe they get, so unless payoffs
  favour cooperation, cooperation and belief pull each other down (the decay of public-goods
  experiments); sanctions and shared pay make cooperation pay and raise the intercept.
- The intercept learns by reinforcement comparison (Sutton & Barto 2018, 2.8; Williams 1992):
  after a week whose payoff beat the person's running payoff, the choice made becomes more
  likely (and less likely after a worse week), in proportion to how surprising it was:
  intercept += rate * (payoff - running payoff) * (chose to cooperate - P(cooperate)). In
  expectation it moves by the payoff gap between cooperating and defecting, so it learns what
  the incentives reward and nothing else (the brief's Roth-Erev with forgetting, applied to a
  two-way choice with payoffs near their mean, drifts to even odds whatever they pay; it still
  serves the three-way choices of marketers' modes and leaders' lobbying).
- Imitation by the pairwise-comparison (Fermi) rule (Szabo & Toke 1998): a person adopts a
  colleague's cooperation intercept (and a marketer's mode propensities) with probability
  1 / (1 + exp(-(payoff_j - payoff_i) / noise)).
Payoffs are normalised and non-negative (the rule needs it); see `payoff`. Propensities are
short lists of floats: these functions run for every person every week.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

PROPENSITY_FLOOR = 0.05


def reinforce(propensity: Sequence[float], chosen: int, payoff: float, forgetting: float,
              experimentation: float) -> list[float]:
    """One Roth-Erev update by `payoff` (the reinforcement, >= 0); returns new propensities
    (the input is not modified)."""
    spill = payoff * experimentation / (len(propensity) - 1)
    return [max((1 - forgetting) * q + (payoff * (1 - experimentation) if j == chosen
                                         else spill), PROPENSITY_FLOOR)
            for j, q in enumerate(propensity)]


def choice_probability(propensity: Sequence[float], option: int) -> float:
    return propensity[option] / sum(propensity)


def cooperation_probability(intercept: float, belief: float, slope: float) -> float:
    """Conditional cooperation: slope x belief about the other side, plus what was learned."""
    return min(max(slope * belief + intercept, 0.0), 1.0)


def initial_intercept(cooperation: float, belief: float, slope: float) -> float:
    """The intercept that, with `belief` and `slope`, gives the chance `cooperation` to
    cooperate at the start."""
    return cooperation - slope * belief


def learn_intercept(intercept: float, rate: float, payoff: float, reference: float,
                    cooperated: bool, probability: float) -> float:
    """Reinforcement comparison: the choice made gains likelihood after a payoff above the
    reference, in proportion to how unexpected it was; kept within [-1, 1]."""
    step = rate * (payoff - reference) * (float(cooperated) - probability)
    return min(max(intercept + step, -1.0), 1.0)


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
