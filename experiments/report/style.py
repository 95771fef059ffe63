"""The shared look of alignsim's outputs in plain data: colours and words.

One module for the report, its charts, the console summaries of `alignsim run`/`compare` and the
workshop dashboard (`app/`), so an arm, a department or a metric looks and reads the same
everywhere. Plain Python (no matplotlib), so the dashboard and the command line import it
cheaply; `experiments.report.figures.frame` applies it to matplotlib.

- Colours: the Okabe & Ito (2008) colour-blind-safe palette with a fixed colour per governance
  arm; departments in a purple-green pair (ColorBrewer PRGn, also colour-blind safe) that no
  arm uses, so a person's department never reads as an arm. In a design of several factors
  every arm gets its own look (`arm_looks`): the preset (or first factor) by hue, the other
  factors by shade and line style, the same in every chart of a report.
- Words: metric names with units, value formats a client expects (12.3%, $1.36M, +1.2 pp),
  arm names in words, and the Kotler relationship types by name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from experiments.spec import PRESET_FACTOR
from sim.presets import KOTLER_TYPES

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


class ArmLook(NamedTuple):
    """How an arm appears in every chart of a report: name, colour and matplotlib line style."""

    name: str
    colour: str
    dash: str = "-"


DASHES = ("-", "--", ":", "-.")
SHADE_RANGE = (-0.3, 0.45)
"""Shades of a hue across the levels of the other factors: from 30% toward black to 45% toward
white, so two levels stay apart in print and to colour-blind readers."""


def shade(colour: str, amount: float) -> str:
    """`colour` mixed toward black (amount < 0) or white (amount > 0) by |amount|."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    target = 255 if amount > 0 else 0
    mixed = [round(c + (target - c) * abs(amount)) for c in rgb]
    return "#" + "".join(f"{c:02X}" for c in mixed)


def hue_factor(factors: Sequence[str]) -> str | None:
    """The factor shown by hue: the preset when it varies (its colours are fixed), else the
    first factor of the experiment file."""
    if PRESET_FACTOR in factors:
        return PRESET_FACTOR
    return factors[0] if factors else None


def arm_looks(values_by_arm: Mapping[str, Mapping[str, Any]]) -> dict[str, ArmLook]:
    """A look for every arm (label -> its factor values, in design order), distinct within the
    report: the hue factor's level picks the hue (a preset its own colour, unless an earlier
    level took it), the other factors' levels a shade of it and a line style."""
    factors = list(next(iter(values_by_arm.values()), {}))
    hue = hue_factor(factors)
    others = [f for f in factors if f != hue]
    hues: dict[str, str] = {}
    shades: dict[tuple, int] = {}
    for values in values_by_arm.values():
        level = str(values.get(hue, "")) if hue else ""
        if level not in hues:
            wanted = ARM_COLOURS.get(level) if hue == PRESET_FACTOR else None
            taken = set(hues.values())
            spare = [c for c in OKABE_ITO if c not in taken] or list(OKABE_ITO)
            hues[level] = wanted if wanted and wanted not in taken else spare[0]
        shades.setdefault(tuple(str(values.get(f)) for f in others), len(shades))
    n = len(shades)
    looks = {}
    for label, values in values_by_arm.items():
        base = hues[str(values.get(hue, "")) if hue else ""]
        k = shades[tuple(str(values.get(f)) for f in others)]
        amount = SHADE_RANGE[0] + (SHADE_RANGE[1] - SHADE_RANGE[0]) * k / (n - 1) if n > 1 else 0
        looks[label] = ArmLook(short_arm(label), shade(base, amount) if n > 1 else base,
                               DASHES[k % len(DASHES)] if n > 1 else "-")
    names = [look.name for look in looks.values()]
    if len(set(names)) != len(names):  # two arms would read alike: keep their labels
        looks = {label: look._replace(name=label) for label, look in looks.items()}
    return looks


def legend_title(factors: Sequence[str]) -> str:
    """What colour and line style mean when several factors vary, e.g. "colour: preset; shade
    and line: budget structure"."""
    hue = hue_factor(factors)
    others = [f for f in factors if f != hue]
    if hue is None or not others:
        return ""
    return (f"colour: {factor_name(hue)}; shade and line: "
            + ", ".join(factor_name(f) for f in others))


def factor_name(name: str) -> str:
    return "preset" if name == PRESET_FACTOR else metric_label(name)


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
    "cross_ties": ("Marketing-sales ties", "ties between marketers and reps"),
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

