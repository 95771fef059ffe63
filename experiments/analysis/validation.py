"""The stylized facts judged on stored runs: frames in, frames out.

Input is a runs table (`experiments.load`) and an arm table that says which fact arm and which
parameter set each stored arm label stands for (`experiments.analysis.fact_runs` writes both).
For each parameter set and claim, the claim's statistic is taken seed by seed over the seeds on
which every arm of the claim finished (common random numbers), and its mean gets a percentile
bootstrap 95% interval (`experiments.analysis.bootstrap`: 2,000 resamples, seeded). The verdict
follows the interval and nothing else (`verdict`); a fact holds when all its claims hold.

A claim that cannot be judged says why instead of guessing: an arm that could not be built (a
preset the model does not define yet), a metric the runs do not report, a parameter the runs do
not record, fewer than two seeds with every arm finished, or a statistic that is not a finite
number for some seed (a ratio with a zero). Seeds are never dropped to rescue a verdict.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.analysis.bootstrap import LEVEL, N_BOOT, SEED, bootstrap_ci
from experiments.analysis.facts import (
    FAILS,
    HIGHER,
    HOLDS,
    INCONCLUSIVE,
    NOT_ABOVE,
    UNTESTABLE,
    Claim,
    Fact,
)
from experiments.analysis.runs import finished

BASE_SET = 0
"""The parameter set of the unperturbed runs; perturbed sets are numbered from 1."""
MIN_SEEDS = 2

CLAIM_COLUMNS = ("set", "fact", "claim", "text", "kind", "arms", "statistic", "metric",
                 "metric_b", "reference", "predicted", "mean", "low", "high", "verdict", "n",
                 "reason")
FACT_COLUMNS = ("fact", "text", "claims_held", "claims_total", "verdict")


# -- the verdict rule and the statistic (the facts' own definitions) ---------------------------
def verdict(predicted: str, low: float, high: float) -> str:
    """Holds when the interval lies wholly on the predicted side of zero, fails when wholly on
    the other side, inconclusive when it straddles zero. A ``not_above`` claim holds unless the
    interval lies wholly above zero. A non-finite interval cannot be judged."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return UNTESTABLE
    if predicted == NOT_ABOVE:
        return FAILS if low > 0 else HOLDS
    if predicted == HIGHER:
        return HOLDS if low > 0 else FAILS if high < 0 else INCONCLUSIVE
    return HOLDS if high < 0 else FAILS if low > 0 else INCONCLUSIVE


def paired_statistic(claim: Claim, values: dict[str, np.ndarray],
                     reference: np.ndarray | None = None) -> np.ndarray:
    """The claim's statistic for each seed, from per-arm arrays of the metric keyed
    ``"arm:metric"`` (a gain_order claim needs both of its metrics); a level claim compares
    with `reference`, one value per seed."""
    def log_ratio(a: str, b: str, metric: str) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(values[f"{a}:{metric}"] / values[f"{b}:{metric}"])

    a = claim.arms
    if claim.kind == "diff":
        return values[f"{a[0]}:{claim.metric}"] - values[f"{a[1]}:{claim.metric}"]
    if claim.kind == "logratio":
        return log_ratio(a[0], a[1], claim.metric)
    if claim.kind == "gain_order":
        return log_ratio(a[0], a[1], claim.metric) - log_ratio(a[0], a[1], claim.metric_b)
    if claim.kind == "interaction":
        return log_ratio(a[0], a[1], claim.metric) - log_ratio(a[2], a[3], claim.metric)
    if claim.kind == "level":
        if reference is None:
            raise ValueError(f"claim {claim.text!r}: a level claim needs a reference")
        return values[f"{a[0]}:{claim.metric}"] - reference
    raise ValueError(f"unknown claim kind {claim.kind!r}")


def statistic_text(claim: Claim) -> str:
    """The statistic in words of arms and metrics, e.g. ``log(joint / finance_led)``."""
    a = claim.arms
    if claim.kind == "diff":
        return f"{a[0]} - {a[1]}"
    if claim.kind == "logratio":
        return f"log({a[0]} / {a[1]})"
    if claim.kind == "gain_order":
        return (f"log({a[0]} / {a[1]}) of {claim.metric} - log({a[0]} / {a[1]}) of "
                f"{claim.metric_b}")
    if claim.kind == "interaction":
        return f"log({a[0]} / {a[1]}) - log({a[2]} / {a[3]})"
    return f"{a[0]} - {claim.reference}"


