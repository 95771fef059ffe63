"""The search: candidates proposed by optuna's TPE sampler, run through the experiment engine,
then the best few checked on fresh seeds.

Candidates come in generations of `batch`. Each generation is one experiment (a points design:
one arm per candidate, every arm on the same `seeds` replicate seeds, i.e. common random
numbers) run by `experiments.runner.run_experiment` into its own results store under
``<folder>/evaluations/``, so it runs on the local cores or a Dask cluster like any sweep and a
killed calibration resumes from what is stored. The stores are the only record: before each
generation, the sampler's history is rebuilt from them, and the sampler is seeded from the base
seed and the generation's number, so an interrupted calibration proposes exactly what an
uninterrupted one would have, and a rerun with a larger budget goes on from the earlier
candidates. The first candidate is the firm as it stands; the first `startup` candidates
(with it) are a Latin hypercube over the fit ranges, from which TPE then learns.

Once the budget is spent, the `check_top` best candidates run on `check_seeds` fresh seeds
(``<folder>/checks/``); the chosen fit is the one closest to the targets on those seeds, so the
choice does not reward a candidate for suiting the fitting seeds by luck.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import warnings
from collections.abc import Iterator
from concurrent.futures import Executor
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from experiments import files
from experiments.calibration.firm import Firm, FitParam, Settings, load_firm, settings_with
from experiments.calibration.objective import TargetRun, candidate_means
from experiments.design import n_runs, replicate_seeds
from experiments.engines import open_engine
from experiments.errors import UsageError
from experiments.paramfile import params_table
from experiments.runner import SCHEDULER_ENV, run_experiment
from experiments.spec import ExperimentSpec, parse_spec, spec_from_dict
from experiments.store import committed_status, load
from sim.params import value_of

FIRM_FILE = "firm.toml"
MARKER = "calibration.json"
"""Written into every calibration folder: a rerun continues in a folder holding it, no other."""
EVALUATIONS, CHECKS = "evaluations", "checks"
SAMPLER = ("optuna TPESampler (multivariate, constant liar) after the firm as it stands and a "
           "Latin hypercube")
FIT_STREAM, CHECK_STREAM, SAMPLER_STREAM = 1, 2, 3

try:
    import fcntl
except ImportError:  # Windows: no advisory locks
    fcntl = None  # type: ignore[assignment]


def calibrate(firm: Firm | str | Path, out: str | Path | None = None, *,
              budget: int | None = None, seeds: int | None = None, seed: int | None = None,
              batch: int | None = None, check_seeds: int | None = None,
              check_top: int | None = None, workers: int | None = None,
              scheduler: str | None = None, executor: Executor | None = None,
              fresh: bool = False, quiet: bool = False) -> Path:
    """Fit the firm's assumption parameters to its targets; return the calibration folder.

    Settings not given here come from the firm file's ``[calibration]`` table, then the
    defaults of `Settings`. `out` defaults to ``results/calibrate-<firm name>``. Everything is
    stored as it finishes; the same call again continues (skips evaluated candidates), and a
    larger `budget` goes on from them. `fresh` moves an earlier calibration aside.
    """
    if not isinstance(firm, Firm):
        firm = load_firm(firm)
    changes = {"budget": budget, "seeds": seeds, "seed": seed, "batch": batch,
               "check_seeds": check_seeds, "check_top": check_top}
    settings = settings_with(firm.settings, changes)
    folder = Path(out) if out is not None else Path("results") / f"calibrate-{firm.name}"
    scheduler = scheduler or (os.environ.get(SCHEDULER_ENV) if executor is None and workers is
                              None else None)
    with _locked(folder, firm, settings, fresh), contextlib.ExitStack() as stack:
        engine: dict[str, Any] = {"workers": workers, "executor": executor}
        if scheduler and executor is None:
            # One connection to the cluster for every batch, its slots sized to the cluster.
            cluster = stack.enter_context(open_engine(None, scheduler, None))
            engine = {"executor": cluster.executor, "workers": max(1, cluster.slots // 2)}
        _Search(firm, settings, folder, engine, quiet).run()
    return folder


# -- the folder -------------------------------------------------------------------------------

def _identity(firm: Firm, settings: Settings) -> dict[str, Any]:
    """What makes two calibrations the same one (the budget may grow)."""
    same = {k: v for k, v in asdict(settings).items() if k != "budget"}
    # The firm as the model reads it, too: a changed default or fit list is another calibration.
    return json.loads(json.dumps({
        "firm_fingerprint": firm.fingerprint(), "settings": same, "sampler": SAMPLER,
        "base": firm.base.to_dict(), "fit": [asdict(p) for p in firm.fit],
        "targets": [asdict(t) for t in firm.targets]}))


@contextlib.contextmanager
def _locked(folder: Path, firm: Firm, settings: Settings, fresh: bool) -> Iterator[None]:
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--out {folder}: exists and is not a folder")
    marker = folder / MARKER
    if folder.exists() and any(folder.iterdir()) and not marker.exists():
        raise UsageError(f"--out {folder}: exists and was not written by alignsim calibrate; "
                         "choose a new folder")
    if fresh and marker.exists():
        moved = folder.with_name(f"{folder.name}.replaced-{datetime.now():%Y%m%d-%H%M%S}")
        folder.rename(moved)  # results are add-only: the old calibration is kept beside
        print(f"--fresh: moved the earlier calibration to {moved}", file=sys.stderr)
    identity = _identity(firm, settings)
    if marker.exists():
        earlier = json.loads(marker.read_text(encoding="utf-8"))
        if earlier.get("identity") != identity:
            raise UsageError(
                f"--out {folder}: holds a calibration of another firm file, with other "
                "settings (seeds, seed, batch, checks) or of a model with other defaults; use "
                "--fresh to start over (the old one is kept beside) or --out to choose another "
                "folder")
    folder.mkdir(parents=True, exist_ok=True)
    lock = open(folder / ".lock", "w")  # noqa: SIM115 - held for the whole calibration
    try:
        if fcntl is not None:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise UsageError(f"--out {folder}: another calibration is writing this folder; "
                                 "wait for it or choose another --out") from None
        if not marker.exists():
            files.write_atomic(folder / FIRM_FILE, lambda f: f.write(firm.text.encode()))
            files.write_json(marker, {"identity": identity, "firm": firm.name,
                                      "firm_file": firm.source, "started": _now()})
        _record_budget(marker, settings.budget)
        yield
    finally:
        lock.close()


def _record_budget(marker: Path, budget: int) -> None:
    info = json.loads(marker.read_text(encoding="utf-8"))
    info["budget"] = max(budget, int(info.get("budget", 0)))
    files.write_json(marker, info)


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def stream_seed(base: int, stream: int, index: int = 0) -> int:
    """A 63-bit seed for one use of the base seed (fitting runs, checks, the sampler)."""
    state = np.random.SeedSequence([base, stream, index]).generate_state(1, dtype=np.uint64)
    return int(state[0] >> np.uint64(1))


# -- the experiments a calibration runs -------------------------------------------------------

def points_spec(firm: Firm, name: str, description: str, points: list[dict[str, Any]],
                seed: int, replicates: int) -> ExperimentSpec:
    """One arm per point (parameter values), all on the same replicate seeds."""
    fit_names = [p.name for p in firm.fit]
    return spec_from_dict({
        "name": name, "description": description,
        "params": params_table(firm.base), "preset": "current", "weeks": firm.weeks,
        "replicates": replicates, "seed": seed,
        "design": {"kind": "points"},
        "factors": {n: [point[n] for point in points] for n in fit_names},
        "output": {"weekly_metrics": []},
    }, source=name)


def stored_spec(folder: Path) -> ExperimentSpec:
    path = folder / "spec.toml"
    return parse_spec(path.read_text(encoding="utf-8"), source=str(path))


def evaluation_folders(folder: Path, kind: str = EVALUATIONS) -> list[Path]:
    """The generation (or check round) stores, in order."""
    root = folder / kind
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / "spec.toml").exists())


def stored_candidates(firm: Firm, folder: Path, kind: str = EVALUATIONS,
                      cache: dict[Path, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Every stored candidate: its parameter values, the mean of each target over its seeds,
    the runs done and the objective, in the order they were proposed (``candidate`` from 1).
    `cache` keeps the tables of stores that will not change (a search's finished batches)."""
    names = [p.name for p in firm.fit]
    targets = [t.column for t in firm.targets]
    frames = []
    for number, store in enumerate(evaluation_folders(folder, kind), start=1):
        if cache is not None and store in cache:
            frames.append(cache[store])
            continue
        spec = stored_spec(store)
        runs, _ = load(store)
        points = pd.DataFrame({f.name: list(f.levels) for f in spec.factors})
        points.insert(0, "arm", [f"p{i:05d}" for i in range(len(points))])
        points.insert(0, "round", number)
        if len(runs):
            means = candidate_means(runs, firm.targets, ["arm"])
            points = points.merge(means, on="arm", how="left")
        points["runs_planned"] = spec.replicates
        frames.append(points)
        if cache is not None:
            cache[store] = points
    columns = ["candidate", "round", "arm", *names, *targets, "runs_done", "runs_planned",
               "objective"]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    table = table.reindex(columns=[c for c in columns if c != "candidate"])
    table["runs_done"] = table["runs_done"].fillna(0).astype(int)
    table.insert(0, "candidate", range(1, len(table) + 1))
    return table


