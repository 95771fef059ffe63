"""A small synthetic firm the calibration tests share: a few people, short runs, two parameters
with a direct pull on two targets, so a calibration takes seconds."""

from __future__ import annotations

from typing import Any

SYNTHETIC: dict[str, Any] = {
    "name": "synthetic",
    "organisation": {"reps": 6, "marketers": 2, "arr_usd": 8e6},
    "parameters": {"burn_in_weeks": 4, "weeks": 30},
    "governance": {"preset": "undefined"},
    "targets": {"win_rate": {"value": 0.3, "se": 0.06, "weeks": 20},
                "logo_churn_annual": {"value": 0.25, "se": 0.04, "weeks": 20}},
    "fit": {"market.win_rate_scale": {"min": 0.5, "max": 3.0, "log": True},
            "market.churn_scale": {"min": 0.5, "max": 5.0, "log": True}},
    "calibration": {"budget": 12, "seeds": 2, "batch": 4, "check_top": 2, "check_seeds": 3},
}
