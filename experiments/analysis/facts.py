"""The stylized facts of the model brief as directional claims on paired runs.

Each fact is split into claims. A claim compares arms that ran on the same seeds (common random
numbers), seed by seed, and predicts the sign of the paired statistic:
- ``diff``: metric(a) - metric(b);
- ``logratio``: log(metric(a) / metric(b)), for "gains" measured relative to the baseline;
- ``gain_order``: log-gain of one metric minus log-gain of another, both of arm a over arm b
  (fact 1: the gain is largest for marketing share, then acceptance, then closure);
- ``interaction``: [log(a/b)] in one scenario minus [log(c/d)] in another (facts 11, 12);
- ``level``: metric(a) minus a reference, a number or the run's own value of a parameter
  (fact 8: cooperation at the end against where it started).
Verdicts (model brief): a claim holds when the bootstrap 95% interval of the mean paired
statistic lies wholly on the predicted side, fails when it lies wholly on the other side, and is
inconclusive when it straddles zero. A ``not_above`` claim (fact 12: "a CRO does not
automatically beat joint partners") holds unless the interval lies wholly above zero.
A fact holds when all its claims hold.

This module is the definitions only (plain data); `experiments.analysis.validation` evaluates
them on stored runs and `experiments.analysis.fact_runs` makes the experiment that runs them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

LOWER, HIGHER, NOT_ABOVE = "lower", "higher", "not_above"
PREDICTIONS = (HIGHER, LOWER, NOT_ABOVE)
HOLDS, FAILS, INCONCLUSIVE, UNTESTABLE = "holds", "fails", "inconclusive", "untestable"
VERDICTS = (HOLDS, FAILS, INCONCLUSIVE, UNTESTABLE)
KIND_ARMS = {"diff": 2, "logratio": 2, "gain_order": 2, "interaction": 4, "level": 1}
"""Claim kinds and how many arms each compares."""


@dataclass(frozen=True)
class Arm:
    """A fact's arm: a preset with scenario overrides (dotted parameter names)."""

    preset: str
    overrides: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Claim:
    """One directional claim: the sign of a paired statistic of `metric` over `arms`.

    `metric_b` is the second metric of a ``gain_order`` claim; `reference` is what a ``level``
    claim compares with: a number, or a dotted parameter name whose value each run used.
    """

    text: str
    kind: str
    arms: tuple[str, ...]
    metric: str
    predicted: str
    metric_b: str = ""
    reference: float | str = 0.0

    def __post_init__(self) -> None:
        if self.kind not in KIND_ARMS:
            raise ValueError(f"claim {self.text!r}: kind {self.kind!r} is not one of "
                             + ", ".join(KIND_ARMS))
        if len(self.arms) != KIND_ARMS[self.kind]:
            raise ValueError(f"claim {self.text!r}: a {self.kind} claim compares "
                             f"{KIND_ARMS[self.kind]} arm(s), not {len(self.arms)}")
        if self.predicted not in PREDICTIONS:
            raise ValueError(f"claim {self.text!r}: predicted {self.predicted!r} is not one of "
                             + ", ".join(PREDICTIONS))
        if bool(self.metric_b) != (self.kind == "gain_order"):
            raise ValueError(f"claim {self.text!r}: metric_b is for gain_order claims only, "
                             "and they need it")

    @property
    def metrics(self) -> tuple[str, ...]:
        return (self.metric, self.metric_b) if self.metric_b else (self.metric,)

    @property
    def reference_parameter(self) -> str | None:
        """The dotted parameter a level claim compares with, if its reference is one."""
        return self.reference if isinstance(self.reference, str) else None


@dataclass(frozen=True)
class Fact:
    """A stylized fact of the model brief, split into the claims that must all hold."""

    number: int
    text: str
    claims: tuple[Claim, ...]


# Scenarios of facts 11 and 12 are market assumptions (never governance levers), set on top of
# whatever parameters a run uses.
SHORT_STABLE = {"market.cycle_scale": 0.5, "market.turbulence": 0.0}
LONG_CYCLES = {"market.cycle_scale": 2.0, "market.turbulence": 0.0}
TURBULENT = {"market.cycle_scale": 0.5, "market.turbulence": 0.4}
HOMOGENEOUS = {"market.fit_heterogeneity": 0.4}
HETEROGENEOUS = {"market.fit_heterogeneity": 1.6}
MONITORED = {"governance.shared_scoreboard": True, "governance.sla": "on",
             "governance.sla_monitoring_prob": 0.6, "governance.sanctions": "graduated"}
