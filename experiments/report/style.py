"""The shared look of alignsim's outputs in plain data: colours and words.

One module for the report, its charts, the console summaries of `alignsim run`/`compare` and the
workshop dashboard (`app/`), so an arm, a department or a metric looks and reads the same
everywhere. Plain Python (no matplotlib), so the dashboard and the command line import it
cheaply; `experiments.report.figures.frame` applies it to matplotlib.

- Colours: the Okabe & Ito (2008) colour-blind-safe palette with a fixed colour per governance
  arm; departments in a purple-green pair (ColorBrewer PRGn, also colour-blind safe) that no
  arm uses, so a person's department never reads as an arm.
- Words: metric names with units, value formats a client expects (12.3%, $1.36M, +1.2 pp),
  arm names in words, and the Kotler relationship types by name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from experiments.spec import PRESET_FACTOR
from sim.presets import KOTLER_TYPES

if TYPE_CHECKING:
    import pandas as pd

# -- colours -------------------------------------------------------------------------------------
# Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
             "#000000")
ARM_COLOURS: dict[str, str] = {
    "undefined": "#D55E00",
    "defined": "#E69F00",
    "aligned": "#56B4E9",
    "integrated": "#0072B2",
    "marketing_led": "#CC79A7",
    "sales_led": "#E69F00",
    "joint": "#009E73",
    "finance_led": "#555555",
    "cro": "#0072B2",
    "merged": "#56B4E9",
}
DEPARTMENT_COLOURS: dict[str, str] = {
    "marketing": "#7b3294",
    "sales": "#008837",
    "revenue": "#1a1a1a",  # a CRO's revenue organisation
    "finance": "#666666",
}
OTHER_DEPARTMENT_COLOUR = "#1a1a1a"
VERDICT_COLOURS: dict[str, str] = {
    # `alignsim validate`: a claim or fact holds, fails, is inconclusive or cannot be judged.
    "holds": "#009E73",
    "fails": "#D55E00",
    "inconclusive": "#E69F00",
    "untestable": "#999999",
}


def arm_colour(arm: str, position: int = 0) -> str:
    return ARM_COLOURS.get(arm, OKABE_ITO[position % len(OKABE_ITO)])


def department_colour(department: str) -> str:
    return DEPARTMENT_COLOURS.get(department, OTHER_DEPARTMENT_COLOUR)


def colour_key(runs: pd.DataFrame, arm: str) -> str:
    """The value that picks an arm's colour: its preset when the preset varies, else the label."""
    if PRESET_FACTOR in runs.columns:
        values = runs.loc[runs["arm"] == arm, PRESET_FACTOR]
        if len(values):
            return str(values.iloc[0])
    return str(arm)


# -- words -----------------------------------------------------------------------------------------
KOTLER_NAMES: tuple[str, ...] = tuple(name.capitalize() for name in KOTLER_TYPES)
"""Kotler, Rackham & Krishnaswamy's (2006) relationship types by name, in the order of
`sim.metrics.kotler_type` (0 Undefined ... 3 Integrated): the names of the presets."""
_KOTLER_SCALE = f"0 {KOTLER_NAMES[0]} - {len(KOTLER_NAMES) - 1} {KOTLER_NAMES[-1]}"

