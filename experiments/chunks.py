"""The chunks of a results store, read defensively, and moved aside when damaged.

Chunk N is up to three files: ``runs/chunk-N.parquet`` (one row per run),
``weekly/chunk-N.parquet`` (when its runs kept weekly data), ``network/chunk-N.parquet`` (when
they kept their network at chosen weeks) and ``index/chunk-N.json`` (the run
ids, written last: the commit). A file a full disk truncated, a copy mangled or a person edited
is named here with what is wrong (a `StoreDamaged`), so no reader meets a pyarrow or JSON error,
and `move_aside` takes a damaged chunk out of the store whole (into ``damaged/<time>/``), so the
rest stays readable, by DuckDB too, and the next sweep runs that chunk's runs again. Nothing is
ever deleted here except the temporary files of an interrupted write.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from experiments.errors import StoreDamaged

SUBFOLDERS = ("runs", "weekly", "network", "index")
TABLES = ("weekly", "network")
"""The per-week tables a chunk may hold beside its runs table."""
DAMAGED = "damaged"
CHUNK_RE = re.compile(r"^chunk-(\d{6})\.(parquet|json)$")
_TMP_RE = re.compile(r"^\.chunk-\d{6}\.(parquet|json)\.tmp$")
TOP_TEMPORARY = (".spec.toml.tmp", ".manifest.json.tmp")
_READ_ERRORS = (pa.ArrowException, OSError, ValueError, KeyError, TypeError)
"""What pyarrow raises on a file that is not (or no longer) Parquet."""


@dataclass(frozen=True)
class Chunk:
    number: int
    runs: tuple[str, ...]
    """Run ids, as the index lists them and the runs file holds them."""
    weekly: bool
    network: bool = False
    states: tuple[str, ...] = ()
    """Each run's status, from the runs file (when read)."""


@dataclass(frozen=True)
class Damage:
    path: Path
    problem: str
    chunk: int | None
    """The chunk the file belongs to (None: a file of the whole store, the manifest)."""
    remedy: str

    @classmethod
    def of(cls, err: StoreDamaged, chunk: int | None) -> Damage:
        return cls(Path(str(err.path)), err.problem, chunk, err.remedy)

    def error(self, more: int = 0) -> StoreDamaged:
        """As one error, saying how many other files are damaged too."""
        also = f" ({more} more damaged file(s) are listed by `alignsim runs`)" if more else ""
        return StoreDamaged(self.path, self.problem, self.remedy + also)


def chunk_file(folder: Path, sub: str, number: int) -> Path:
    return folder / sub / f"chunk-{number:06d}.{'json' if sub == 'index' else 'parquet'}"


def repair_hint(folder: Path) -> str:
    return (f"`alignsim runs {folder} --repair` moves its chunk aside and the next sweep runs "
            "its runs again")


def index_numbers(folder: Path) -> list[int]:
    """Numbers of the committed chunks (those with an index file), in order."""
    return sorted(int(m.group(1)) for p in _listdir(folder / "index")
                  if (m := CHUNK_RE.match(p.name)) and m.group(2) == "json")


def read_index(folder: Path, number: int) -> Chunk:
    path = chunk_file(folder, "index", number)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise _damaged(folder, path, _problem(err)) from None
    except json.JSONDecodeError as err:
        raise _damaged(folder, path, f"not valid JSON: {err.msg} at line {err.lineno}") from None
    if not isinstance(data, dict):
        raise _damaged(folder, path, "not a JSON object")
    runs, weekly = data.get("runs"), data.get("weekly", False)
    network = data.get("network", False)
    if data.get("chunk") != number:
        raise _damaged(folder, path, f"names chunk {data.get('chunk')!r}, not {number}")
    if (not isinstance(runs, list) or not runs
            or not all(isinstance(r, str) for r in runs)):
        raise _damaged(folder, path, "'runs' is not a list of run ids")
    if not isinstance(weekly, bool):
        raise _damaged(folder, path, "'weekly' is not true or false")
    if not isinstance(network, bool):
        raise _damaged(folder, path, "'network' is not true or false")
    return Chunk(number=number, runs=tuple(runs), weekly=weekly, network=network)


def read_runs(folder: Path, chunk: Chunk, columns: list[str] | None = None) -> pd.DataFrame:
    """The chunk's runs table (or some of its columns), checked against its index."""
    path = chunk_file(folder, "runs", chunk.number)
    wanted = None if columns is None else list(dict.fromkeys(["run_id", *columns]))
    try:
        table = pq.read_table(path, columns=wanted).to_pandas()
    except _READ_ERRORS as err:
        raise _damaged(folder, path, _problem(err)) from None
    if not {"run_id", "status"} <= set(table.columns):
        raise _damaged(folder, path, "no run_id or status column")
    if tuple(table["run_id"]) != chunk.runs:
        raise _damaged(folder, path, f"holds other runs than its index "
                                     f"{chunk_file(folder, 'index', chunk.number).name} lists")
    return table