# -- judging claims on stored runs ---------------------------------------------------------------
@dataclass(frozen=True)
class Judged:
    mean: float
    low: float
    high: float
    verdict: str
    n: int
    reason: str = ""


def judge_claim(claim: Claim, runs: pd.DataFrame, labels: dict[str, str],
                unbuilt: dict[str, str], *, level: float = LEVEL, n_boot: int = N_BOOT,
                seed: int = SEED) -> Judged:
    """One claim in one parameter set.

    `runs` is the runs table, `labels` maps each of the claim's arms to its stored arm label in
    this set, and `unbuilt` maps an arm that could not be run in this set to the reason.
    """
    missing = [a for a in claim.arms if a in unbuilt]
    if missing:
        return _untestable("; ".join(f"arm {a}: {unbuilt[a]}" for a in missing))
    absent = [m for m in claim.metrics if m not in runs.columns]
    if absent:
        return _untestable(f"metric {', '.join(absent)} not in the runs")
    parameter = claim.reference_parameter
    if parameter is not None and parameter not in runs.columns:
        return _untestable(f"parameter {parameter} not recorded with the runs")

    done = finished(runs)
    by_arm = {a: done[done["arm"] == labels[a]].set_index("replicate") for a in claim.arms}
    common = sorted(set.intersection(*(set(t.index) for t in by_arm.values())))
    if len(common) < MIN_SEEDS:
        return _untestable(f"{len(common)} seed(s) with every arm finished; at least "
                           f"{MIN_SEEDS} are needed", n=len(common))
    values = {f"{a}:{m}": by_arm[a].loc[common, m].to_numpy(float)
              for a in claim.arms for m in claim.metrics}
    reference = None
    if claim.kind == "level":
        reference = (by_arm[claim.arms[0]].loc[common, parameter].to_numpy(float)
                     if parameter is not None
                     else np.full(len(common), float(claim.reference)))
    stat = paired_statistic(claim, values, reference)
    bad = int((~np.isfinite(stat)).sum())
    if bad:
        return _untestable(f"the statistic is not a finite number for {bad} of {len(common)} "
                           "seeds (a metric is zero or missing in a ratio)", n=len(common))
    mean, low, high = bootstrap_ci(stat, level=level, n_boot=n_boot, seed=seed)
    return Judged(mean, low, high, verdict(claim.predicted, low, high), len(common))


def _untestable(reason: str, n: int = 0) -> Judged:
    return Judged(np.nan, np.nan, np.nan, UNTESTABLE, n, reason)


def judge(runs: pd.DataFrame, arm_table: pd.DataFrame, facts: Iterable[Fact], *,
          level: float = LEVEL, n_boot: int = N_BOOT, seed: int = SEED) -> pd.DataFrame:
    """Every claim of `facts` in every parameter set of `arm_table`: one row each
    (`CLAIM_COLUMNS`), sets in order, then facts and claims in their own order.

    `arm_table` has one row per fact arm and set: ``arm``, ``set``, ``label`` (the arm's label in
    the runs table) and ``reason`` (why the arm could not be run in that set; empty if it ran).
    Any other column of it is a parameter (dotted name) whose value each arm ran with: every run
    gets its arm's value, for level claims that compare with a parameter.
    """
    facts = tuple(facts)
    runs = _with_parameters(runs, arm_table)
    rows = []
    for set_number in sorted(arm_table["set"].unique()):
        in_set = arm_table[arm_table["set"] == set_number]
        labels = dict(zip(in_set["arm"], in_set["label"], strict=True))
        unbuilt = {a: r for a, r in zip(in_set["arm"], in_set["reason"], strict=True) if r}
        for fact in facts:
            for i, claim in enumerate(fact.claims, 1):
                unknown = [a for a in claim.arms if a not in labels]
                if unknown:
                    raise ValueError(f"arm table has no arm {', '.join(unknown)} in set "
                                     f"{set_number}")
                result = judge_claim(claim, runs, labels, unbuilt, level=level, n_boot=n_boot,
                                     seed=seed)
                rows.append({
                    "set": int(set_number), "fact": fact.number, "claim": i, "text": claim.text,
                    "kind": claim.kind, "arms": " ".join(claim.arms),
                    "statistic": statistic_text(claim), "metric": claim.metric,
                    "metric_b": claim.metric_b,
                    "reference": str(claim.reference) if claim.kind == "level" else "",
                    "predicted": claim.predicted, "mean": result.mean, "low": result.low,
                    "high": result.high, "verdict": result.verdict, "n": result.n,
                    "reason": result.reason,
                })
    return pd.DataFrame(rows, columns=list(CLAIM_COLUMNS))


