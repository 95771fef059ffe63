"""What a calibration hands over, from its stored runs alone: ``params.toml`` (the fitted firm,
every parameter, loadable by ``--params``), and a report folder with the targets against the
fitted rates, which parameters the targets pin down, the search's progress, and provenance.

The report folder is written beside its place and moved in when complete; ``params.toml`` is
written last, atomically, so a reader never finds a half-written fit.
"""

from __future__ import annotations

import platform
from dataclasses import asdict, dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path

import pandas as pd

from experiments import files
from experiments.analysis.calibration import (
    NEAR_BEST,
    convergence,
    fit_table,
    parameter_table,
    profile,
    sensitivities,
)
from experiments.calibration import Calibration, load_calibration
from experiments.calibration.search import (
    CHECKS,
    EVALUATIONS,
    SAMPLER,
    complete,
    evaluation_folders,
)
from experiments.paramfile import write_params
from experiments.report.figures.calibration import (
    convergence_figure,
    fit_figure,
    profile_figure,
)
from experiments.report.figures.frame import save
from experiments.report.style import format_value, lower_case, metric_label
from experiments.store import read_manifest
from sim.provenance import versions

REPORT = "report"
PARAMS = "params.toml"


@dataclass
class CalibrationReport:
    calibration: Calibration
    fit: pd.DataFrame
    parameters: pd.DataFrame
    params_file: Path
    report: Path
    verdict: str
    """One sentence: whether every target is met, and which give way if not."""


def write_calibration(folder: str | Path) -> CalibrationReport:
    """Write ``<folder>/report/`` and ``<folder>/params.toml`` from a calibration folder."""
    cal = load_calibration(folder)
    fit = fit_table(cal)
    parameters = parameter_table(cal)
    conv = convergence(cal)
    profiles = pd.concat([profile(cal, p) for p in cal.firm.fit], ignore_index=True)
    verdict = verdict_of(fit, cal)
    out = cal.folder / REPORT
    source = (f"alignsim calibrate {cal.info.get('firm_file', cal.firm.name)}; "
              f"{len(cal.candidates)} candidates x {cal.settings.seeds} seeds; "
              f"check on {cal.settings.check_seeds} fresh seeds")
    with files.staged_folder(out) as stage:
        fit.to_csv(stage / "fit.csv", index=False)
        parameters.to_csv(stage / "parameters.csv", index=False)
        sensitivities(cal).to_csv(stage / "sensitivities.csv", index_label="target")
        cal.candidates.to_csv(stage / "candidates.csv", index=False)
        profiles.to_csv(stage / "profiles.csv", index=False)
        save(fit_figure(fit, heading=verdict, source=source), stage / "fit", ("png", "svg"))
        ok = complete(cal.candidates)
        first = float(cal.candidates["objective"].iloc[0])
        save(convergence_figure(conv, heading=f"Best objective {ok['objective'].min():.3g} "
                                f"after {len(cal.candidates)} candidates (the first: "
                                f"{first:.3g})", source=source),
             stage / "convergence", ("png", "svg"))
        pinned = parameters[parameters["verdict"] == "pinned"]["parameter"].tolist()
        save(profile_figure(cal.candidates, profiles, parameters,
                            threshold=float(ok["objective"].min()) + NEAR_BEST,
                            heading=_pinned_heading(pinned, len(parameters)), source=source),
             stage / "profiles", ("png", "svg"))
        files.write_json(stage / "provenance.json", provenance(cal))
        (stage / "calibration.md").write_text(markdown(cal, fit, parameters, verdict),
                                              encoding="utf-8")
    params_file = cal.folder / PARAMS
    write_params(params_file, cal.params, name=cal.firm.name,
                 description=f"fitted by alignsim calibrate to {cal.info.get('firm_file')}; "
                             f"candidate {cal.chosen}, see report/calibration.md")
    return CalibrationReport(calibration=cal, fit=fit, parameters=parameters,
                             params_file=params_file, report=out, verdict=verdict)


def verdict_of(fit: pd.DataFrame, cal: Calibration) -> str:
    """Every target met, or the best compromise and which targets give way."""
    missed = fit[~fit["inside"]]
    if missed.empty:
        return f"Every target of {cal.firm.name} lands inside its stated interval"
    words = []
    for r in missed.itertuples():
        cost = (f"; meeting it, {lower_case(metric_label(r.pulls_against))} goes to z = "
                f"{r.pulls_z:+.1f}" if r.pulls_against else "")
        words.append(f"{lower_case(metric_label(r.metric))} ({r.verdict}, z = {r.z:+.1f}{cost})")
    return (f"Not every target of {cal.firm.name} can be met together: the best compromise "
            f"misses {', '.join(words)}")


def _pinned_heading(pinned: list[str], n: int) -> str:
    if not pinned:
        return f"The targets pin down none of the {n} parameters on their own"
    return (f"The targets pin down {len(pinned)} of {n} parameters: "
            + ", ".join(metric_label(p) for p in pinned))