_METRIC_TEXT: dict[str, tuple[str, str]] = {
    # name: (label, unit for the axis)
    "alignment_index": ("Alignment index", "Kotler score, 20-100"),
    "alignment_type": ("Kotler type", _KOTLER_SCALE),
    "conflict_index": ("Conflict index", "0-1"),
    "revenue_usd": ("Revenue", "USD per week"),
    "revenue_usd_per_week": ("Revenue", "USD per week"),
    "bookings_usd_per_week": ("New bookings", "USD per week"),
    "new_business_revenue_usd_per_week": ("New-business revenue", "USD per week"),
    "avg_deal_size_usd": ("Average deal size", "USD"),
    "arr_end_usd": ("ARR at the end", "USD"),
    "arr_usd": ("ARR", "USD"),
    "mql_acceptance_rate": ("MQL acceptance", "share of MQLs accepted"),
    "inquiry_to_mql_rate": ("Inquiry to MQL", "share of inquiries"),
    "mql_to_opportunity_rate": ("MQL to opportunity", "share of MQLs"),
    "mql_to_won_rate": ("MQL to won", "share of MQLs"),
    "closure_rate": ("Closure rate", "won / accepted MQLs"),
    "win_rate": ("Win rate", "won / closed opportunities"),
    "marketing_sourced_share": ("Marketing-sourced share", "share of bookings"),
    "new_business_share": ("New-business share", "share of revenue"),
    "logo_churn_annual": ("Logo churn", "share of customers per year"),
    "revenue_churn_annual": ("Revenue churn", "share of ARR per year"),
    "sales_cycle_weeks_median": ("Sales cycle", "weeks (median)"),
    "speed_to_lead_weeks": ("Speed to lead", "weeks (mean)"),
    "prospecting_share": ("Reps' own prospecting", "share of rep hours"),
    "account_share": ("Account work", "share of rep hours"),
    "hoarded_leads": ("Hoarded MQLs", "leads (mean per week)"),
    "cost_of_sales": ("Cost of sales", "sales spend / bookings"),
    "trust": ("Trust", "0-1, both departments"),
    "cooperation": ("Cooperation", "share cooperating"),
    "cooperation_sales": ("Cooperation, sales", "share of reps cooperating"),
    "cooperation_marketing": ("Cooperation, marketing", "share of marketers cooperating"),
    "trust_sales_in_marketing": ("Sales' trust in marketing", "0-1"),
    "trust_marketing_in_sales": ("Marketing's trust in sales", "0-1"),
    "feedback_rate": ("Feedback rate", "0-1"),
    "scoring_accuracy": ("Scoring accuracy", "1 - RMS score error"),
    "marketing_share_of_budget": ("Marketing's share of budget", "share of budget"),
}
_PCT_WORDS = ("_rate", "_share", "churn_annual")


def metric_label(name: str) -> str:
    """A metric's or parameter's name in words: ``behaviour.trust_initial`` -> ``trust
    initial``."""
    if name in _METRIC_TEXT:
        return _METRIC_TEXT[name][0]
    field = name.rsplit(".", 1)[-1]
    for suffix, unit in (("_weeks", "weeks"), ("_usd", "USD")):
        if field.endswith(suffix) and len(field) > len(suffix):
            return f"{field[:-len(suffix)].replace('_', ' ')} ({unit})"
    return field.replace("_", " ")


def metric_kind(name: str) -> str:
    """How to show a metric: ``pct``, ``money`` or ``plain``."""
    if name.endswith(_PCT_WORDS) or name == "marketing_share_of_budget":
        return "pct"
    if "_usd" in name:
        return "money"
    return "plain"


def metric_unit(name: str) -> str:
    if name in _METRIC_TEXT:
        return _METRIC_TEXT[name][1]
    return {"pct": "share", "money": "USD"}.get(metric_kind(name), "")


def axis_label(name: str) -> str:
    unit = metric_unit(name)
    return f"{metric_label(name)} ({unit})" if unit else metric_label(name)


def format_value(name: str, value: float, *, signed: bool = False) -> str:
    """A value as a reader expects it: 12.3%, $1.36M, 55.0; percentages of a difference in
    points (pp)."""
    if value != value:  # NaN
        return "n/a"
    sign = "+" if signed and value > 0 else ""
    kind = metric_kind(name)
    if kind == "pct":
        points = value * 100 if round(value * 100, 1) else 0.0  # no "-0.0"
        return f"{sign if points else ''}{points:.1f}{' pp' if signed else '%'}"
    if kind == "money":
        return sign + money(value) if value >= 0 else "-" + money(-value)
    if abs(value) < 10:
        return f"{sign}{value:.2f}"
    return f"{sign}{value:,.1f}" if abs(value) < 1000 else f"{sign}{value:,.0f}"