def _with_parameters(runs: pd.DataFrame, arm_table: pd.DataFrame) -> pd.DataFrame:
    extra = [c for c in arm_table.columns if c not in ("arm", "set", "label", "preset", "reason")]
    if not extra:
        return runs
    built = arm_table[arm_table["label"] != ""].set_index("label")
    return runs.assign(**{name: runs["arm"].map(built[name]) for name in extra})


# -- facts from claims -----------------------------------------------------------------------------
def fact_verdict(claim_verdicts: Iterable[str]) -> str:
    """Holds when every claim holds; otherwise fails if any claim fails, else inconclusive if
    any is, else untestable (some claim could not be judged and the rest hold)."""
    found = list(claim_verdicts)
    if found and all(v == HOLDS for v in found):
        return HOLDS
    for outcome in (FAILS, INCONCLUSIVE):
        if outcome in found:
            return outcome
    return UNTESTABLE


def fact_table(claims: pd.DataFrame, facts: Iterable[Fact], set_number: int = BASE_SET
               ) -> pd.DataFrame:
    """One row per fact in one parameter set: claims held of total, and the fact's verdict."""
    rows = []
    in_set = claims[claims["set"] == set_number]
    for fact in facts:
        verdicts = in_set.loc[in_set["fact"] == fact.number, "verdict"].tolist()
        rows.append({"fact": fact.number, "text": fact.text,
                     "claims_held": verdicts.count(HOLDS), "claims_total": len(verdicts),
                     "verdict": fact_verdict(verdicts)})
    return pd.DataFrame(rows, columns=list(FACT_COLUMNS))


def robustness(claims: pd.DataFrame, facts: Iterable[Fact]) -> pd.DataFrame:
    """For each fact, in how many perturbed sets (set >= 1) it holds, fails, is inconclusive or
    cannot be judged, and the share of sets in which it holds (NaN with no perturbed sets)."""
    perturbed = sorted(s for s in claims["set"].unique() if s != BASE_SET)
    tables = [fact_table(claims, facts, s) for s in perturbed]
    rows = []
    for fact in facts:
        outcomes = [t.loc[t["fact"] == fact.number, "verdict"].iloc[0] for t in tables]
        row = {"fact": fact.number, "sets": len(perturbed)}
        for outcome in (HOLDS, FAILS, INCONCLUSIVE, UNTESTABLE):
            row[f"sets_{outcome}"] = outcomes.count(outcome)
        row["robustness"] = outcomes.count(HOLDS) / len(perturbed) if perturbed else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def claim_robustness(claims: pd.DataFrame) -> pd.DataFrame:
    """For each claim (fact, claim): the number of perturbed sets and how many it holds in."""
    perturbed = claims[claims["set"] != BASE_SET]
    grouped = perturbed.groupby(["fact", "claim"], sort=False)["verdict"]
    return pd.DataFrame({"sets": grouped.size(),
                         "sets_holds": grouped.apply(lambda v: int((v == HOLDS).sum()))}
                        ).reset_index()


def fact_summary(claims: pd.DataFrame, facts: Iterable[Fact]) -> pd.DataFrame:
    """The fact table of the base set, with the robustness columns (`robustness`) when the
    claims include perturbed sets."""
    facts = tuple(facts)
    table = fact_table(claims, facts, BASE_SET)
    if (claims["set"] != BASE_SET).any():
        table = table.merge(robustness(claims, facts), on="fact", how="left")
    return table
