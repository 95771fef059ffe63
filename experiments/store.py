"""The results store: one folder per experiment, written only by the coordinating process.

Layout::

    <folder>/spec.toml            the experiment file, verbatim
    <folder>/manifest.json        versions, platform, git commit, one entry per sweep session
    <folder>/runs/chunk-NNNNNN.parquet    runs table rows (one per run)
    <folder>/weekly/chunk-NNNNNN.parquet  weekly table rows (run_id, week, metrics)
    <folder>/network/chunk-NNNNNN.parquet network table rows (run_id, week, one row per tie)
    <folder>/index/chunk-NNNNNN.json      the chunk's run ids: written last, it is the commit

Each file is written under a temporary dot-name, synced and renamed, so a chunk is either wholly
in the store (its index exists) or not at all. Opening a store removes what a crash left behind
(temporary files and data files without an index) and reports which runs are finished, so a
rerun skips them. A lock file keeps two sweeps from writing one folder at once.
"""

from __future__ import annotations

import json
import platform
import re
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

from experiments import files
from experiments.errors import UsageError
from experiments.spec import ExperimentSpec, parse_spec

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; one sweep per folder is then up to the user
    fcntl = None  # type: ignore[assignment]

RUN_KEYS = ("run_id", "arm", "replicate", "seed")
"""First columns of the runs table; varied parameters and summary metrics follow, then TAIL."""
RUN_TAIL = ("status", "error", "duration_s")
DONE, FAILED = "done", "failed"