def complete(table: pd.DataFrame) -> pd.DataFrame:
    """Candidates every one of whose runs finished (a failed run leaves its candidate out)."""
    return table[(table["runs_done"] == table["runs_planned"]) & table["objective"].notna()]


# -- proposing candidates ---------------------------------------------------------------------

def _optuna() -> Any:
    try:
        import optuna
    except ImportError:
        raise UsageError("calibration needs optuna: pip install 'alignsim[calibrate]'") from None
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna


def _distribution(optuna: Any, p: FitParam) -> Any:
    if p.integer:
        return optuna.distributions.IntDistribution(int(p.lo), int(p.hi), log=p.log)
    return optuna.distributions.FloatDistribution(p.lo, p.hi, log=p.log)


def startup_size(firm: Firm) -> int:
    """Candidates before TPE starts modelling: the firm itself and a Latin hypercube."""
    return max(10, 2 * len(firm.fit) + 2)


def startup_points(firm: Firm, settings: Settings) -> list[dict[str, Any]]:
    """The firm as it stands (when its values lie in the fit ranges), then a Latin hypercube."""
    from SALib.sample import latin

    n = startup_size(firm)
    own = {p.name: value_of(firm.base, p.name) for p in firm.fit}
    first = [own] if all(p.lo <= own[p.name] <= p.hi for p in firm.fit) else []
    problem = {"num_vars": len(firm.fit), "names": [p.name for p in firm.fit],
               "bounds": [[0.0, 1.0]] * len(firm.fit)}
    unit = latin.sample(problem, n - len(first),
                        seed=stream_seed(settings.seed, SAMPLER_STREAM) % 2**32)
    return first + [{p.name: p.from_unit(u) for p, u in zip(firm.fit, row, strict=True)}
                    for row in unit]


