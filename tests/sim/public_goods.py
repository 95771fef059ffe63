"""The cooperation submodel isolated as an n-player public-goods game (docking).

Same learners as the firm (agents.learning: conditional cooperation on beliefs with an intercept
learned by reinforcement comparison; sim.sanctions:
graduated sanctions), in the classic game: each round each player keeps an endowment of 1 or
contributes it; the pot is multiplied by `multiplier` (1 < multiplier < n) and shared equally.
Own KPI is what a player kept, the shared part is their share of the pot, mixed by `w_shared`
exactly as in the firm. Fehr & Gachter (2000) found contributions decay over rounds without
punishment and stay high with it; `play` lets a test check the learners reproduce that.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents import learning
from agents.base import PAYOFF_MEMORY
from sim.params import BehaviourParams
from sim.sanctions import sanction_cost


@dataclass(frozen=True)
class Game:
    players: int = 8
    rounds: int = 60
    multiplier: float = 1.6
    w_shared: float = 0.5
    monitoring_prob: float = 0.0
    """Chance a defector is detected each round; 0 means no punishment."""


def play(game: Game, seed: int, behaviour: BehaviourParams | None = None) -> np.ndarray:
    """Share of players contributing in each round."""
    b = behaviour or BehaviourParams()
    rng = np.random.default_rng(seed)
    slope = b.conditional_cooperation_slope
    # As in the firm, the learned intercept is what reciprocity at the initial belief leaves.
    intercept = [learning.initial_intercept(b.cooperation_initial, b.cooperation_initial, slope)
                 for _ in range(game.players)]
    offences = [0] * game.players
    running = [1.0] * game.players
    observed = b.cooperation_initial
    ref_own = ref_shared = 0.0
    shares = np.zeros(game.rounds)
    for t in range(game.rounds):
        # The belief about the others is what they contributed last round (Fischbacher &
        # Gachter 2010); in the firm, trust carries it.
        chance = [learning.cooperation_probability(c, observed, slope) for c in intercept]
        coop = [rng.random() < p for p in chance]
        kept = [0.0 if c else 1.0 for c in coop]
        pot_share = game.multiplier * sum(coop) / game.players
        kept_mean = sum(kept) / game.players
        ref_own = kept_mean if ref_own <= 0 else ref_own + 0.1 * (kept_mean - ref_own)
        ref_shared = pot_share if ref_shared <= 0 else ref_shared + 0.1 * (pot_share - ref_shared)
        for i in range(game.players):
            caught = (not coop[i]) and rng.random() < game.monitoring_prob
            cost = sanction_cost(int(caught), offences[i], b.sanction_first, b.sanction_repeat)
            offences[i] += int(caught)
            pay = learning.payoff(kept[i], max(ref_own, 1e-9), pot_share, ref_shared,
                                  game.w_shared, cost)
            intercept[i] = learning.learn_intercept(intercept[i], b.cooperation_learning_rate,
                                                    pay, running[i], coop[i], chance[i])
            running[i] += PAYOFF_MEMORY * (pay - running[i])
        observed = sum(coop) / game.players
        shares[t] = observed
    return shares