def provenance(cal: Calibration) -> dict[str, object]:
    found = dict(versions())
    for name in ("optuna", "scipy", "pyarrow", "SALib"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return {
        "firm": cal.firm.name, "firm_file": cal.info.get("firm_file"),
        "firm_fingerprint": cal.firm.fingerprint(), "started": cal.info.get("started"),
        "written": datetime.now().astimezone().isoformat(timespec="seconds"),
        "settings": asdict(cal.settings), "candidates": len(cal.candidates),
        "sampler": SAMPLER, "fit_seeds": cal.fit_seeds, "check_seeds": cal.check_seeds,
        "run_weeks": cal.firm.weeks, "chosen_candidate": cal.chosen,
        "chosen_on_fresh_seeds": cal.checked, "fitted": cal.values,
        "versions": found, "platform": platform.platform(), **code_of(cal),
    }


def code_of(cal: Calibration) -> dict[str, object]:
    """The git commit (and whether the work tree had changes) of the code that ran the
    calibration's batches, from their results stores; every commit if they differ."""
    commits = set()
    for kind in (EVALUATIONS, CHECKS):
        for store in evaluation_folders(cal.folder, kind):
            for session in (read_manifest(store) or {}).get("sessions", []):
                commits.add((session.get("git_commit"), session.get("git_dirty")))
    return {"git": [{"commit": c, "dirty": d} for c, d in sorted(commits, key=str)]}


def fit_markdown(fit: pd.DataFrame) -> list[str]:
    """The targets against the fitted rates as a Markdown table."""
    lines = ["| target | weeks | firm | stated interval | fitted (95% CI) | z | verdict |",
             "|---|---|---|---|---|---|---|"]
    for r in fit.itertuples():
        def v(x: float, m: str = r.metric) -> str:
            return format_value(m, x)
        lines.append(f"| {metric_label(r.metric)} | {r.weeks} | {v(r.target)} | "
                     f"{v(r.target_lo)} - {v(r.target_hi)} | {v(r.fitted)} "
                     f"({v(r.fitted_lo)} - {v(r.fitted_hi)}) | {r.z:+.1f} | {r.verdict} |")
    return lines


def parameters_markdown(parameters: pd.DataFrame) -> list[str]:
    """What the targets pin down as a Markdown table."""
    lines = ["| parameter | range | before | fitted | 95% interval | share of range | moves "
             "most | verdict |", "|---|---|---|---|---|---|---|---|"]
    for r in parameters.itertuples():
        lines.append(f"| `{r.parameter}` | {r.lo:g} - {r.hi:g}{' (log)' if r.log else ''} | "
                     f"{r.before:.4g} | {r.fitted:.4g} | {r.interval_lo:.4g} - "
                     f"{r.interval_hi:.4g} | {r.range_share:.0%} | "
                     f"{lower_case(metric_label(r.moves_most))} | {r.verdict} |")
    return lines


def markdown(cal: Calibration, fit: pd.DataFrame, parameters: pd.DataFrame,
             verdict: str) -> str:
    s = cal.settings
    firm = cal.firm
    lines = [
        f"# Calibration of {firm.name}", "",
        *([firm.description, ""] if firm.description else []),
        f"**{verdict}.**", "",
        f"Governance as it stands: {firm.governance}. Fitted {len(firm.fit)} assumption "
        f"parameters to {len(firm.targets)} observed rates: {len(cal.candidates)} candidates, "
        f"each on the same {s.seeds} seeds (common random numbers), runs of {firm.weeks} weeks "
        f"({firm.base.burn_in_weeks} of burn-in). The {s.check_top} best were run again on "
        f"{s.check_seeds} fresh seeds and the closest to the targets there is the fit "
        f"(candidate {cal.chosen}).", "",
        "## Targets against the fitted rates", "", *fit_markdown(fit), "",
        "![Targets against the fitted rates](fit.png)", "",
        "A target that *gives way* was met by some candidate but not together with the "
        "others (the verdict names the target that then misses most: what pulls against it); "
        "one *out of reach* was met by no candidate within the fit ranges.", "",
        "## What the targets pin down", "", *parameters_markdown(parameters), "",
        "The interval is where the objective, with the other parameters moving within their "
        f"ranges to compensate, stays within {NEAR_BEST} of its value at the fit (95%), from "
        "the targets' slopes around the fit; "
        "*moves most* is the target most sensitive to the parameter. A *free* parameter is not "
        "set by these targets: its fitted value is one of many that fit about as well, and "
        "conclusions that hang on it need a target that pins it.", "",
        "![Profiles](profiles.png)", "", "## The search", "",
        f"{SAMPLER}. The first candidate is the firm as it stood, when its values lie in the "
        "fit ranges.", "",
        "![Convergence](convergence.png)", "", "## Use it", "", "```bash",
        f"alignsim compare current aligned integrated --params {cal.folder / PARAMS}",
        "```", "",
        "Tables: `fit.csv`, `parameters.csv`, `sensitivities.csv` (slope of each target's "
        "z-score per whole range of each parameter, around the fit), `candidates.csv`, "
        "`profiles.csv`; provenance (versions, seeds, settings): `provenance.json`.", ""]
    return "\n".join(lines)
