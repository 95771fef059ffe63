"""Bootstrap intervals: coverage near the nominal rate, edge cases, reproducible."""

from __future__ import annotations

import numpy as np

from experiments import analysis


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