def money(value: float, _pos: object = None) -> str:
    """USD in a few characters: $950, $24.5k, $1.36M (also a matplotlib tick formatter)."""
    for size, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"${value / size:#.3g}".rstrip(".") + suffix
    return f"${value:.0f}"


# The console summary of `alignsim run`/`compare`: the metrics a person reads first, in reading
# order, with a label and how to print them (`console_value`).
HEADLINE: tuple[tuple[str, str, str], ...] = (
    ("mql_acceptance_rate", "MQL acceptance", "pct"),
    ("inquiry_to_mql_rate", "Inquiry to MQL", "pct"),
    ("closure_rate", "Closure (accepted MQL to won)", "pct"),
    ("win_rate", "Win rate (all opportunities)", "pct"),
    ("marketing_sourced_share", "Marketing-sourced share of bookings", "pct"),
    ("new_business_share", "New-business share of revenue", "pct"),
    ("revenue_usd_per_week", "Revenue", "usd_week"),
    ("new_business_revenue_usd_per_week", "New-business revenue", "usd_week"),
    ("avg_deal_size_usd", "Average deal size", "usd"),
    ("revenue_churn_annual", "Revenue churn (annual)", "pct"),
    ("sales_cycle_weeks_median", "Sales cycle (median)", "weeks"),
    ("speed_to_lead_weeks", "Speed to lead (mean)", "weeks"),
    ("prospecting_share", "Rep time on own prospecting", "pct"),
    ("hoarded_leads", "Hoarded MQLs (mean)", "count"),
    ("cost_of_sales", "Cost of sales (sales spend / bookings)", "ratio"),
    ("alignment_index", "Alignment index (20-100)", "count"),
)


def console_value(value: float, kind: str) -> str:
    """A value in the console summary of `alignsim run`/`compare`, by its HEADLINE kind."""
    if kind == "pct":
        return f"{value:.1%}"
    if kind == "usd_week":
        return f"${value:,.0f}/wk"
    if kind == "usd":
        return f"${value:,.0f}"
    if kind == "weeks":
        return f"{value:.1f} wk"
    if kind == "ratio":
        return f"{value:.2f}"
    return f"{value:,.1f}"


# -- arms in words ----------------------------------------------------------------------------
def short_arm(label: str) -> str:
    """A readable arm name: ``preset=joint, governance.cadence_weeks=4`` -> ``joint, cadence
    weeks 4``."""
    parts = []
    pieces = str(label).split(", ")
    # The preset (the governance arm) first: "merged, budget structure separate".
    pieces.sort(key=lambda piece: not piece.startswith(f"{PRESET_FACTOR}="))
    for part in pieces:
        name, sep, value = part.partition("=")
        if not sep:
            parts.append(part.replace("_", " "))
        elif name == PRESET_FACTOR:
            parts.append(_words(value))
        else:
            field_name = name.rsplit(".", 1)[-1]
            if field_name.endswith("_weeks"):
                parts.append(f"{field_name[:-6].replace('_', ' ')} {value} wk")
            elif _is_number(value):
                parts.append(f"{field_name.replace('_', ' ')} {value}")
            else:  # a named level says what it is: "shared pool", not "budget structure ..."
                parts.append(_words(value))
    return ", ".join(parts)


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return value in ("true", "false")
    return True


def _words(value: str) -> str:
    """A level in words: ``finance_led`` -> ``finance-led``, ``cro`` -> ``CRO``."""
    if value == "cro":
        return "CRO"
    return value.replace("_led", "-led").replace("_", " ")


def sentence_case(text: str) -> str:
    """Capitalise the first letter only (``mQL`` stays as written, ``CRO`` too)."""
    return text[:1].upper() + text[1:]


def lower_case(text: str) -> str:
    """Lower-case a label's first word unless it is an acronym (MQL, ARM, CRO)."""
    first, _, rest = text.partition(" ")
    if first.isupper() and len(first) > 1:
        return text
    return first.lower() + (" " + rest if rest else "")
