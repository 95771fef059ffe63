"""The results store: one folder per experiment, written only by the coordinating process.

Layout::

    <folder>/spec.toml            the experiment file, verbatim
    <folder>/manifest.json        versions, platform, git commit, one entry per sweep session
    <folder>/runs/chunk-NNNNNN.parquet    runs table rows (one per run)
    <folder>/weekly/chunk-NNNNNN.parquet  weekly table rows (run_id, week, metrics)
    <folder>/network/chunk-NNNNNN.parquet network table rows (run_id, week, one row per tie)
    <folder>/index/chunk-NNNNNN.json      the chunk's run ids: written last, it is the commit
    <folder>/damaged/<time>/...           chunks `repair` moved aside (kept, never read)

Each file is written under a temporary dot-name, synced and renamed, so a chunk is either wholly
in the store (its index exists) or not at all. Opening a store removes what a crash left behind
(temporary files and data files without an index) and reports which runs are finished, so a
rerun skips them. A lock file keeps two sweeps (a ``--fresh`` one too) from writing one folder at
once. A folder that holds anything else is refused, never cleaned. A damaged file is named with
what to do, and `repair` moves its chunk aside (`experiments.chunks`).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from experiments import chunks, files
from experiments.chunks import SUBFOLDERS, Damage
from experiments.errors import StoreDamaged, SweepAborted, UsageError
from experiments.spec import ExperimentSpec, parse_spec

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; one sweep per folder is then up to the user
    fcntl = None  # type: ignore[assignment]

RUN_KEYS = ("run_id", "arm", "replicate", "seed")
"""First columns of the runs table; varied parameters and summary metrics follow, then TAIL."""
RUN_TAIL = ("status", "error", "duration_s")
DONE, FAILED = "done", "failed"

_EXTRA_VERSIONS = ("pyarrow", "SALib", "dask", "distributed")
LOCK_WAIT_S = 10.0
"""How long to wait for a folder's lock: a killed sweep's workers hold it until they exit."""
STORE_NAMES = frozenset({"spec.toml", "manifest.json", ".lock", *SUBFOLDERS, chunks.DAMAGED,
                         "report", *chunks.TOP_TEMPORARY})
"""What a store folder may hold (`report` is the default report folder): a folder without
spec.toml that holds anything else is someone else's."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class StoreStatus:
    folder: Path
    name: str
    planned: int
    done: int
    failed: int
    chunks: int
    leftovers: int
    """Files a crash left behind (removed when a sweep next opens the store)."""
    sessions: list[dict[str, Any]] = field(default_factory=list)
    damage: list[Damage] = field(default_factory=list)
    """Files that cannot be read (their chunks' runs are not counted above)."""

    @property
    def remaining(self) -> int:
        return max(self.planned - self.done - self.failed, 0)