# What a number means, in a sentence a client can read on the report page (the ODD's metric
# tables, docs/odd.md 7.16, in words).
DEFINITIONS: dict[str, str] = {
    "alignment_index": "Kotler, Rackham & Krishnaswamy's (2006) 20-100 diagnostic, from seven "
                       "parts: an agreed lead definition, SLA compliance, how often the budget "
                       "is planned, pay for shared goals, feedback on leads, trust each way and "
                       "ties between the departments. Under 40 reads as Undefined, under 60 "
                       "Defined, under 80 Aligned, else Integrated.",
    "revenue_usd_per_week": "Revenue from all customers, new and existing, per week: the mean "
                            "over the measured weeks, not a total.",
    "bookings_usd_per_week": "New deals' first-year value booked per week, both sources.",
    "new_business_revenue_usd_per_week": "Revenue per week from customers won during the run.",
    "mql_acceptance_rate": "Marketing-qualified leads (MQLs) sales accepted, as a share of the "
                           "MQLs handed over. Without a hand-off gate (as in a merged "
                           "department, whose people work their own leads) every MQL counts "
                           "as accepted: 100% in every run.",
    "inquiry_to_mql_rate": "Inquiries that marketing's scoring passed as MQLs.",
    "closure_rate": "Marketing-sourced deals won per MQL sales accepted.",
    "win_rate": "Deals won as a share of deals closed (won or lost), from both sources.",
    "marketing_sourced_share": "Share of new bookings (in USD) from marketing's leads rather "
                               "than reps' own prospecting.",
    "new_business_share": "Share of revenue from customers won during the run.",
    "avg_deal_size_usd": "Bookings per deal won.",
    "revenue_churn_annual": "ARR lost to churn per year, as a share of ARR.",
    "sales_cycle_weeks_median": "Median weeks from first contact to a won deal.",
    "speed_to_lead_weeks": "Mean weeks an MQL waits before a rep contacts it.",
    "prospecting_share": "Share of reps' hours spent finding their own prospects.",
    "hoarded_leads": "MQLs a rep holds without working them: still unworked at least the "
                     "follow-up time (the SLA's, else 2 weeks) after the hand-off, instead of "
                     "being returned to marketing; the mean count per week.",
    "cost_of_sales": "Sales spend per dollar of bookings.",
    "trust": "Mean of sales' trust in marketing and marketing's trust in sales (0-1), over the "
             "measured weeks.",
    "cooperation": "Mean share of reps and of marketers who cooperate in a week (0-1), over "
                   "the measured weeks.",
}
# Why a metric can sit at the same value in every replicate, where a client would ask.
_CONSTANT_REASONS: dict[tuple[str, float], str] = {
    ("mql_acceptance_rate", 1.0): "this arm has no hand-off gate (as in a merged department, "
                                  "whose people work their own leads), so every MQL handed "
                                  "over counts as accepted",
    ("hoarded_leads", 0.0): "no rep held an MQL past the follow-up time",
}


def precision_words(precision: float, baseline: str = "the baseline") -> str:
    """The stated precision of a paired interval in words (see `analysis.replication`)."""
    return (f"±{precision * 100:g}% of {baseline}'s value (±{precision * 100:g} points for "
            "rates)")


def definition(name: str) -> str:
    return DEFINITIONS.get(name, "")


def constant_note(name: str, value: float) -> str:
    """Why `name` can be exactly `value` in every replicate (empty when there is no known
    reason: then a governance setting fixes it whatever the market does)."""
    for (metric, at), reason in _CONSTANT_REASONS.items():
        if metric == name and abs(value - at) < 1e-12:
            return reason
    return ""


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
    """A value as a reader expects it: 12.3%, $1.36M, $1.21M/wk for a rate per week, 55.0;
    percentages of a difference in points (pp)."""
    if value != value:  # NaN
        return "n/a"
    sign = "+" if signed and value > 0 else ""
    kind = metric_kind(name)
    if kind == "pct":
        points = value * 100 if round(value * 100, 1) else 0.0  # no "-0.0"
        return f"{sign if points else ''}{points:.1f}{' pp' if signed else '%'}"
    if kind == "money":
        per_week = "/wk" if name.endswith("_per_week") else ""
        return (sign + money(value) if value >= 0 else "-" + money(-value)) + per_week
    if abs(value) < 10:
        return f"{sign}{value:.2f}"
    return f"{sign}{value:,.1f}" if abs(value) < 1000 else f"{sign}{value:,.0f}"


def money(value: float, _pos: object = None) -> str:
    """USD in a few characters: $950, $24.5k, $1.36M (also a matplotlib tick formatter)."""
    for size, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"${value / size:#.3g}".rstrip(".") + suffix
    return f"${value:.0f}"


KEY_METRICS: tuple[str, ...] = (
    "alignment_index", "revenue_usd_per_week", "mql_acceptance_rate", "closure_rate",
    "win_rate", "marketing_sourced_share", "new_business_share",
)
"""The summary metrics a client reads first: a report's default metrics, and the ones whose
replicate needs `alignsim run`/`compare` state."""

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
    ("bookings_usd_per_week", "New bookings", "usd_week"),
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
    """A readable arm name: ``preset=joint, governance.cadence_weeks=4`` -> ``joint (cadence 4
    wk)``: the preset (or first factor), the other levels in brackets, so that a list of arms
    in a sentence still reads as a list."""
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
    if len(parts) > 1:
        return f"{parts[0]} ({', '.join(parts[1:])})"
    return parts[0] if parts else str(label)


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
