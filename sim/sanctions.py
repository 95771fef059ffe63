"""SLA monitoring and graduated sanctions (Ostrom 1990: graduated sanctions; Fehr & Gachter 2000:
punishment sustains contributions).

A rep who works an MQL without a disposition, or keeps an overdue MQL instead of returning it,
is detected with the SLA's monitoring probability per lead (funnel.handoff); a marketer who
defects is detected with the same probability (sim/adaptation.py). A first detected breach costs
reputation (`sanction_first` payoff units); each repeat costs `sanction_repeat`, and while a rep's
offence record lasts its detected overdue MQLs are forced back to marketing. Offence records fade
after a quiet year, so graduated means graduated, not permanent.
"""

from __future__ import annotations

OFFENCE_MEMORY_WEEKS = 52


def sanction_cost(detections: int, prior_offences: int, first: float, repeat: float) -> float:
    """Payoff cost of this week's detections given the rep's earlier offences."""
    if detections <= 0:
        return 0.0
    if prior_offences == 0:
        return first + repeat * (detections - 1)
    return repeat * detections