class FolderLock:
    """The lock of one store folder (``.lock`` inside it): one writer at a time.

    Held by a sweep from before it looks at the folder until it ends, and by a repair. After
    the lock is taken, the lock file must still be the folder's: a ``--fresh`` sweep may have
    moved the folder aside meanwhile, and then the new folder's lock is the one to take.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._file: Any = None

    def acquire(self, wait_s: float, busy: str) -> None:
        if fcntl is None:
            return
        path = self.folder / ".lock"
        deadline = time.monotonic() + wait_s
        while True:
            self.folder.mkdir(parents=True, exist_ok=True)
            lock_file = open(path, "a")  # noqa: SIM115 - held until release
            try:
                fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                lock_file.close()
                if time.monotonic() > deadline:
                    raise UsageError(busy) from None
                time.sleep(0.2)
                continue
            if _same_file(lock_file, path):
                self._file = lock_file
                return
            lock_file.close()

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _same_file(handle: Any, path: Path) -> bool:
    try:
        mine, theirs = os.fstat(handle.fileno()), os.stat(path)
    except FileNotFoundError:
        return False
    return (mine.st_dev, mine.st_ino) == (theirs.st_dev, theirs.st_ino)


class ResultsStore:
    """Append-only writer of one experiment's results (use `open_store`)."""

    def __init__(self, folder: Path, spec: ExperimentSpec, *, chunk_runs: int = 500,
                 chunk_rows: int = 50_000, flush_seconds: float = 10.0) -> None:
        self.folder = folder
        self.spec = spec
        self.chunk_runs = chunk_runs
        self.chunk_rows = chunk_rows
        self.flush_seconds = flush_seconds
        self._rows: list[dict[str, Any]] = []
        self._weekly: list[pd.DataFrame] = []
        self._network: list[pd.DataFrame] = []
        self._weekly_rows = 0
        self._oldest = time.monotonic()
        self._lock = FolderLock(folder)
        self._next_chunk = 1
        self._status: dict[str, str] = {}
        self._session: dict[str, Any] = {}

    # -- opening -------------------------------------------------------------------------------
    def _open(self, engine: str, fresh: bool) -> None:
        folder = self.folder
        refuse_foreign(folder)
        files.check_writable(folder)
        try:
            self._lock.acquire(LOCK_WAIT_S, f"--out {folder}: another sweep is writing this "
                                            "folder; wait for it or choose another --out")
            if fresh and any(p.name != ".lock" for p in folder.iterdir()):
                self._move_aside()
            self._adopt_spec()
            for sub in SUBFOLDERS:
                (folder / sub).mkdir(exist_ok=True)
            self.cleanup()
            good, damage = chunks.committed(folder)
            if damage:
                raise damage[0].error(more=len(damage) - 1)
            manifest = read_manifest(folder) or _new_manifest(self.spec)
            for chunk in good:
                self._status.update(zip(chunk.runs, chunk.states, strict=True))
            self._next_chunk = max(chunks.index_numbers(folder), default=0) + 1
            commit, dirty = _git_state()
            self._session = {"started": _now(), "ended": None, "engine": engine,
                             "git_commit": commit, "git_dirty": dirty}
            first = manifest.get("git_commit")
            if self._status and commit and first and commit != first:
                print(f"alignsim: warning: {folder} was started with code at commit "
                      f"{first[:10]}, this session runs {commit[:10]}; its tables will mix "
                      "results of both (use --fresh to start over)", file=sys.stderr)
            manifest["sessions"].append(self._session)
            files.write_json(folder / "manifest.json", manifest)
        except OSError as err:
            self._lock.release()
            raise _open_failed(folder, err) from None
        except BaseException:
            self._lock.release()
            raise

    def _move_aside(self) -> None:
        """``--fresh``, under the lock: the earlier results are kept beside, and the new folder
        is locked before the old one's lock is let go."""
        folder = self.folder
        moved = chunks.unique_path(folder.with_name(
            f"{folder.name}.replaced-{datetime.now():%Y%m%d-%H%M%S}"))
        folder.rename(moved)
        old, self._lock = self._lock, FolderLock(folder)
        try:
            self._lock.acquire(LOCK_WAIT_S, f"--out {folder}: another sweep started writing "
                                            f"this folder as --fresh moved the earlier results "
                                            f"to {moved}; wait for it or choose another --out")
        finally:
            old.release()
        print(f"--fresh: moved the earlier results to {moved}", file=sys.stderr)

    def _adopt_spec(self) -> None:
        path = self.folder / "spec.toml"
        if path.exists():
            old = stored_spec(self.folder)
            if old.fingerprint() != self.spec.fingerprint():
                raise UsageError(
                    f"--out {self.folder}: holds results of a different experiment "
                    f"({old.name!r}, its spec.toml differs from {self.spec.source}); use --fresh "
                    "to start over (the old results are kept beside) or --out to choose another "
                    "folder")
        elif chunks.chunk_files(self.folder):
            raise UsageError(f"--out {self.folder}: holds results but no spec.toml; copy the "
                             f"experiment file they were run with to {path}")
        else:
            files.write_atomic(path, lambda f: f.write(self.spec.text.encode()))

    def cleanup(self) -> int:
        """Remove temporary files and data chunks without an index; return how many."""
        removed = 0
        for path in chunks.leftovers(self.folder):
            path.unlink()
            removed += 1
        return removed

    # -- writing -------------------------------------------------------------------------------
    @property
    def finished(self) -> dict[str, str]:
        """Run id -> status of every committed run."""
        return self._status

    def add(self, row: dict[str, Any], weekly: pd.DataFrame | None,
            network: pd.DataFrame | None = None) -> None:
        """Buffer one finished run (its runs row, weekly rows and network rows); a chunk is
        committed when the buffer is full or old."""
        if not self._rows:
            self._oldest = time.monotonic()
        self._rows.append(row)
        if weekly is not None and len(weekly):
            self._weekly.append(weekly)
            self._weekly_rows += len(weekly)
        if network is not None and len(network):
            self._network.append(network)
        if len(self._rows) >= self.chunk_runs or self._weekly_rows >= self.chunk_rows:
            self.flush()
        else:
            self.flush_if_due()

    def flush_if_due(self) -> None:
        """Commit the buffer if its oldest result has waited `flush_seconds`."""
        if self._rows and time.monotonic() - self._oldest >= self.flush_seconds:
            self.flush()

    def flush(self) -> None:
        """Commit the buffered runs as one chunk. If the machine refuses a write (a full disk),
        the buffer is dropped (those runs run again on resume) and the sweep stops."""
        if not self._rows:
            return
        rows, weekly_parts, network_parts = self._rows, self._weekly, self._network
        self._rows, self._weekly, self._network, self._weekly_rows = [], [], [], 0
        number = self._next_chunk
        runs = pd.DataFrame(rows)
        first = [*RUN_KEYS, *self.spec.varied]
        middle = [c for c in runs.columns if c not in first and c not in RUN_TAIL]
        runs = runs[[*first, *middle, *RUN_TAIL]]
        self._write(chunks.chunk_file(self.folder, "runs", number), runs)
        for table, parts in (("weekly", weekly_parts), ("network", network_parts)):
            if parts:
                self._write(chunks.chunk_file(self.folder, table, number),
                            pd.concat(parts, ignore_index=True))
        ids = [str(r["run_id"]) for r in rows]
        self._before_commit(number)
        index = chunks.chunk_file(self.folder, "index", number)
        try:
            files.write_json(index, {"chunk": number, "runs": ids, "weekly": bool(weekly_parts),
                                     "network": bool(network_parts), "written": _now()})
        except OSError as err:
            raise self._write_failed(index, err) from None
        self._status.update({str(r["run_id"]): str(r["status"]) for r in rows})
        self._next_chunk += 1

    def _write(self, path: Path, frame: pd.DataFrame) -> None:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        try:
            files.write_atomic(path, lambda f: pq.write_table(table, f))
        except OSError as err:
            raise self._write_failed(path, err) from None

    def _write_failed(self, path: Path, err: OSError) -> SweepAborted:
        return SweepAborted(
            f"cannot write {path} ({files.os_words(err)}); the {len(self._status)} runs "
            f"committed to {self.folder} are kept; rerun the same command to resume")

    def _before_commit(self, chunk: int) -> None:
        """Between the data files and the index: where a crash leaves uncommitted data."""

    def close(self, summary: dict[str, Any] | None = None, *, failing: bool = False) -> None:
        """Commit what is buffered and record the session's end in the manifest. While another
        error is on its way (`failing`), a failure here is not raised over it."""
        error: BaseException | None = None
        try:
            self.flush()
        except BaseException as err:
            error = err
        try:
            manifest = read_manifest(self.folder) or _new_manifest(self.spec)
            self._session.update({"ended": _now(), **(summary or {})})
            manifest["sessions"][-1] = self._session
            manifest["ended"] = self._session["ended"]
            files.write_json(self.folder / "manifest.json", manifest)
        except (OSError, StoreDamaged) as err:
            if error is None:
                error = (self._write_failed(self.folder / "manifest.json", err)
                         if isinstance(err, OSError) else err)
        finally:
            self._lock.release()
        if error is not None and not failing:
            raise error


