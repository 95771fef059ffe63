"""Designs: factorial crossing, SALib samples inside their ranges, common random numbers."""

from __future__ import annotations

import numpy as np

from experiments.design import arms, plan, replicate_seeds, sample_matrix
from experiments.spec import parse_spec
from tests.experiments.conftest import SMALL


def test_factorial_crosses_levels_in_file_order() -> None:
    spec = parse_spec(SMALL)
    got = [a.values for a in arms(spec)]
    assert got == [
        {"preset": "finance_led", "governance.cadence_weeks": 2},
        {"preset": "finance_led", "governance.cadence_weeks": 4},
        {"preset": "joint", "governance.cadence_weeks": 2},
        {"preset": "joint", "governance.cadence_weeks": 4},
    ]
    assert arms(spec)[3].label == "preset=joint, governance.cadence_weeks=4"


def test_no_factors_is_one_base_arm() -> None:
    assert [a.label for a in arms(parse_spec('replicates = 3\n'))] == ["base"]


def test_replicates_share_seeds_across_arms_and_differ_between_replicates() -> None:
    runs = list(plan(parse_spec(SMALL.replace("replicates = 2", "replicates = 5"))))
    assert len(runs) == 20 and len({r.run_id for r in runs}) == 20
    by_replicate: dict[int, set[int]] = {}
    for r in runs:
        by_replicate.setdefault(r.replicate, set()).add(r.seed)
    assert all(len(seeds) == 1 for seeds in by_replicate.values())  # common random numbers
    assert len({s for seeds in by_replicate.values() for s in seeds}) == 5
    # replicate-major order: a partial sweep has every arm of the early replicates
    assert [r.replicate for r in runs[:4]] == [0, 0, 0, 0]


def test_seeds_come_from_seedsequence_and_fit_int64() -> None:
    seeds = replicate_seeds(11, 1000)
    assert len(set(seeds)) == 1000
    assert all(0 <= s < 2**63 for s in seeds)
    child = np.random.SeedSequence(11).spawn(3)[2]
    assert seeds[2] == int(child.generate_state(1, dtype=np.uint64)[0]) >> 1
    assert not set(seeds) & set(replicate_seeds(12, 1000))


SAMPLED = """
name = "s"
[design]
kind = "{kind}"
samples = {n}
[factors]
behaviour.prospect_bias = {{ min = 1.0, max = 3.0 }}
governance.cadence_weeks = {{ min = 1, max = 13 }}
market.turbulence = {{ min = 0.0, max = 0.2 }}
"""


def _check_ranges(kind: str, n: int, expected_arms: int) -> None:
    spec = parse_spec(SAMPLED.format(kind=kind, n=n))
    got = arms(spec)
    assert len(got) == expected_arms
    bias = [a.values["behaviour.prospect_bias"] for a in got]
    cadence = [a.values["governance.cadence_weeks"] for a in got]
    assert min(bias) >= 1.0 and max(bias) <= 3.0
    assert all(isinstance(c, int) and 1 <= c <= 13 for c in cadence)
    assert len(set(cadence)) > 1
    np.testing.assert_array_equal(sample_matrix(spec), sample_matrix(spec))  # seeded
    for a in got:
        spec.arm_params(a.values)


def test_lhs_sobol_morris_sizes_and_ranges() -> None:
    _check_ranges("lhs", 16, 16)
    _check_ranges("sobol", 16, 16 * (3 + 2))
    _check_ranges("morris", 6, 6 * (3 + 1))


def test_sobol_second_order_adds_cross_samples() -> None:
    spec = parse_spec(SAMPLED.format(kind="sobol", n=8).replace(
        'samples = 8', 'samples = 8\nsecond_order = true'))
    assert len(arms(spec)) == 8 * (2 * 3 + 2)