def propose(firm: Firm, settings: Settings, history: pd.DataFrame, generation: int, n: int
            ) -> list[dict[str, Any]]:
    """The next `n` candidates, from the stored history alone (so a resumed calibration
    proposes what an uninterrupted one would)."""
    optuna = _optuna()
    dists = {p.name: _distribution(optuna, p) for p in firm.fit}
    with warnings.catch_warnings():
        # multivariate TPE and the constant liar are marked experimental by optuna
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        sampler = optuna.samplers.TPESampler(
            seed=stream_seed(settings.seed, SAMPLER_STREAM, generation) % 2**32,
            n_startup_trials=startup_size(firm), multivariate=True, constant_liar=True)
        study = optuna.create_study(sampler=sampler, direction="minimize")
        study.add_trials([_trial(optuna, row, dists) for _, row in history.iterrows()])
        start = startup_points(firm, settings)
        for point in start[len(history):len(history) + n]:
            study.enqueue_trial(point)
        points: list[dict[str, Any]] = []
        attempts = 0
        while len(points) < n:
            attempts += 1
            if attempts > 100 * n:
                raise UsageError(f"file {firm.source}: key fit: the fit ranges leave too few "
                                 "valid parameter sets (each candidate broke a rule that ties "
                                 "parameters together)")
            trial = study.ask(dists)
            point = dict(trial.params)
            try:
                firm.candidate(point)
            except ValueError:  # a rule of sim.params across fields: not a candidate
                study.tell(trial, state=optuna.trial.TrialState.FAIL)
                continue
            points.append(point)  # left running: the constant liar counts it as proposed
    return points


def _trial(optuna: Any, row: pd.Series, dists: dict[str, Any]) -> Any:
    params = {name: (int(row[name]) if isinstance(d, optuna.distributions.IntDistribution)
                     else float(row[name])) for name, d in dists.items()}
    value = row.get("objective")
    done = row.get("runs_done", 0) == row.get("runs_planned", -1) and pd.notna(value)
    if done:
        return optuna.trial.create_trial(params=params, distributions=dists, value=float(value))
    return optuna.trial.create_trial(params=params, distributions=dists,
                                     state=optuna.trial.TrialState.FAIL)