def open_store(folder: str | Path, spec: ExperimentSpec, *, engine: str = "", fresh: bool = False,
               **options: Any) -> ResultsStore:
    """Create or reopen the store of `spec` in `folder`: refuses a folder of another experiment
    or of anything else, cleans a crash's leftovers, and knows which runs are finished."""
    store = ResultsStore(Path(folder), spec, **options)
    store._open(engine, fresh)
    return store


def refuse_foreign(folder: Path) -> None:
    """A folder that is not a store (no spec.toml, and files a store does not have) may hold
    someone's work: a sweep neither writes into it nor cleans it."""
    if not folder.exists():
        return
    if not folder.is_dir():
        raise UsageError(f"--out {folder}: exists and is not a folder")
    if (folder / "spec.toml").exists():
        return
    own = all(p.name in STORE_NAMES for p in folder.iterdir()) and all(
        chunks.CHUNK_RE.match(p.name) or p.name.endswith(".tmp")
        for sub in SUBFOLDERS if (folder / sub).is_dir() for p in (folder / sub).iterdir())
    if not own:
        raise UsageError(f"--out {folder}: exists and is not a results folder of alignsim (no "
                         "spec.toml, and other files in it); choose another --out")


def leftovers(folder: Path) -> list[Path]:
    """Temporary files, and data chunks whose index (the commit) was never written."""
    return chunks.leftovers(folder)


