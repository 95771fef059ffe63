"""The market: segments with deal size, win rate, cycle, churn, and inquiry generation.

Segment defaults follow B2B SaaS benchmarks loosely: SMB / mid-market / enterprise deals of
12k/45k/150k USD first-year ARR; base win rates that give about the brief's 20% win rate on all
opportunities; cycles of about one, two and five months; gross churn of 16%/10%/6% a year, so
blended near 10%. Inquiries follow the brief: Poisson(alpha * demand spend^elasticity).
Attractiveness of each segment drifts as a mean-reverting random walk (turbulence).
"""

from __future__ import annotations

import numpy as np

from sim.numerics import dot
from sim.params import MarketParams

SEGMENTS = ("smb", "mid", "enterprise")
DEAL_SIZE_USD = np.array([12_000.0, 45_000.0, 150_000.0])
BASE_WIN_RATE = np.array([0.22, 0.18, 0.14])
CYCLE_WEEKS = np.array([4.0, 10.0, 22.0])
ANNUAL_CHURN = np.array([0.16, 0.10, 0.06])
# Reps prospect bigger accounts than inbound marketing reaches (account-based selling habits).
PROSPECT_MIX = np.array([0.3, 0.45, 0.25])


class Market:
    """Segment economics and the weekly drift of attractiveness; owns the `market` stream."""

    def __init__(self, params: MarketParams, rng: np.random.Generator) -> None:
        self.params = params
        self.rng = rng
        # Inquiry counts draw from a child stream: a Poisson draw uses a mean-dependent number
        # of variates, so on the shared stream each arm's spend would shift the drift path.
        self.inquiry_rng = rng.spawn(1)[0]
        self.deal_size_usd = DEAL_SIZE_USD * params.deal_size_scale
        self.base_win_rate = np.minimum(BASE_WIN_RATE * params.win_rate_scale, 0.95)
        self.cycle_weeks = CYCLE_WEEKS * params.cycle_scale
        self.weekly_churn = ANNUAL_CHURN * params.churn_scale / 52.0
        mid = params.segment_mix_mid
        self.inquiry_mix = np.array([params.segment_mix_smb, mid,
                                     max(0.0, 1.0 - params.segment_mix_smb - mid)])
        self.attractiveness = np.ones(3)
        self._weights: dict[bytes, np.ndarray] = {}

    def drift(self) -> None:
        """Mean-reverting log drift; weekly sd from the yearly turbulence."""
        sd = self.params.turbulence / np.sqrt(52.0)
        log_a = np.log(self.attractiveness)
        log_a += -0.02 * log_a + sd * self.rng.standard_normal(3)
        self.attractiveness = np.exp(log_a)
        self._weights.clear()  # last week's weights are never asked for again

    def inquiry_count(self, demand_spend_usd: float, volume_multiplier: float) -> int:
        """Inquiries this week from demand-generation spend (brief: Poisson(alpha s^0.7))."""
        p = self.params
        mean = p.inquiry_alpha * max(demand_spend_usd, 0.0) ** p.spend_elasticity
        mean *= volume_multiplier * dot(self.attractiveness, self.inquiry_mix)
        return int(self.inquiry_rng.poisson(mean))

    def segment_weights(self, base_mix: np.ndarray) -> np.ndarray:
        """`base_mix` tilted by this week's attractiveness, normalised; read-only, computed
        once a week per mix (several mechanisms read the same weights)."""
        key = base_mix.tobytes() + self.attractiveness.tobytes()
        w = self._weights.get(key)
        if w is None:
            w = base_mix * self.attractiveness
            w = w / w.sum()
            w.flags.writeable = False
            self._weights[key] = w
        return w