# -- the loop -----------------------------------------------------------------------------------

class _Search:
    def __init__(self, firm: Firm, settings: Settings, folder: Path, engine: dict[str, Any],
                 quiet: bool) -> None:
        self.firm, self.settings, self.folder = firm, settings, folder
        self.engine = engine
        self.run_fn = TargetRun(firm.targets)
        s = settings
        self.finished: dict[Path, pd.DataFrame] = {}  # batches run to the end in this session
        self.fit_seed = stream_seed(s.seed, FIT_STREAM)
        self.check_seed = stream_seed(s.seed, CHECK_STREAM)
        total = s.budget * s.seeds + s.check_top * s.check_seeds
        self.bar = _Bar(total=total, unit="run", desc=f"calibrate {firm.name}",
                        dynamic_ncols=True, smoothing=0.1,
                        disable=quiet or not sys.stderr.isatty())

    def run(self) -> None:
        stored = sum(len(committed_status(store)) for store in evaluation_folders(self.folder))
        self.bar.update(min(stored, self.settings.budget * self.settings.seeds))
        try:
            self._evaluate()
            self._check()
            self.bar.update(max(0, self.bar.total - self.bar.n))  # checks made earlier
        finally:
            self.bar.close()

    def _evaluate(self) -> None:
        s = self.settings
        for store in evaluation_folders(self.folder):
            self._run(stored_spec(store), store)  # finish what was begun
        history = stored_candidates(self.firm, self.folder, cache=self.finished)
        self._show(history)
        while len(history) < s.budget:
            generation = len(evaluation_folders(self.folder)) + 1
            n = min(s.batch, s.budget - len(history))
            points = propose(self.firm, s, history, generation, n)
            start = len(history) + 1
            spec = points_spec(self.firm, f"{self.firm.name}-g{generation:04d}",
                               f"calibration of {self.firm.name}: candidates {start}-"
                               f"{start + n - 1}", points, self.fit_seed, s.seeds)
            self._run(spec, self.folder / EVALUATIONS / f"g{generation:04d}")
            history = stored_candidates(self.firm, self.folder, cache=self.finished)
            self._show(history)

    def _check(self) -> None:
        s = self.settings
        for store in evaluation_folders(self.folder, CHECKS):
            self._run(stored_spec(store), store)
        history = complete(stored_candidates(self.firm, self.folder, cache=self.finished))
        if history.empty:
            raise UsageError(f"calibration of {self.firm.name}: no candidate finished all its "
                             f"runs; see `alignsim runs {self.folder / EVALUATIONS}/g0001`")
        names = [p.name for p in self.firm.fit]
        checked = stored_candidates(self.firm, self.folder, CHECKS)
        done = {tuple(row) for row in checked[names].itertuples(index=False)}
        best = history.sort_values(["objective", "candidate"]).head(s.check_top)
        todo = [dict(zip(names, row, strict=True))
                for row in best[names].itertuples(index=False) if tuple(row) not in done]
        if todo:
            number = len(evaluation_folders(self.folder, CHECKS)) + 1
            spec = points_spec(self.firm, f"{self.firm.name}-check{number:02d}",
                               f"calibration of {self.firm.name}: the best candidates on "
                               "fresh seeds", todo, self.check_seed, s.check_seeds)
            self._run(spec, self.folder / CHECKS / f"c{number:02d}")

    def _run(self, spec: ExperimentSpec, store: Path) -> None:
        if store.exists() and len(committed_status(store)) >= n_runs(spec):
            return  # finished earlier
        summary = run_experiment(spec, store, quiet=True, run_fn=self.run_fn, **self.engine)
        self.bar.update(summary.done + summary.failed)

    def _show(self, history: pd.DataFrame) -> None:
        ok = complete(history)
        if len(ok):
            self.bar.set_postfix(best=f"{ok['objective'].min():.3g}", refresh=False)


class _Bar(tqdm):
    # No monitor thread: a forked pool must not be started from a process that runs threads.
    monitor_interval = 0


def check_seeds_of(settings: Settings) -> list[int]:
    """The fresh seeds the best candidates are checked on."""
    return replicate_seeds(stream_seed(settings.seed, CHECK_STREAM), settings.check_seeds)


def fit_seeds_of(settings: Settings) -> list[int]:
    """The seeds every candidate runs on."""
    return replicate_seeds(stream_seed(settings.seed, FIT_STREAM), settings.seeds)

