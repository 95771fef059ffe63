"""`alignsim validate`: the stylized facts of the model brief as paired claims on the model.

Every arm the chosen facts compare runs on the same seeds through the experiment engine (so a
rerun resumes, `--workers` sets the local processes and `--scheduler` runs on a Dask cluster);
each claim is judged from the stored runs, and the fact table is printed and written with every
claim's interval (`experiments.report.validation`). `run_validation` is the same from Python.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from experiments.cli.engine_options import add_engine_options, check_engine_options
from experiments.errors import SweepAborted, UsageError
from experiments.paramfile import load_params
from sim.params import Params, known_fields, value_of

if TYPE_CHECKING:
    from experiments.report.validation import Validation

DEFAULT_SEEDS = 20
DEFAULT_SEED_BASE = 1
MAX_SEED = 2**63 - 1
MAX_SETS = 1000


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "validate", help="check the stylized facts: paired claims with bootstrap intervals",
        description="Run every arm the stylized facts compare on the same seeds (common random "
                    "numbers) and judge each fact's claims by the bootstrap 95% interval of the "
                    "mean paired difference: holds, fails or inconclusive. Prints the fact "
                    "table; writes validation.md, index.html, facts.csv and claims.csv. A rerun "
                    "of the same command resumes. Exit code 0, 1 if runs failed, 2 for bad "
                    "input.")
    parser.add_argument("--facts", default=None, metavar="N,N,...",
                        help="facts to check, e.g. 7,9 (default: all twelve)")
    parser.add_argument("--seeds", type=int, default=DEFAULT_SEEDS, metavar="N",
                        help=f"paired seeds per arm, at least 2 (default {DEFAULT_SEEDS})")
    parser.add_argument("--seed-base", type=int, default=DEFAULT_SEED_BASE, metavar="B",
                        help="base seed the replicate seeds and perturbations come from "
                             f"(default {DEFAULT_SEED_BASE})")
    parser.add_argument("--weeks", type=int, default=None, metavar="W",
                        help="weeks per run (default: the model's, 182)")
    parser.add_argument("--perturb", type=int, default=0, metavar="K",
                        help="also run K parameter sets, each assumption parameter (never a "
                             "governance lever) scaled by a seeded factor in [0.7, 1.3], and "
                             "report in how many each fact holds (default 0)")
    parser.add_argument("--params", type=Path, default=None, metavar="FILE",
                        help="check the facts on the firm of this params file (e.g. from "
                             "`alignsim calibrate`): every arm's preset applies on top of it")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="results folder (default results/validate-B, or "
                             "results/validate-B-perturbK; with --params the file's name "
                             "is added)")
    add_engine_options(parser)
    parser.add_argument("--fresh", action="store_true",
                        help="start over: earlier results in the folder are moved aside")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    facts = parse_facts(args.facts)
    check_options(args)
    firm, weeks = None, args.weeks
    if args.params is not None:
        firm = firm_overrides(load_params(args.params))
        firm_weeks = firm.pop("weeks", None)  # a run length, not an override: --weeks wins
        weeks = firm_weeks if weeks is None else weeks
    out = args.out or default_out(args.seed_base, args.perturb, args.params)
    validation, failed = run_validation(
        facts, seeds=args.seeds, seed_base=args.seed_base, weeks=weeks,
        perturb=args.perturb, out=out, workers=args.workers, scheduler=args.scheduler,
        fresh=args.fresh, quiet=args.quiet, base_overrides=firm,
        params_file=args.params)
    from experiments.report.validation import console_table, untested

    print(console_table(validation))
    if args.seeds < DEFAULT_SEEDS:
        print(f"alignsim validate: warning: {args.seeds} seeds per arm (the default is "
              f"{DEFAULT_SEEDS}): many claims stay inconclusive and the verdicts are a first "
              "look", file=sys.stderr)
    gaps = untested(validation)
    if gaps:
        print("\nnot tested:\n" + "\n".join(f"  {g}" for g in gaps))
    print(f"\nwrote {out / 'validation.md'}, {out / 'index.html'}, facts.csv and claims.csv")
    if failed:
        print(f"alignsim validate: {failed} run(s) failed and are left out; see their error in "
              f"`alignsim runs {out}`", file=sys.stderr)
        return 1
    return 0


def parse_facts(text: str | None) -> list[int] | None:
    """``"7,9"`` -> [7, 9]; None for all facts; a UsageError for anything else."""
    if text is None:
        return None
    from experiments.analysis.facts import select

    try:
        numbers = [int(part) for part in text.replace(" ", ",").split(",") if part]
    except ValueError:
        raise UsageError(f"--facts {text}: not a list of fact numbers; allowed: numbers from "
                         "1 to 12, e.g. --facts 7,9") from None
    if not numbers:
        raise UsageError(f"--facts {text!r}: no fact numbers; e.g. --facts 7,9")
    try:
        select(numbers)
    except ValueError as err:
        raise UsageError(f"--facts {text}: {err}") from None
    return sorted(set(numbers))


def check_options(args: argparse.Namespace) -> None:
    """Every option within range, before anything runs or is written."""
    def within(option: str, value: int | None, lo: int, hi: int, why: str = "") -> None:
        if value is not None and not lo <= value <= hi:
            raise UsageError(f"{option} {value}: allowed: an integer in [{lo}, {hi}]{why}")

    within("--seeds", args.seeds, 2, 100_000, " (a paired interval needs two seeds at least)")
    within("--seed-base", args.seed_base, 0, MAX_SEED)
    within("--weeks", args.weeks, 1, 2080)
    within("--perturb", args.perturb, 0, MAX_SETS)
    check_engine_options(args)


def default_out(seed_base: int, perturb: int, params: Path | None = None) -> Path:
    name = f"validate-{seed_base}" + (f"-perturb{perturb}" if perturb else "")
    return Path("results") / (name + (f"-{params.stem}" if params is not None else ""))


def firm_overrides(firm: Params) -> dict[str, Any]:
    """What a firm (a params file) sets apart from the model's defaults, governance left out:
    each fact's arm brings its own governance (its preset) on top of the firm."""
    default = Params()
    return {name: value_of(firm, name) for name in known_fields()
            if not name.startswith("governance.")
            and value_of(firm, name) != value_of(default, name)}


