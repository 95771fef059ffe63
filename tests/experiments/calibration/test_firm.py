"""Firm files: what they say, read into targets, a base firm and a fit list; every mistake one
line naming file and key."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from experiments.calibration import DEFAULT_FIT, load_firm
from experiments.calibration.firm import Z95, firm_from_dict
from experiments.errors import SpecError
from sim import presets
from sim.params import field_of, value_of

ROOT = Path(__file__).resolve().parents[3]
FIRMS = ROOT / "experiments" / "firms"

SMALL = {
    "name": "small",
    "organisation": {"reps": 8, "marketers": 3, "arr_usd": 5e6},
    "parameters": {"burn_in_weeks": 5, "behaviour.trust_initial": 0.4},
    "governance": {"preset": "defined", "cadence_weeks": 26},
    "targets": {"win_rate": {"value": 0.2, "se": 0.01, "weeks": 30},
                "mql_acceptance_rate": {"range": [0.3, 0.4]}},
    "fit": {"market.win_rate_scale": {"min": 0.5, "max": 2.0, "log": True},
            "behaviour.prospect_bias": {}},
}


def test_ready_firm_files_read() -> None:
    files = sorted(FIRMS.glob("*.toml"))
    assert files
    for path in files:
        firm = load_firm(path)
        assert firm.targets and firm.fit


def test_a_firm_file_becomes_targets_a_base_firm_and_a_fit_list() -> None:
    firm = firm_from_dict(SMALL, source="small.toml")
    base = firm.base
    assert (base.org.n_reps, base.org.n_marketers, base.market.initial_arr_usd) == (8, 3, 5e6)
    assert base.behaviour.trust_initial == 0.4 and base.burn_in_weeks == 5
    assert value_of(base, "governance.sla") == value_of(presets.get("defined"), "governance.sla")
    assert base.governance.cadence_weeks == 26
    assert firm.governance == "defined with cadence_weeks = 26"
    win, accept = firm.targets
    assert (win.lo, win.hi, win.sigma) == pytest.approx((0.2 - Z95 * 0.01, 0.2 + Z95 * 0.01, 0.01))
    # A range is a 95% interval around its middle, unless a value is given.
    assert accept.value == pytest.approx(0.35) and accept.sigma == pytest.approx(0.1 / (2 * Z95))
    assert accept.weeks == 52 and win.weeks == 30
    assert firm.weeks == 5 + 52
    scale, bias = firm.fit
    assert (scale.lo, scale.hi, scale.log) == (0.5, 2.0, True)
    declared = field_of("behaviour.prospect_bias").metadata
    assert (bias.lo, bias.hi) == (declared["lo"], declared["hi"])


def test_without_a_fit_list_the_default_list_is_fitted() -> None:
    firm = firm_from_dict({k: v for k, v in SMALL.items() if k != "fit"}, source="f.toml")
    assert [p.name for p in firm.fit] == list(DEFAULT_FIT)


def test_the_default_fit_list_names_real_parameters_within_their_declared_ranges() -> None:
    for name, bounds in DEFAULT_FIT.items():
        meta = field_of(name).metadata
        assert not name.startswith("governance.")
        if bounds is not None:
            lo, hi, log = bounds
            assert meta["lo"] <= lo < hi <= meta["hi"], name
            assert not log or lo > 0


def _with(**changes: object) -> dict[str, object]:
    data = {**SMALL}
    for key, value in changes.items():
        data[key] = value
    return data


@pytest.mark.parametrize(("data", "key", "allowed"), [
    (_with(targets={"win_rte": {"value": 0.2, "se": 0.01}}), "targets.win_rte",
     "unknown metric; targets are summary metrics of a run: mql_acceptance_rate"),
    (_with(targets={"win_rate": {"value": 0.2, "se": 0.01, "range": [0.1, 0.3]}}),
     "targets.win_rate", "exactly one of range"),
    (_with(targets={"win_rate": {"value": 0.5, "range": [0.1, 0.3]}}), "targets.win_rate.value",
     "within its range"),
    (_with(targets={"win_rate": {"value": 0.2, "se": 0}}), "targets.win_rate.se",
     "a positive number"),
    (_with(targets={"win_rate": {"value": 0.2, "se": 0.1, "weeks": 0}}),
     "targets.win_rate.weeks", "an integer in [1, 1040]"),
    (_with(targets={}), "targets", "at least one observed rate"),
    (_with(fit=["governance.cadence_weeks"]), "fit.governance.cadence_weeks",
     "not a governance lever"),
    (_with(fit=["market.segment_mix_smb", "weeks"]), "fit.weeks", "not a governance lever or the "
                                                                  "run length"),
    (_with(fit={"market.churn_scale": {"min": 2, "max": 1}}), "fit.market.churn_scale",
     "min < max"),
    (_with(fit={"market.churn_scale": {"min": 0, "max": 1, "log": True}}),
     "fit.market.churn_scale.min", "a positive number for a log-scale range"),
    (_with(fit={"behaviour.behaviour_on": {}}), "fit.behaviour.behaviour_on", "a numeric"),
    (_with(governance={"preset": "aligend"}), "governance.preset", "one of current, undefined"),
    (_with(governance={"sla": "maybe"}), "governance.sla", "one of off, on"),
    (_with(parameters={"governance.sla": "on"}), "parameters.governance.sla",
     "not a governance lever"),
    (_with(organisation={"reps": 0}), "organisation.reps", "an integer in [1, 2000]"),
    (_with(organisation={"people": 3}), "organisation.people", "allowed keys: reps, marketers"),
    (_with(calibration={"seeds": 0}), "calibration.seeds", "an integer in [1, 10000]"),
    (_with(budget=3), "budget", "unknown key in the file's top level"),
])
def test_a_bad_firm_file_gets_one_line_naming_file_and_key(data: dict[str, object], key: str,
                                                           allowed: str) -> None:
    with pytest.raises(SpecError) as info:
        firm_from_dict(data, source="firm.toml")
    message = str(info.value)
    assert message.startswith(f"file firm.toml: key {key}:"), message
    assert allowed in message


def test_the_fingerprint_ignores_layout_but_not_content() -> None:
    a = firm_from_dict(SMALL, source="a.toml", text="# one layout")
    b = firm_from_dict(dict(reversed(list(SMALL.items()))), source="b.toml", text="# another")
    assert a.fingerprint() == b.fingerprint()
    changed = _with(targets={"win_rate": {"value": 0.21, "se": 0.01}})
    assert firm_from_dict(changed, source="c.toml").fingerprint() != a.fingerprint()
    assert math.isclose(a.targets[0].value, 0.2)