POOL = {"governance.budget_structure": "shared_pool"}

ARMS: dict[str, Arm] = {
    "undefined": Arm("undefined"),
    "aligned": Arm("aligned"),
    "integrated": Arm("integrated"),
    "marketing_led": Arm("marketing_led"),
    "sales_led": Arm("sales_led"),
    "joint": Arm("joint"),
    "finance_led": Arm("finance_led"),
    "cro": Arm("cro"),
    "joint_every_4": Arm("joint", {"governance.cadence_weeks": 4}),
    "joint_every_52": Arm("joint", {"governance.cadence_weeks": 52}),
    "undefined_monitored": Arm("undefined", MONITORED),
    "marketing_led_pool": Arm("marketing_led", POOL),
    "sales_led_pool": Arm("sales_led", POOL),
    "joint_pool": Arm("joint", POOL),
    "formula_pool": Arm("formula", POOL),
    "aligned_short": Arm("aligned", SHORT_STABLE),
    "integrated_short": Arm("integrated", SHORT_STABLE),
    "aligned_long": Arm("aligned", LONG_CYCLES),
    "integrated_long": Arm("integrated", LONG_CYCLES),
    "aligned_turbulent": Arm("aligned", TURBULENT),
    "integrated_turbulent": Arm("integrated", TURBULENT),
    "aligned_homogeneous": Arm("aligned", HOMOGENEOUS),
    "merged_homogeneous": Arm("merged", HOMOGENEOUS),
    "aligned_heterogeneous": Arm("aligned", HETEROGENEOUS),
    "merged_heterogeneous": Arm("merged", HETEROGENEOUS),
}

NEW_BUSINESS = "new_business_revenue_usd_per_week"
CHURN = "logo_churn_annual"


def _diff(text: str, a: str, b: str, metric: str, predicted: str) -> Claim:
    return Claim(text, "diff", (a, b), metric, predicted)


def _beats(a: str, b: str, metric: str, what: str, predicted: str = HIGHER) -> Claim:
    word = {HIGHER: "higher", LOWER: "lower"}[predicted]
    return _diff(f"{a} has {word} {what} than {b}", a, b, metric, predicted)


def _fact1() -> Fact:
    claims = []
    for arm in ("aligned", "integrated"):
        claims += [_beats(arm, "undefined", "closure_rate", "closure"),
                   _beats(arm, "undefined", "mql_acceptance_rate", "MQL acceptance"),
                   _beats(arm, "undefined", "marketing_sourced_share", "marketing share")]
        claims += [
            Claim(f"{arm} over undefined: marketing share gains more than acceptance (log gain)",
                  "gain_order", (arm, "undefined"), "marketing_sourced_share", HIGHER,
                  metric_b="mql_acceptance_rate"),
            Claim(f"{arm} over undefined: acceptance gains more than closure (log gain)",
                  "gain_order", (arm, "undefined"), "mql_acceptance_rate", HIGHER,
                  metric_b="closure_rate"),
        ]
    return Fact(1, "Aligned/Integrated beat Undefined on closure, MQL acceptance and marketing "
                   "share; the gain is largest for marketing share, then acceptance, then "
                   "closure", tuple(claims))


def _fact2() -> Fact:
    return Fact(2, "Joint beats finance-led, which beats marketing-led, on absolute new "
                   "business; joint has the highest closure; sales-led and marketing-led lower "
                   "closure than finance-led", (
        _beats("joint", "finance_led", NEW_BUSINESS, "new-business revenue"),
        _beats("finance_led", "marketing_led", NEW_BUSINESS, "new-business revenue"),
        _beats("joint", "finance_led", "closure_rate", "closure"),
        _beats("joint", "sales_led", "closure_rate", "closure"),
        _beats("joint", "marketing_led", "closure_rate", "closure"),
        _beats("sales_led", "finance_led", "closure_rate", "closure", LOWER),
        _beats("marketing_led", "finance_led", "closure_rate", "closure", LOWER),
    ))