def command_line(facts: list[int] | None, seeds: int, seed_base: int, weeks: int | None,
                 perturb: int, params_file: Path | None = None) -> str:
    """The command with every setting spelled out, so the provenance reads the same whichever
    defaults a later version has."""
    parts = ["alignsim", "validate"]
    if facts is not None:
        parts += ["--facts", ",".join(map(str, sorted(facts)))]
    parts += ["--seeds", str(seeds), "--seed-base", str(seed_base)]
    if weeks is not None:
        parts += ["--weeks", str(weeks)]
    if perturb:
        parts += ["--perturb", str(perturb)]
    if params_file is not None:
        parts += ["--params", str(params_file)]
    return " ".join(shlex.quote(p) for p in parts)


def run_validation(facts: list[int] | None = None, *, seeds: int = DEFAULT_SEEDS,
                   seed_base: int = DEFAULT_SEED_BASE, weeks: int | None = None,
                   perturb: int = 0, out: str | Path | None = None, workers: int | None = None,
                   scheduler: str | None = None, fresh: bool = False, quiet: bool = False,
                   base_overrides: dict[str, Any] | None = None,
                   params_file: Path | None = None) -> tuple[Validation, int]:
    """Run (or resume) the facts' experiment into `out`, judge every claim and write the
    outputs there. Returns the `experiments.report.validation.Validation` and the number of
    failed runs. `base_overrides` replaces the defaults for every arm (a firm's own values)."""
    from experiments import files
    from experiments.analysis import facts as fact_defs
    from experiments.analysis.bootstrap import LEVEL, N_BOOT, SEED
    from experiments.analysis.fact_runs import fact_runs
    from experiments.analysis.validation import fact_summary, judge
    from experiments.design import n_runs, replicate_seeds
    from experiments.perturb import FIRM_FACTS, SPREAD
    from experiments.report.validation import Validation, write_validation
    from experiments.runner import run_experiment
    from experiments.store import DONE, FAILED, load, read_manifest
    from sim.provenance import versions

    chosen = fact_defs.select(facts)
    out = Path(out) if out is not None else default_out(seed_base, perturb)
    try:
        plan = fact_runs(chosen, seeds=seeds, seed_base=seed_base, weeks=weeks,
                         perturb=perturb, base_overrides=base_overrides)
    except ValueError as err:  # a firm value the model rejects, or no arm can be built
        raise UsageError(str(err)) from None
    files.check_destination(out, "spec.toml", "is not a results folder of alignsim validate; "
                                              "choose another --out")
    try:
        run_experiment(plan.spec, out, workers=workers, scheduler=scheduler, fresh=fresh,
                       quiet=quiet)
    except SweepAborted as err:
        raise UsageError(str(err)) from None
    runs, _ = load(out)
    claims = judge(runs, plan.arm_table, chosen)
    manifest = read_manifest(out) or {}
    status = runs["status"].value_counts()
    failed = int(status.get(FAILED, 0))
    provenance = {
        "command": command_line(facts, seeds, seed_base, weeks, perturb, params_file),
        "written": datetime.now(UTC).isoformat(timespec="seconds"),
        "facts": [f.number for f in chosen],
        "seeds": seeds, "seed_base": seed_base,
        "replicate_seeds": replicate_seeds(seed_base, seeds),
        "weeks": plan.spec.weeks, "perturb": perturb,
        "perturbed": list(plan.perturbed), "spread": SPREAD, "firm_facts": list(FIRM_FACTS),
        "base_overrides": dict(base_overrides or {}),
        "bootstrap": {"resamples": N_BOOT, "level": LEVEL, "seed": SEED},
        "runs_planned": n_runs(plan.spec), "runs_done": int(status.get(DONE, 0)),
        "runs_failed": failed,
        "versions": versions(), "git_commit": manifest.get("git_commit"),
        "git_dirty": manifest.get("git_dirty"),
    }
    validation = Validation(facts=chosen, claims=claims, summary=fact_summary(claims, chosen),
                            arm_table=plan.arm_table, perturb=perturb, provenance=provenance)
    write_validation(out, validation)
    return validation, failed