def read_weekly(folder: Path, chunk: Chunk) -> pd.DataFrame:
    return read_table(folder, "weekly", chunk)


def read_table(folder: Path, table: str, chunk: Chunk, filters: list[Any] | None = None
               ) -> pd.DataFrame:
    """The chunk's weekly or network table (rows matching pyarrow `filters`), checked against
    its index."""
    path = chunk_file(folder, table, chunk.number)
    try:
        frame = pq.read_table(path, filters=filters).to_pandas()
    except _READ_ERRORS as err:
        raise _damaged(folder, path, _problem(err)) from None
    if "run_id" not in frame or not set(frame["run_id"]) <= set(chunk.runs):
        raise _damaged(folder, path, "holds runs its index does not list")
    return frame


def check_chunk(folder: Path, number: int, *, deep: bool) -> Chunk:
    """Read chunk `number` enough to trust it: its index, its runs' ids and status, and the
    footer of its weekly file (`deep`: every file whole)."""
    chunk = read_index(folder, number)
    runs = read_runs(folder, chunk, None if deep else ["status"])
    for table in TABLES:
        if not getattr(chunk, table):
            continue
        if deep:
            read_table(folder, table, chunk)
        else:
            path = chunk_file(folder, table, number)
            try:
                pq.read_metadata(path)
            except _READ_ERRORS as err:
                raise _damaged(folder, path, _problem(err)) from None
    return Chunk(chunk.number, chunk.runs, chunk.weekly, chunk.network,
                 tuple(map(str, runs["status"])))


def committed(folder: Path, *, deep: bool = False) -> tuple[list[Chunk], list[Damage]]:
    """The readable committed chunks, and what is wrong with the others."""
    good, bad = [], []
    for number in index_numbers(folder):
        try:
            good.append(check_chunk(folder, number, deep=deep))
        except StoreDamaged as err:
            bad.append(Damage.of(err, number))
    return good, bad


def leftovers(folder: Path) -> list[Path]:
    """Temporary files of interrupted writes, and data chunks whose index (the commit) was never
    written: only files of the store's own names, never anything else in the folder."""
    found = [p for p in _listdir(folder) if p.name in TOP_TEMPORARY]
    committed_numbers = set(index_numbers(folder))
    for sub in SUBFOLDERS:
        for p in _listdir(folder / sub):
            m = CHUNK_RE.match(p.name)
            if _TMP_RE.match(p.name) or (m and sub != "index"
                                         and int(m.group(1)) not in committed_numbers):
                found.append(p)
    return found


def chunk_files(folder: Path) -> bool:
    """Whether the folder holds any chunk file (committed or not)."""
    return any(CHUNK_RE.match(p.name) for sub in SUBFOLDERS for p in _listdir(folder / sub))


def move_aside(folder: Path, damage: list[Damage]) -> Path | None:
    """Move the files of every damaged chunk (all of its files, so none is left without its
    index to be deleted as a leftover) and any damaged store file into
    ``damaged/<time>/``; return that folder (None if nothing was damaged)."""
    if not damage:
        return None
    target = unique_path(folder / DAMAGED / f"{datetime.now():%Y%m%d-%H%M%S}")
    for item in damage:
        if item.chunk is None:
            paths = [item.path]
        else:
            paths = [chunk_file(folder, sub, item.chunk) for sub in SUBFOLDERS]
        for path in paths:
            if path.exists():
                dest = target / path.relative_to(folder)
                dest.parent.mkdir(parents=True, exist_ok=True)
                path.rename(dest)
    return target


def unique_path(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}-{n}")
    return candidate


def _damaged(folder: Path, path: Path, problem: str) -> StoreDamaged:
    return StoreDamaged(path, problem, repair_hint(folder))


def _problem(err: BaseException) -> str:
    if isinstance(err, FileNotFoundError):
        return "missing, though its index commits it"
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    lines = str(err).strip().splitlines()
    if not lines:
        return type(err).__name__
    # pyarrow repeats the path and adds a sentence of guesses: the file is named already.
    text = re.sub(r"^Could not open Parquet input source '[^']*': ", "", lines[0])
    text = text.split(". Either the file is corrupted")[0].rstrip(".")
    return f"{type(err).__name__}: {text}"


def _listdir(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.is_dir() else []


def jsonable(damage: list[Damage], folder: Path) -> list[dict[str, Any]]:
    """What was moved aside, for the manifest."""
    return [{"file": str(d.path.relative_to(folder)), "problem": d.problem, "chunk": d.chunk}
            for d in damage]