def _fact3() -> Fact:
    return Fact(3, "Marketing-led planning: highest MQL acceptance and lower churn, but smaller "
                   "deals", (
        _beats("marketing_led", "sales_led", "mql_acceptance_rate", "MQL acceptance"),
        _beats("marketing_led", "finance_led", "mql_acceptance_rate", "MQL acceptance"),
        _beats("marketing_led", "joint", "mql_acceptance_rate", "MQL acceptance"),
        _beats("marketing_led", "finance_led", CHURN, "logo churn", LOWER),
        _beats("marketing_led", "sales_led", "avg_deal_size_usd", "average deal size", LOWER),
        _beats("marketing_led", "finance_led", "avg_deal_size_usd", "average deal size", LOWER),
    ))


def _fact4() -> Fact:
    return Fact(4, "Sales-led planning: lower churn than finance-led, but a lower chance an MQL "
                   "closes and a lower marketing share; reps drift to own prospecting and the "
                   "installed base", (
        _beats("sales_led", "finance_led", CHURN, "logo churn", LOWER),
        _beats("sales_led", "finance_led", "mql_to_won_rate", "MQL-to-won rate", LOWER),
        _beats("sales_led", "finance_led", "marketing_sourced_share", "marketing share", LOWER),
        _beats("sales_led", "finance_led", "self_directed_share",
               "share of rep hours on own prospecting and accounts"),
    ))


def _fact5() -> Fact:
    claims = []
    for other in ("marketing_led", "sales_led", "joint"):
        claims.append(_beats("finance_led", other, CHURN, "logo churn"))
    for other in ("marketing_led", "sales_led", "joint"):
        claims.append(_beats("finance_led", other, "new_business_share", "new-business share"))
    claims.append(_beats("finance_led", "joint", NEW_BUSINESS, "absolute new-business revenue",
                         LOWER))
    return Fact(5, "Finance-led: highest churn and highest new-business share, not the highest "
                   "absolute new business", tuple(claims))


def _fact6() -> Fact:
    claims = []
    for slow in ("joint", "joint_every_52"):
        claims.append(_beats("joint_every_4", slow, "marketing_sourced_share", "marketing share"))
        claims.append(_beats("joint_every_4", slow, CHURN, "logo churn", LOWER))
    return Fact(6, "Joint planning every 1-4 weeks beats quarterly or annual joint planning on "
                   "marketing share and churn", tuple(claims))


def _fact7() -> Fact:
    return Fact(7, "Undefined governance: most marketing leads never convert, many MQLs are "
                   "never contacted or are rejected, follow-up is slow, reps' time drifts to "
                   "self-prospecting", (
        Claim("most of undefined's MQLs never become won deals (MQL-to-won below 50%)", "level",
              ("undefined",), "mql_to_won_rate", LOWER, reference=0.5),
        _beats("undefined", "aligned", "mql_acceptance_rate",
               "MQL acceptance (more never contacted or rejected)", LOWER),
        _beats("undefined", "aligned", "speed_to_lead_weeks", "weeks to first contact"),
        _beats("undefined", "aligned", "prospecting_share", "share of rep hours prospecting"),
    ))


def _fact8() -> Fact:
    metrics = ("cooperation_sales", "cooperation_marketing", "trust_sales_in_marketing",
               "trust_marketing_in_sales")
    initial = {"cooperation_sales": "behaviour.cooperation_initial",
               "cooperation_marketing": "behaviour.cooperation_initial",
               "trust_sales_in_marketing": "behaviour.trust_initial",
               "trust_marketing_in_sales": "behaviour.trust_initial"}
    claims = [Claim(f"undefined (siloed, unmonitored): {m.replace('_', ' ')} ends below its "
                    "start", "level", ("undefined",), f"{m}_end", LOWER, reference=initial[m])
              for m in metrics]
    claims += [_beats("undefined_monitored", "undefined", f"{m}_end",
                      f"{m.replace('_', ' ')} at the end") for m in metrics]
    return Fact(8, "Under siloed metrics without monitoring, cooperation and trust decay from an "
                   "intermediate start; shared scoreboards plus SLA monitoring and graduated "
                   "sanctions sustain them", tuple(claims))


