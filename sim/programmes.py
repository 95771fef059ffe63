"""Programmes: how the market responds to marketing's and sales' programme spend.

The response curves are shared by the simulation and by planners' mental model of it (planners
know the shape of each curve; what they misjudge is the funnel's value, see sim/forecast.py).
Each saturates: spend at the reference level gives 63% of the maximal effect.
"""

from __future__ import annotations

import numpy as np

PROGRAMMES = ("demand", "nurture", "retention", "enablement")
DEMAND, NURTURE, RETENTION, ENABLEMENT = range(4)

NURTURE_GAIN = 0.04          # readiness gain per week at saturating nurture spend
NURTURE_REF_USD_PER_LEAD = 4.0
ENABLEMENT_MAX_LIFT = 0.25   # win-probability lift at saturating enablement
ENABLEMENT_REF_USD = 8_000.0
PROSPECTING_MAX_LIFT = 0.5   # prospecting yield lift at saturating sales programme spend
SALES_PROGRAMME_REF_USD = 30_000.0


def nurture_factor(nurture_usd: float, pool: float) -> float:
    per_lead = nurture_usd / max(pool, 1.0)
    return 1 + NURTURE_GAIN * (1 - np.exp(-per_lead / NURTURE_REF_USD_PER_LEAD))


def enablement_lift(enablement_usd: float) -> float:
    return ENABLEMENT_MAX_LIFT * (1 - np.exp(-enablement_usd / ENABLEMENT_REF_USD))


def prospecting_lift(sales_programme_usd: float) -> float:
    return PROSPECTING_MAX_LIFT * (1 - np.exp(-sales_programme_usd / SALES_PROGRAMME_REF_USD))
