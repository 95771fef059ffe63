"""Statistics of the analysis module: bootstrap coverage, paired differences, bands, PRIM box,
SALib indices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments import analysis, load
from experiments.design import arms
from experiments.report.headings import describe_box, describe_difference
from experiments.report.style import short_arm
from experiments.spec import spec_from_dict


def test_bootstrap_interval_covers_the_true_mean_at_about_the_nominal_rate() -> None:
    rng = np.random.default_rng(2024)
    trials, n, true_mean = 400, 40, 3.0
    covered = 0
    for trial in range(trials):
        sample = rng.normal(true_mean, 2.0, size=n)
        _, lo, hi = analysis.bootstrap_ci(sample, n_boot=1000, seed=trial)
        covered += lo <= true_mean <= hi
    # Percentile bootstrap at n=40 runs a little under 95%; 400 trials give +-2.2 pp of noise.
    assert 0.91 <= covered / trials <= 0.98


def test_bootstrap_of_a_skewed_distribution_still_covers_near_nominal() -> None:
    rng = np.random.default_rng(7)
    trials, n = 300, 40
    covered = sum(
        lo <= 1.0 <= hi
        for trial in range(trials)
        for _, lo, hi in [analysis.bootstrap_ci(rng.exponential(1.0, size=n), n_boot=1000,
                                                seed=trial)])
    assert 0.88 <= covered / trials <= 0.98


def test_bootstrap_edge_cases() -> None:
    assert analysis.bootstrap_ci([5.0]) == (5.0, 5.0, 5.0)
    assert analysis.bootstrap_ci([2.0, 2.0, 2.0]) == (2.0, 2.0, 2.0)
    assert all(np.isnan(v) for v in analysis.bootstrap_ci([]))
    first = analysis.bootstrap_ci([1.0, 2.0, 4.0, 8.0])
    assert first == analysis.bootstrap_ci([1.0, 2.0, 4.0, 8.0])  # seeded: reproducible


def test_paired_difference_of_an_arm_with_itself_is_exactly_zero(small_store: Path) -> None:
    runs, _ = load(small_store)
    metrics = ["alignment_index", "revenue_usd_per_week", "mql_acceptance_rate"]
    for baseline in analysis.arm_order(runs):
        paired = analysis.paired_differences(runs, metrics, baseline)
        self_rows = paired[paired["arm"] == baseline]
        assert len(self_rows) == len(metrics)
        assert (self_rows["difference"] == 0.0).all()
        assert (self_rows["low"] == 0.0).all() and (self_rows["high"] == 0.0).all()
        assert (self_rows["verdict"] == analysis.UNCLEAR).all()


def _runs(values: dict[str, list[float]], metric: str = "m") -> pd.DataFrame:
    rows = []
    for a, (arm, series) in enumerate(values.items()):
        for r, v in enumerate(series):
            rows.append({"run_id": f"a{a:05d}-r{r:04d}", "arm": arm, "replicate": r,
                         "seed": r, metric: v, "status": "done", "error": "",
                         "duration_s": 0.0})
    return pd.DataFrame(rows)


def test_pairing_removes_the_shared_noise_and_gives_plain_verdicts() -> None:
    rng = np.random.default_rng(1)
    market = rng.normal(0, 10, size=20)  # noise both arms share (common random numbers)
    runs = _runs({"preset=a": list(100 + market), "preset=b": list(101 + market),
                  "preset=c": list(100 + market + rng.normal(0, 0.01, 20)),
                  "preset=d": list(99 + market)})
    paired = analysis.paired_differences(runs, ["m"], "preset=a").set_index("arm")
    assert paired.loc["preset=b", "verdict"] == analysis.HIGHER
    assert paired.loc["preset=b", "difference"] == pytest.approx(1.0)
    assert paired.loc["preset=c", "verdict"] == analysis.UNCLEAR
    assert paired.loc["preset=d", "verdict"] == analysis.LOWER
    means = analysis.arm_means(runs, ["m"]).set_index("arm")
    # Unpaired, the +1 is lost in the market noise: the intervals of a and b overlap widely.
    assert means.loc["preset=b", "low"] < means.loc["preset=a", "high"]
    sentence = describe_difference(paired.loc["preset=b"].rename(None).to_dict()
                                            | {"arm": "preset=b"}, "B", "A",
                                            "{:.2f}".format, "revenue")
    assert sentence.startswith("B: revenue is higher than A by 1.00 (")


def test_an_unknown_baseline_is_named() -> None:
    runs = _runs({"preset=a": [1.0, 2.0]})
    with pytest.raises(ValueError, match="baseline 'x' is not an arm"):
        analysis.paired_differences(runs, ["m"], "x")


def test_weekly_bands_and_rates_smoothed_as_ratios_of_sums() -> None:
    runs = _runs({"preset=a": [0.0, 0.0]}, metric="x")
    weekly = pd.DataFrame({
        "run_id": ["a00000-r0000"] * 2 + ["a00000-r0001"] * 2, "week": [1, 2, 1, 2],
        "mqls_accepted": [1, 9, 1, 9], "mqls": [1, 19, 1, 19],
        "mql_acceptance_rate": [1.0, 9 / 19, 1.0, 9 / 19]})
    bands = analysis.weekly_bands(runs, weekly, "mql_acceptance_rate", smooth_weeks=2)
    # Week 2 over two weeks: 10 accepted of 20, not the mean of 100% and 47%.
    assert bands["mean"].tolist() == pytest.approx([1.0, 0.5])
    assert (bands["low"] == bands["mean"]).all() and (bands["high"] == bands["mean"]).all()


def test_short_arm_names() -> None:
    assert short_arm("preset=finance_led") == "finance-led"
    assert short_arm("preset=cro") == "CRO"
    assert (short_arm("governance.budget_structure=shared_pool, preset=joint")
            == "joint, shared pool")
    assert short_arm("preset=joint, behaviour.plan_step=0.05") == "joint, plan step 0.05"
    assert short_arm("preset=joint, governance.cadence_weeks=4") == "joint, cadence 4 wk"


def test_failure_box_finds_a_planted_region_in_few_conditions() -> None:
    rng = np.random.default_rng(3)
    n = 2000
    x = rng.uniform(0, 1, size=(n, 4))
    index = 60 - 20 * ((x[:, 0] < 0.3) & (x[:, 1] > 0.5)) + rng.normal(0, 1, n)
    runs = pd.DataFrame(x, columns=["p.a", "p.b", "p.c", "p.d"]).assign(
        alignment_index=index, status="done")
    box = analysis.failure_box(runs, ["p.a", "p.b", "p.c", "p.d"])
    assert set(box.limits) == {"p.a", "p.b"}
    assert box.limits["p.a"][1] == pytest.approx(0.3, abs=0.05)
    assert box.limits["p.b"][0] == pytest.approx(0.5, abs=0.05)
    assert box.share_inside > 0.8
    text = describe_box(box)
    assert "a is at most" in text and "b is at least" in text


def test_sobol_indices_rank_the_parameter_that_matters(tmp_path: Path) -> None:
    spec = spec_from_dict({
        "name": "s", "weeks": 20, "design": {"kind": "sobol", "samples": 64},
        "overrides": {"burn_in_weeks": 4},
        "factors": {"behaviour.trust_initial": {"min": 0.1, "max": 0.9},
                    "behaviour.scoring_noise": {"min": 0.0, "max": 0.6}}})
    design = arms(spec)
    runs = pd.DataFrame([
        {"run_id": f"a{a.index:05d}-r0000", "arm": a.label, "replicate": 0,
         "y": 10 * a.values["behaviour.trust_initial"] + a.values["behaviour.scoring_noise"],
         "status": "done"} for a in design])
    result = analysis.sensitivity(spec, runs, "y")
    assert result.method == "sobol"
    assert result.table["ST"].idxmax() == "behaviour.trust_initial"
    assert result.table.loc["behaviour.trust_initial", "S1"] > 0.9
    missing = analysis.sensitivity(spec, runs.iloc[:-1], "y")
    assert missing.table.empty and "1 of" in missing.note


@pytest.mark.parametrize("kind", ["morris", "lhs"])
def test_morris_and_latin_hypercube_designs_get_their_indices(kind: str) -> None:
    spec = spec_from_dict({
        "name": "s", "weeks": 20, "design": {"kind": kind, "samples": 40},
        "overrides": {"burn_in_weeks": 4},
        "factors": {"behaviour.trust_initial": {"min": 0.1, "max": 0.9},
                    "behaviour.scoring_noise": {"min": 0.0, "max": 0.6}}})
    runs = pd.DataFrame([
        {"run_id": f"a{a.index:05d}-r0000", "arm": a.label, "replicate": 0,
         "y": 10 * a.values["behaviour.trust_initial"] + a.values["behaviour.scoring_noise"],
         "status": "done"} for a in arms(spec)])
    result = analysis.sensitivity(spec, runs, "y")
    column = "mu_star" if kind == "morris" else "S1"
    assert result.method == ("morris" if kind == "morris" else "rbd_fast")
    assert result.table[column].idxmax() == "behaviour.trust_initial"


def test_values_read_as_a_client_expects() -> None:
    from experiments.report.style import format_value

    assert format_value("win_rate", 0.2261) == "22.6%"
    assert format_value("win_rate", 0.0123, signed=True) == "+1.2 pp"
    assert format_value("win_rate", -0.0000004, signed=True) == "0.0 pp"
    assert format_value("revenue_usd_per_week", 1_400_000) == "$1.40M"
    assert format_value("revenue_usd_per_week", -8390, signed=True) == "-$8.39k"
    assert format_value("alignment_index", 55.93) == "55.9"