def _fact9() -> Fact:
    return Fact(9, "A shared pool under one functional controller raises lobbying and lowers the "
                   "other side's trust; joint or formula allocation removes most of it", (
        _beats("marketing_led_pool", "marketing_led", "lobbying_effort", "lobbying"),
        _beats("sales_led_pool", "sales_led", "lobbying_effort", "lobbying"),
        _beats("marketing_led_pool", "marketing_led", "trust_sales_in_marketing",
               "sales' trust in marketing", LOWER),
        _beats("sales_led_pool", "sales_led", "trust_marketing_in_sales",
               "marketing's trust in sales", LOWER),
        _beats("joint_pool", "marketing_led_pool", "lobbying_effort", "lobbying", LOWER),
        _beats("joint_pool", "sales_led_pool", "lobbying_effort", "lobbying", LOWER),
        _beats("formula_pool", "marketing_led_pool", "lobbying_effort", "lobbying", LOWER),
        _beats("formula_pool", "sales_led_pool", "lobbying_effort", "lobbying", LOWER),
    ))


def _fact10() -> Fact:
    return Fact(10, "Integration shortens sales cycles and lowers the cost of sales", (
        _beats("integrated", "undefined", "sales_cycle_weeks_median", "median sales cycle",
               LOWER),
        _beats("integrated", "undefined", "cost_of_sales", "cost of sales", LOWER),
    ))


def _fact11() -> Fact:
    return Fact(11, "Aligned is about as good as Integrated for short, simple cycles in a stable "
                    "market; Integrated wins for long cycles or turbulent markets", (
        Claim("integrated beats aligned on new business with long cycles", "logratio",
              ("integrated_long", "aligned_long"), NEW_BUSINESS, HIGHER),
        Claim("integrated beats aligned on new business in a turbulent market", "logratio",
              ("integrated_turbulent", "aligned_turbulent"), NEW_BUSINESS, HIGHER),
        Claim("integrated's edge over aligned is larger with long cycles than with short ones",
              "interaction", ("integrated_long", "aligned_long", "integrated_short",
                              "aligned_short"), NEW_BUSINESS, HIGHER),
        Claim("integrated's edge over aligned is larger in a turbulent market than a stable one",
              "interaction", ("integrated_turbulent", "aligned_turbulent", "integrated_short",
                              "aligned_short"), NEW_BUSINESS, HIGHER),
    ))


def _fact12() -> Fact:
    return Fact(12, "Structure is no silver bullet: a sales-biased CRO does not automatically "
                    "beat joint partners; merging beats separate-but-aligned only with "
                    "homogeneous leads", (
        Claim("a CRO does not beat joint partners on new business", "logratio",
              ("cro", "joint"), NEW_BUSINESS, NOT_ABOVE),
        Claim("merged beats aligned on new business with homogeneous leads", "logratio",
              ("merged_homogeneous", "aligned_homogeneous"), NEW_BUSINESS, HIGHER),
        Claim("merged does not beat aligned on new business with heterogeneous leads",
              "logratio", ("merged_heterogeneous", "aligned_heterogeneous"), NEW_BUSINESS,
              NOT_ABOVE),
        Claim("merging's edge over aligned shrinks as leads grow heterogeneous", "interaction",
              ("merged_homogeneous", "aligned_homogeneous", "merged_heterogeneous",
               "aligned_heterogeneous"), NEW_BUSINESS, HIGHER),
    ))


FACTS: tuple[Fact, ...] = (_fact1(), _fact2(), _fact3(), _fact4(), _fact5(), _fact6(), _fact7(),
                           _fact8(), _fact9(), _fact10(), _fact11(), _fact12())


def arms_of(facts: Iterable[Fact]) -> list[str]:
    """The arms the facts' claims compare, each once, in order of first use."""
    names: list[str] = []
    for fact in facts:
        for claim in fact.claims:
            names += [a for a in claim.arms if a not in names]
    return names


def select(numbers: Iterable[int] | None = None) -> tuple[Fact, ...]:
    """The facts with these numbers (all when None), in their own order; ValueError naming an
    unknown number."""
    if numbers is None:
        return FACTS
    wanted = set(numbers)
    known = {f.number for f in FACTS}
    unknown = sorted(wanted - known)
    if unknown:
        raise ValueError(f"no fact {', '.join(map(str, unknown))}; facts are "
                         f"{min(known)}-{max(known)}")
    return tuple(f for f in FACTS if f.number in wanted)


def _check_arms_known() -> None:
    # A claim naming an arm that ARMS lacks is a mistake in this file: fail on import.
    missing = [a for a in arms_of(FACTS) if a not in ARMS]
    if missing:
        raise ValueError(f"claims name arms that ARMS does not define: {', '.join(missing)}")


_check_arms_known()