def stored_spec(folder: Path) -> ExperimentSpec:
    """The experiment file a store was made with (its spec.toml)."""
    path = folder / "spec.toml"
    try:
        return parse_spec(files.read_utf8(path), source=str(path))
    except UsageError as err:
        problem = str(err).removeprefix(f"file {path}: ")
        problem = problem.removesuffix("; save it as UTF-8 text")
        raise StoreDamaged(path, problem, "copy the experiment file this folder was run with "
                                          "over it") from None


def _require_store(folder: Path) -> None:
    if not (folder / "spec.toml").exists():
        if folder.is_dir() and chunks.chunk_files(folder):
            raise UsageError(f"{folder}: holds results but no spec.toml; copy the experiment "
                             f"file they were run with to {folder / 'spec.toml'}")
        raise UsageError(f"{folder}: not a results folder (no spec.toml)")


def load(folder: str | Path, *, weekly: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The runs table and the weekly table of a results folder, committed chunks only.

    Rows are sorted by run id (and week); a run recorded twice (a failed run retried) keeps its
    latest record. ``weekly=False`` skips reading the weekly table (it comes back empty). A
    damaged file raises `StoreDamaged`, naming it and the repair.
    """
    read_weekly = weekly
    folder = Path(folder)
    _require_store(folder)
    entries = [chunks.read_index(folder, n) for n in chunks.index_numbers(folder)]
    run_parts, weekly_parts = [], []
    for entry in entries:
        run_parts.append(chunks.read_runs(folder, entry))
        if entry.weekly and read_weekly:
            weekly_parts.append(chunks.read_weekly(folder, entry))
    if run_parts:
        runs = pd.concat(run_parts, ignore_index=True)
        retried = runs["run_id"].duplicated(keep="last")
        if retried.any():
            # A retried run keeps its latest record, here and in the weekly table below.
            latest = {rid: e.number for e in entries for rid in e.runs}
            runs = runs[~retried]
            weekly_parts = [
                part[part["run_id"].map(latest).to_numpy() == entry.number]
                for entry, part in zip([e for e in entries if e.weekly and read_weekly],
                                       weekly_parts, strict=True)
            ]
        tail = [c for c in runs.columns if c in RUN_TAIL]
        runs = runs[[c for c in runs.columns if c not in RUN_TAIL] + tail]
    else:
        runs = pd.DataFrame({c: pd.Series(dtype=object) for c in (*RUN_KEYS, *RUN_TAIL)})
    runs = runs.sort_values("run_id", kind="stable").reset_index(drop=True)
    if weekly_parts:
        weekly = pd.concat(weekly_parts, ignore_index=True)
        weekly = weekly.sort_values(["run_id", "week"], kind="stable").reset_index(drop=True)
    else:
        weekly = pd.DataFrame({"run_id": pd.Series(dtype=object),
                               "week": pd.Series(dtype="int64")})
    return runs, weekly


def _read_rows(folder: Path, table: str, run_ids: Sequence[str] | None,
               weeks: Sequence[int] | None) -> list[pd.DataFrame]:
    """Committed rows of `table` ("weekly" or "network") for the given runs and weeks, reading
    only what matches; a run recorded twice keeps its latest record."""
    entries = [chunks.read_index(folder, n) for n in chunks.index_numbers(folder)]
    latest = {rid: e.number for e in entries for rid in e.runs}
    wanted = None if run_ids is None else set(map(str, run_ids))
    parts = []
    for entry in entries:
        if not getattr(entry, table):
            continue
        ids = [r for r in entry.runs if latest.get(r) == entry.number
               and (wanted is None or r in wanted)]
        if not ids:
            continue
        filters: list[Any] = [("run_id", "in", ids)]
        if weeks is not None:
            filters.append(("week", "in", list(map(int, weeks))))
        parts.append(chunks.read_table(folder, table, entry, filters))
    return parts


def load_network(folder: str | Path, run_ids: Sequence[str] | None = None,
                 weeks: Sequence[int] | None = None) -> pd.DataFrame:
    """The network table of a results folder (committed chunks only): run_id, week and one row
    per tie (`sim.network.edge_table`), for the given runs and weeks (default: all). A run
    recorded twice keeps its latest record. Empty when the store kept no network."""
    folder = Path(folder)
    _require_store(folder)
    parts = _read_rows(folder, "network", run_ids, weeks)
    if not parts:
        return pd.DataFrame({"run_id": pd.Series(dtype=object), "week": pd.Series(dtype="int64")})
    return pd.concat(parts, ignore_index=True)


def load_run(folder: str | Path, run_id: str) -> tuple[dict[str, Any] | None, pd.DataFrame,
                                                        dict[str, Any] | None]:
    """One run of a results folder: its runs-table row (None if not stored), its stored weekly
    rows (run_id dropped, by week) and the index entry of the chunk that holds it."""
    folder = Path(folder)
    _require_store(folder)
    holding = [e for e in (chunks.read_index(folder, n) for n in chunks.index_numbers(folder))
               if run_id in e.runs]
    if not holding:
        return None, pd.DataFrame(), None
    chunk = holding[-1]
    runs = chunks.read_runs(folder, chunk)
    parts = _read_rows(folder, "weekly", [run_id], None)
    weekly = (pd.concat(parts, ignore_index=True).drop(columns="run_id")
              .sort_values("week", kind="stable").reset_index(drop=True)
              if parts else pd.DataFrame())
    entry = json.loads(chunks.chunk_file(folder, "index", chunk.number).read_text(
        encoding="utf-8"))
    return runs[runs["run_id"] == run_id].iloc[-1].to_dict(), weekly, entry


def committed_status(folder: str | Path) -> dict[str, str]:
    """Run id -> status over the committed chunks (a later chunk wins); a damaged file raises
    `StoreDamaged`."""
    good, damage = chunks.committed(Path(folder))
    if damage:
        raise damage[0].error(more=len(damage) - 1)
    states: dict[str, str] = {}
    for chunk in good:
        states.update(zip(chunk.runs, chunk.states, strict=True))
    return states


def status(folder: str | Path, *, list_damage: bool = False) -> StoreStatus:
    """What a results folder holds: planned, done and failed runs, crash leftovers. A damaged
    file raises `StoreDamaged`, or with `list_damage` is listed in ``damage`` (for the
    `alignsim runs` report, where a person looks when something is wrong)."""
    from experiments.design import n_runs

    folder = Path(folder)
    _require_store(folder)
    spec = stored_spec(folder)
    good, damage = chunks.committed(folder)
    states: dict[str, str] = {}
    for chunk in good:
        states.update(zip(chunk.runs, chunk.states, strict=True))
    values = list(states.values())
    try:
        manifest = read_manifest(folder) or {}
    except StoreDamaged as err:
        manifest = {}
        damage.append(Damage.of(err, None))
    if damage and not list_damage:
        raise damage[0].error(more=len(damage) - 1)
    return StoreStatus(folder=folder, name=spec.name, planned=n_runs(spec),
                       done=values.count(DONE), failed=values.count(FAILED),
                       chunks=len(good), leftovers=len(chunks.leftovers(folder)),
                       sessions=manifest.get("sessions", []), damage=damage)


@dataclass
class Repair:
    moved_to: Path | None
    damage: list[Damage]
    removed: int
    """Leftovers of interrupted writes removed."""


def repair(folder: str | Path) -> Repair:
    """Move every damaged chunk (and a damaged manifest) into ``damaged/<time>/`` and remove
    the leftovers of interrupted writes, so the rest of the store reads again and the next
    sweep runs the moved runs again. Reads every file whole; takes the folder's lock."""
    folder = Path(folder)
    _require_store(folder)
    stored_spec(folder)  # a store without its experiment file cannot be repaired here
    lock = FolderLock(folder)
    try:
        lock.acquire(LOCK_WAIT_S, f"{folder}: a sweep is writing this folder; repair it when "
                                  "the sweep has ended")
        removed = 0
        for path in chunks.leftovers(folder):
            path.unlink()
            removed += 1
        _, damage = chunks.committed(folder, deep=True)
        try:
            manifest = read_manifest(folder)
        except StoreDamaged as err:
            damage.append(Damage.of(err, None))
            manifest = None
        moved_to = chunks.move_aside(folder, damage)
        if moved_to is not None:
            manifest = manifest or {**_new_manifest(stored_spec(folder)), "started": None}
            manifest.setdefault("repairs", []).append(
                {"when": _now(), "moved_to": str(moved_to),
                 "files": chunks.jsonable(damage, folder)})
            files.write_json(folder / "manifest.json", manifest)
    except OSError as err:
        raise UsageError(f"{folder}: cannot repair ({files.os_problem(err)})") from None
    finally:
        lock.release()
    return Repair(moved_to=moved_to, damage=damage, removed=removed)


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest, or None if there is none yet; a damaged one raises `StoreDamaged`."""
    path = folder / "manifest.json"
    if not path.exists():
        return None
    remedy = (f"`alignsim runs {folder} --repair` keeps it aside and starts a new one (the "
              "runs are not affected)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise StoreDamaged(path, getattr(err, "strerror", None) or str(err), remedy) from None
    except json.JSONDecodeError as err:
        raise StoreDamaged(path, f"not valid JSON: {err.msg} at line {err.lineno}",
                           remedy) from None
    if not isinstance(data, dict) or not isinstance(data.get("sessions"), list):
        raise StoreDamaged(path, "not a manifest (no list of sessions)", remedy)
    return data


def _open_failed(folder: Path, err: OSError) -> Exception:
    """The machine refused a write while a sweep opened its folder."""
    if err.errno in files.REFUSED:
        return UsageError(f"--out {folder}: cannot write there ({files.os_problem(err)}); "
                          "choose another --out")
    return SweepAborted(f"cannot open the results folder {folder} ({files.os_problem(err)}); "
                        "nothing was run; rerun the same command when this is fixed")


def _new_manifest(spec: ExperimentSpec) -> dict[str, Any]:
    from sim.provenance import versions

    found = dict(versions())
    for name in _EXTRA_VERSIONS:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    from experiments.design import n_runs

    commit, dirty = _git_state()
    return {
        "experiment": spec.name,
        "spec_fingerprint": spec.fingerprint(),
        "design": {"kind": spec.design, "varied": list(spec.varied), "samples": spec.samples,
                   "second_order": spec.second_order, "replicates": spec.replicates,
                   "runs_planned": n_runs(spec), "base_seed": spec.seed},
        "alignsim": found.get("alignsim", "unknown"),
        "versions": found,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "git_commit": commit,
        "git_dirty": dirty,
        "started": _now(),
        "ended": None,
        "sessions": [],
    }


def _git_state() -> tuple[str | None, bool | None]:
    """Commit of the alignsim checkout this code runs from, when it is a git work tree."""
    root = Path(__file__).resolve().parent.parent
    if shutil.which("git") is None or not (root / ".git").exists():
        return None, None
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                              text=True, timeout=10, check=True).stdout.strip()
        porcelain = subprocess.run(["git", "-C", str(root), "status", "--porcelain",
                                    "--untracked-files=no"], capture_output=True, text=True,
                                   timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None, None
    return head, bool(porcelain.strip())