TABLES = ("runs", "weekly", "network")
"""The tables of a store, one folder of chunks each."""
_CHUNK_RE = re.compile(r"^chunk-(\d{6})\.(parquet|json)$")
_EXTRA_VERSIONS = ("pyarrow", "SALib", "dask", "distributed")
LOCK_WAIT_S = 10.0
"""How long to wait for a folder's lock: a killed sweep's workers hold it until they exit."""


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

    @property
    def remaining(self) -> int:
        return max(self.planned - self.done - self.failed, 0)


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
        self._lock_file: Any = None
        self._next_chunk = 1
        self._status: dict[str, str] = {}
        self._session: dict[str, Any] = {}

    # -- opening -------------------------------------------------------------------------------
    def _open(self, engine: str, fresh: bool) -> None:
        folder = self.folder
        if folder.exists() and not folder.is_dir():
            raise UsageError(f"--out {folder}: exists and is not a folder")
        if fresh and folder.exists() and any(folder.iterdir()):
            moved = folder.with_name(f"{folder.name}.replaced-{datetime.now():%Y%m%d-%H%M%S}")
            folder.rename(moved)  # results are add-only: the old store is kept beside
            print(f"--fresh: moved the earlier results to {moved}", file=sys.stderr)
        existing = folder / "spec.toml"
        if existing.exists():
            old = parse_spec(existing.read_text(encoding="utf-8"), source=str(existing))
            if old.fingerprint() != self.spec.fingerprint():
                raise UsageError(
                    f"--out {folder}: holds results of a different experiment ({old.name!r}, "
                    f"its spec.toml differs from {self.spec.source}); use --fresh to start over "
                    "(the old results are kept beside) or --out to choose another folder")
        for sub in (*TABLES, "index"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        self._lock()
        self.cleanup()
        if not existing.exists():
            files.write_atomic(existing, lambda f: f.write(self.spec.text.encode()))
        self._status = committed_status(folder)
        numbers = [int(m.group(1)) for p in (folder / "index").iterdir()
                   if (m := _CHUNK_RE.match(p.name))]
        self._next_chunk = max(numbers, default=0) + 1
        commit, dirty = _git_state()
        self._session = {"started": _now(), "ended": None, "engine": engine,
                         "git_commit": commit, "git_dirty": dirty}
        manifest = read_manifest(folder) or _new_manifest(self.spec)
        first = manifest.get("git_commit")
        if self._status and commit and first and commit != first:
            print(f"alignsim: warning: {folder} was started with code at commit {first[:10]}, "
                  f"this session runs {commit[:10]}; its tables will mix results of both "
                  "(use --fresh to start over)", file=sys.stderr)
        manifest["sessions"].append(self._session)
        files.write_json(folder / "manifest.json", manifest)

    def _lock(self) -> None:
        if fcntl is None:
            return
        self._lock_file = open(self.folder / ".lock", "w")  # noqa: SIM115 - held until close
        deadline = time.monotonic() + LOCK_WAIT_S
        while True:
            try:
                fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    self._lock_file.close()
                    self._lock_file = None
                    raise UsageError(f"--out {self.folder}: another sweep is writing this "
                                     "folder; wait for it or choose another --out") from None
                time.sleep(0.2)

    def cleanup(self) -> int:
        """Remove temporary files and data chunks without an index; return how many."""
        removed = 0
        for path in leftovers(self.folder):
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
        if not self._rows:
            return
        number = self._next_chunk
        name = f"chunk-{number:06d}"
        runs = pd.DataFrame(self._rows)
        first = [*RUN_KEYS, *self.spec.varied]
        middle = [c for c in runs.columns if c not in first and c not in RUN_TAIL]
        runs = runs[[*first, *middle, *RUN_TAIL]]
        files.write_atomic(self.folder / "runs" / f"{name}.parquet",
                      lambda f: pq.write_table(pa.Table.from_pandas(runs, preserve_index=False),
                                               f))
        for sub, parts in (("weekly", self._weekly), ("network", self._network)):
            if parts:
                table = pa.Table.from_pandas(pd.concat(parts, ignore_index=True),
                                             preserve_index=False)
                files.write_atomic(self.folder / sub / f"{name}.parquet",
                                   lambda f, table=table: pq.write_table(table, f))
        ids = [str(r["run_id"]) for r in self._rows]
        self._before_commit(number)
        files.write_json(self.folder / "index" / f"{name}.json", {
            "chunk": number, "runs": ids, "weekly": bool(self._weekly),
            "network": bool(self._network), "written": _now(),
        })
        self._status.update({str(r["run_id"]): str(r["status"]) for r in self._rows})
        self._next_chunk += 1
        self._rows, self._weekly, self._network, self._weekly_rows = [], [], [], 0

    def _before_commit(self, chunk: int) -> None:
        """Between the data files and the index: where a crash leaves uncommitted data."""

    def close(self, summary: dict[str, Any] | None = None) -> None:
        """Commit what is buffered and record the session's end in the manifest."""
        try:
            self.flush()
            manifest = read_manifest(self.folder) or _new_manifest(self.spec)
            self._session.update({"ended": _now(), **(summary or {})})
            manifest["sessions"][-1] = self._session
            manifest["ended"] = self._session["ended"]
            files.write_json(self.folder / "manifest.json", manifest)
        finally:
            if self._lock_file is not None:
                self._lock_file.close()
                self._lock_file = None


def open_store(folder: str | Path, spec: ExperimentSpec, *, engine: str = "", fresh: bool = False,
               **options: Any) -> ResultsStore:
    """Create or reopen the store of `spec` in `folder`: refuses a folder of another experiment,
    cleans a crash's leftovers, and knows which runs are finished."""
    store = ResultsStore(Path(folder), spec, **options)
    store._open(engine, fresh)
    return store


def leftovers(folder: Path) -> list[Path]:
    """Temporary files, and data chunks whose index (the commit) was never written."""
    committed = {m.group(1) for p in _listdir(folder / "index")
                 if (m := _CHUNK_RE.match(p.name)) and m.group(2) == "json"}
    found = [p for p in _listdir(folder) if p.name.endswith(".tmp")]
    for sub in (*TABLES, "index"):
        for p in _listdir(folder / sub):
            m = _CHUNK_RE.match(p.name)
            if p.name.startswith(".") or (m and m.group(1) not in committed):
                found.append(p)
    return found


def _listdir(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.is_dir() else []


def _indexes(folder: Path) -> list[dict[str, Any]]:
    result = []
    for p in _listdir(folder / "index"):
        if _CHUNK_RE.match(p.name) and p.suffix == ".json":
            result.append(json.loads(p.read_text(encoding="utf-8")))
    return sorted(result, key=lambda d: d["chunk"])


def committed_status(folder: Path) -> dict[str, str]:
    """Run id -> status over committed chunks (a later chunk wins)."""
    status: dict[str, str] = {}
    for entry in _indexes(folder):
        runs = pq.read_table(folder / "runs" / f"chunk-{entry['chunk']:06d}.parquet",
                             columns=["run_id", "status"]).to_pydict()
        status.update(zip(runs["run_id"], runs["status"], strict=True))
    return status


def load(folder: str | Path, *, weekly: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The runs table and the weekly table of a results folder, committed chunks only.

    Rows are sorted by run id (and week); a run recorded twice (a failed run retried) keeps its
    latest record. ``weekly=False`` skips reading the weekly table (it comes back empty).
    """
    folder = Path(folder)
    if not (folder / "spec.toml").exists():
        raise UsageError(f"{folder}: not a results folder (no spec.toml)")
    entries = _indexes(folder)
    run_parts, weekly_parts = [], []
    for entry in entries:
        name = f"chunk-{entry['chunk']:06d}.parquet"
        run_parts.append(pq.read_table(folder / "runs" / name).to_pandas())
        if entry.get("weekly") and weekly:
            weekly_parts.append(pq.read_table(folder / "weekly" / name).to_pandas())
    if run_parts:
        runs = pd.concat(run_parts, ignore_index=True)
        retried = runs["run_id"].duplicated(keep="last")
        if retried.any():
            # A retried run keeps its latest record, here and in the weekly table below.
            latest = {rid: e["chunk"] for e in entries for rid in e["runs"]}
            runs = runs[~retried]
            weekly_parts = [
                part[part["run_id"].map(latest).to_numpy() == entry["chunk"]]
                for entry, part in zip([e for e in entries if e.get("weekly") and weekly],
                                       weekly_parts, strict=True)
            ]
        tail = [c for c in runs.columns if c in RUN_TAIL]
        runs = runs[[c for c in runs.columns if c not in RUN_TAIL] + tail]
    else:
        runs = pd.DataFrame({c: pd.Series(dtype=object) for c in (*RUN_KEYS, *RUN_TAIL)})
    runs = runs.sort_values("run_id", kind="stable").reset_index(drop=True)
    if weekly_parts:
        table = pd.concat(weekly_parts, ignore_index=True)
        table = table.sort_values(["run_id", "week"], kind="stable").reset_index(drop=True)
    else:
        table = pd.DataFrame({"run_id": pd.Series(dtype=object),
                              "week": pd.Series(dtype="int64")})
    return runs, table


def _read_rows(folder: Path, table: str, run_ids: Sequence[str] | None,
               weeks: Sequence[int] | None) -> list[pd.DataFrame]:
    """Committed rows of `table` ("weekly" or "network") for the given runs and weeks, reading
    only what matches; a run recorded twice keeps its latest record."""
    entries = _indexes(folder)
    latest = {rid: e["chunk"] for e in entries for rid in e["runs"]}
    wanted = None if run_ids is None else set(map(str, run_ids))
    parts = []
    for entry in entries:
        if not entry.get(table):
            continue
        ids = [r for r in entry["runs"] if latest.get(r) == entry["chunk"]
               and (wanted is None or r in wanted)]
        if not ids:
            continue
        filters: list[Any] = [("run_id", "in", ids)]
        if weeks is not None:
            filters.append(("week", "in", list(map(int, weeks))))
        parts.append(pq.read_table(folder / table / f"chunk-{entry['chunk']:06d}.parquet",
                                   filters=filters).to_pandas())
    return parts


def load_network(folder: str | Path, run_ids: Sequence[str] | None = None,
                 weeks: Sequence[int] | None = None) -> pd.DataFrame:
    """The network table of a results folder (committed chunks only): run_id, week and one row
    per tie (`sim.network.edge_table`), for the given runs and weeks (default: all). A run
    recorded twice keeps its latest record. Empty when the store kept no network."""
    folder = Path(folder)
    if not (folder / "spec.toml").exists():
        raise UsageError(f"{folder}: not a results folder (no spec.toml)")
    parts = _read_rows(folder, "network", run_ids, weeks)
    if not parts:
        return pd.DataFrame({"run_id": pd.Series(dtype=object), "week": pd.Series(dtype="int64")})
    return pd.concat(parts, ignore_index=True)


def load_run(folder: str | Path, run_id: str) -> tuple[dict[str, Any] | None, pd.DataFrame,
                                                        dict[str, Any] | None]:
    """One run of a results folder: its runs-table row (None if not stored), its stored weekly
    rows (run_id dropped, by week) and the index entry of the chunk that holds it."""
    folder = Path(folder)
    entries = [e for e in _indexes(folder) if run_id in e["runs"]]
    if not entries:
        return None, pd.DataFrame(), None
    entry = entries[-1]
    runs = pq.read_table(folder / "runs" / f"chunk-{entry['chunk']:06d}.parquet",
                         filters=[("run_id", "=", run_id)]).to_pandas()
    parts = _read_rows(folder, "weekly", [run_id], None)
    weekly = (pd.concat(parts, ignore_index=True).drop(columns="run_id")
              .sort_values("week", kind="stable").reset_index(drop=True)
              if parts else pd.DataFrame())
    return runs.iloc[-1].to_dict(), weekly, entry


def status(folder: str | Path) -> StoreStatus:
    """What a results folder holds: planned, done and failed runs, and crash leftovers."""
    from experiments.design import n_runs

    folder = Path(folder)
    spec_path = folder / "spec.toml"
    if not spec_path.exists():
        raise UsageError(f"{folder}: not a results folder (no spec.toml)")
    spec = parse_spec(spec_path.read_text(encoding="utf-8"), source=str(spec_path))
    states = committed_status(folder)
    values = list(states.values())
    manifest = read_manifest(folder) or {}
    return StoreStatus(folder=folder, name=spec.name, planned=n_runs(spec),
                       done=values.count(DONE), failed=values.count(FAILED),
                       chunks=len(_indexes(folder)), leftovers=len(leftovers(folder)),
                       sessions=manifest.get("sessions", []))


def read_manifest(folder: Path) -> dict[str, Any] | None:
    path = folder / "manifest.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


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
