"""Every way issue 13 found to break the command line and the results store, tried again, and the
table docs/experiments.md quotes ("When things go wrong"). From the repository root:

    .venv/bin/python -m tests.experiments.hardening_cases            # the table
    .venv/bin/python -m tests.experiments.hardening_cases --verbose  # and every command

A case is one situation (a bad file, a damaged store file, a full disk, a sweep already
running, ...) and the commands a user types in it, each with what it must do: stop with exactly
one line on stderr and the documented exit code (2: bad input or a damaged file, 1: what the
machine refused), or work. Runs lost counts, after the case's last command, the runs of the
reference sweep that the store no longer holds, or holds with other numbers. Commands run in
this process (`experiments.cli.main`) unless they must be separate processes (kill -9, closed
pipes, a second sweep at once). The full-disk cases need root (a small tmpfs); elsewhere they
are skipped and the table says so. tests/experiments/test_hardening.py runs all of it.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SPEC = """name = "tiny"
preset = "undefined"
weeks = 12
replicates = 3
seed = 5

[overrides]
org.n_reps = 5
org.n_marketers = 2
burn_in_weeks = 2

[factors]
governance.cadence_weeks = [2, 4]
"""
"""Six short runs of the real model: two arms, three replicates, chunks of two runs."""


@dataclass
class Result:
    code: int
    out: str
    err: str
    traceback: bool


@dataclass
class Tally:
    commands: int = 0
    clean: int = 0
    tracebacks: int = 0
    lost: int = 0
    skipped: str = ""
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)


class Skip(Exception):
    """The case cannot be tried on this machine (the message says why)."""


class TimedOut(BaseException):
    """A command ran past the case's time limit (`--case-seconds`): on code that does not
    refuse a bad input, it may be running a million runs."""


class Lab:
    """A fresh folder for one case, the reference store, and commands that keep the score."""

    def __init__(self, work: Path, reference: Path, verbose: bool) -> None:
        self.work = work
        self.reference = reference
        self.verbose = verbose
        self.tally = Tally()

    # -- things a case needs -------------------------------------------------------------------
    def file(self, name: str, content: str | bytes) -> Path:
        path = self.work / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def spec(self) -> Path:
        return self.file("tiny.toml", SPEC)

    def store(self, name: str = "store") -> Path:
        """A copy of the reference store: six runs in three chunks."""
        folder = self.work / name
        shutil.copytree(self.reference, folder)
        return folder

    def snapshot(self) -> dict[str, tuple[int, int]]:
        return {str(p.relative_to(self.work)): (p.stat().st_size, p.stat().st_mtime_ns)
                for p in sorted(self.work.rglob("*")) if p.is_file()}

    # -- commands --------------------------------------------------------------------------------
    def cli(self, *argv: str | Path, expect: int, says: str = "", untouched: bool = False,
            one_line: bool = True) -> Result:
        """`alignsim ARGV` in this process, in the case's folder; `expect` 0 means it works,
        1 or 2 that it stops with one line holding `says` (`one_line` False: a sweep that
        reports as it goes); `untouched`: nothing in the folder changes."""
        args = [str(a) for a in argv]
        before = self.snapshot() if untouched else None
        out, err = io.StringIO(), io.StringIO()
        caught = False
        from experiments.cli import main

        with contextlib.chdir(self.work), contextlib.redirect_stdout(out), \
                contextlib.redirect_stderr(err):
            try:
                code = main(args)
            except SystemExit as stop:  # argparse
                code = stop.code if isinstance(stop.code, int) else 2
            except TimedOut:
                self.tally.commands += 1
                self.tally.problems.append(f"alignsim {' '.join(args)}: still running after "
                                           "the time limit")
                raise
            except BaseException:  # what the command line must never let out
                caught = True
                code = -1
                traceback.print_exc(file=err)
        result = Result(int(code), out.getvalue(), err.getvalue(), caught)
        changed = before is not None and self.snapshot() != before
        self.judge(args, result, expect, says, changed, one_line)
        return result

    def process(self, argv: list[str], *, expect: int, says: str = "", **kw: object) -> Result:
        """A command in a process of its own (from the repository root)."""
        kw = {"stdout": subprocess.PIPE, **kw}
        done = subprocess.run(argv, cwd=ROOT, stderr=subprocess.PIPE, text=True, timeout=300,
                              **kw)  # type: ignore[call-overload]
        result = Result(done.returncode, done.stdout or "", done.stderr, False)
        self.judge([Path(argv[0]).name, *argv[1:]], result, expect, says, False, True)
        return result

    def judge(self, args: list[str], result: Result, expect: int, says: str,
              changed: bool, one_line: bool) -> None:
        self.tally.commands += 1
        traced = result.traceback or "Traceback (most recent call last)" in result.err
        lines = result.err.strip().splitlines()
        problem = ""
        if traced:
            self.tally.tracebacks += 1
            problem = "traceback"
        elif result.code != expect:
            problem = f"exit code {result.code}, expected {expect}"
        elif expect in (1, 2) and one_line and len(lines) != 1:
            problem = f"{len(lines)} lines on stderr, expected one"
        elif says and says not in result.err:
            problem = f"the message does not say {says!r}"
        elif changed:
            problem = "files changed"
        if problem:
            tail = lines[-1] if lines else ""
            self.tally.problems.append(f"alignsim {' '.join(args)}: {problem}: {tail}")
        else:
            self.tally.clean += 1
        if self.verbose:
            shown = lines[-1] if lines else "(nothing on stderr)"
            print(f"    {'ok ' if not problem else 'BAD'} [{result.code}] alignsim "
                  f"{' '.join(args)[:90]}\n          {shown[:160]}")

    def check(self, ok: bool, what: str) -> None:
        """A fact a case relies on (not a command): a failure is a problem of the case."""
        if not ok:
            self.tally.problems.append(what)

    def lose(self, folder: Path, *, done_only: bool = False) -> None:
        """Count the reference's runs `folder` lacks or holds with other numbers."""
        from experiments.store import load

        ref_runs, ref_weekly = load(self.reference)
        try:
            runs, weekly = load(folder)
        except Exception as err:  # an unreadable store loses everything it held
            self.tally.problems.append(f"{folder.name} unreadable: {err}")
            self.tally.lost += len(ref_runs)
            return
        if done_only:  # the case changed the numbers on purpose: count runs not stored at all
            self.tally.lost += len(set(ref_runs["run_id"]) - set(runs["run_id"]))
            return
        mine = runs.set_index("run_id").drop(columns="duration_s")
        for run_id, row in ref_runs.set_index("run_id").drop(columns="duration_s").iterrows():
            same = run_id in mine.index and row.equals(mine.loc[run_id])
            if same:
                a = ref_weekly[ref_weekly["run_id"] == run_id].reset_index(drop=True)
                b = weekly[weekly["run_id"] == run_id].reset_index(drop=True)
                same = a.equals(b)
            self.tally.lost += not same


Case = tuple[str, str, Callable[[Lab], None]]
"""(table row, name, what it does)."""
CASES: list[Case] = []


def case(row: str, name: str) -> Callable[[Callable[[Lab], None]], Callable[[Lab], None]]:
    def register(play: Callable[[Lab], None]) -> Callable[[Lab], None]:
        CASES.append((row, name, play))
        return play

    return register


# -- bad experiment files ------------------------------------------------------------------------
FILES = "bad experiment files (sweep)"
BAD_FILES: dict[str, tuple[str | bytes, str]] = {
    "unknown top-level key": (SPEC + 'colour = "red"\n', "colour"),
    "name with a space": (SPEC.replace('"tiny"', '"ti ny"'), "name"),
    "unknown preset": (SPEC.replace('"undefined"', '"anarchy"'), "anarchy"),
    "weeks 0": (SPEC.replace("weeks = 12", "weeks = 0"), "weeks"),
    "weeks as text": (SPEC.replace("weeks = 12", 'weeks = "ten"'), "weeks"),
    "replicates 0": (SPEC.replace("replicates = 3", "replicates = 0"), "replicates"),
    "replicates ten million": (SPEC.replace("replicates = 3", "replicates = 10000000"),
                               "replicates"),
    "seed -1": (SPEC.replace("seed = 5", "seed = -1"), "seed"),
    "unknown parameter": (SPEC.replace("org.n_reps = 5", "org.n_repz = 5"), "n_repz"),
    "value out of range": (SPEC.replace("org.n_reps = 5", "org.n_reps = 0"), "n_reps"),
    "float for an integer": (SPEC.replace("org.n_reps = 5", "org.n_reps = 5.5"), "n_reps"),
    "weeks in overrides": (SPEC.replace("burn_in_weeks = 2", "burn_in_weeks = 2\nweeks = 9"),
                           "weeks"),
    "override dotted and quoted (item 2)": (
        SPEC.replace("burn_in_weeks = 2", 'burn_in_weeks = 2\n"org.n_reps" = 6'),
        "given twice"),
    "factor dotted and quoted (item 2)": (
        SPEC + '"governance.cadence_weeks" = [1, 8]\n', "given twice"),
    "factor not a list": (SPEC.replace("[2, 4]", "4"), "cadence_weeks"),
    "factor with no levels": (SPEC.replace("[2, 4]", "[]"), "cadence_weeks"),
    "factor level twice": (SPEC.replace("[2, 4]", "[2, 2]"), "cadence_weeks"),
    "factor level out of range": (SPEC.replace("[2, 4]", "[2, 60]"), "60"),
    "preset factor with an unknown preset": (SPEC + 'preset = ["joint", "ceo"]\n', "ceo"),
    "unknown design": (SPEC + '[design]\nkind = "random"\n', "design.kind"),
    "sobol samples not a power of 2": (
        SPEC.replace("[2, 4]", "{ min = 1, max = 8 }") + '[design]\nkind = "sobol"\n'
        'samples = 10\n', "power of 2"),
    "lhs without samples": (SPEC.replace("[2, 4]", "{ min = 1, max = 8 }")
                            + '[design]\nkind = "lhs"\n', "samples"),
    "lhs with a list of levels": (SPEC + '[design]\nkind = "lhs"\nsamples = 4\n',
                                  "cadence_weeks"),
    "factorial with a range": (SPEC.replace("[2, 4]", "{ min = 1, max = 8 }"), "range"),
    "unknown weekly metric": (SPEC + '[output]\nweekly_metrics = ["happiness"]\n',
                              "happiness"),
    "every_weeks 0": (SPEC + "[output]\nevery_weeks = 0\n", "every_weeks"),
    "unknown output key": (SPEC + "[output]\nformat = 1\n", "output.format"),
    "planning owner against the structure": (
        SPEC.replace("burn_in_weeks = 2", 'burn_in_weeks = 2\ngovernance.planning_owner = '
                                          '"cro"'), "cro"),
    "not TOML": ("name = tiny\n[factors\n", "not valid TOML"),
    "empty file (item 7)": ("", "sets nothing"),
    "only comments": ("# an experiment, one day\n", "sets nothing"),
    "Latin-1 text (item 4)": ('name = "caf\xe9"\n'.encode("latin-1"), "not UTF-8"),
    "binary file (item 4)": (bytes(range(256)) * 4, "not UTF-8"),
    "UTF-16 text": (SPEC.encode("utf-16"), "not UTF-8"),
}


def _bad_file(text: str | bytes, says: str) -> Callable[[Lab], None]:
    def play(lab: Lab) -> None:
        path = lab.file("bad.toml", text)
        lab.cli("sweep", path, "--out", "out", "--workers", "0", "--quiet", expect=2, says=says,
                untouched=True)

    return play


for _name, (_text, _says) in BAD_FILES.items():
    case(FILES, _name)(_bad_file(_text, _says))


@case(FILES, "missing file")
def _missing_file(lab: Lab) -> None:
    lab.cli("sweep", "nowhere.toml", "--quiet", expect=2, says="cannot be read", untouched=True)


@case(FILES, "a folder for a file")
def _folder_file(lab: Lab) -> None:
    (lab.work / "folder.toml").mkdir()
    lab.cli("sweep", "folder.toml", "--quiet", expect=2, says="cannot be read", untouched=True)


@case(FILES, "byte-order mark (item 7): works")
def _bom(lab: Lab) -> None:
    path = lab.file("bom.toml", b"\xef\xbb\xbf" + SPEC.encode())
    lab.cli("sweep", path, "--out", "out", "--workers", "0", "--quiet", expect=0)
    lab.lose(lab.work / "out")


# -- bad options -----------------------------------------------------------------------------------
OPTIONS = "bad options (every command)"
BAD_OPTIONS: dict[str, tuple[list[str], str]] = {
    "run --seed -1 (item 4)": (["run", "--seed", "-1"], "--seed"),
    "run --seed text": (["run", "--seed", "x"], "--seed"),
    "run --seed 2^64": (["run", "--seed", str(2**64)], "--seed"),
    "run --weeks 0": (["run", "--weeks", "0"], "--weeks"),
    "run --weeks 99999": (["run", "--weeks", "99999"], "weeks"),
    "run --replicates 0": (["run", "--replicates", "0"], "--replicates"),
    "run --replicates 1000000 (item 7)": (["run", "--replicates", "1000000"], "--replicates"),
    "run unknown preset": (["run", "--preset", "anarchy"], "anarchy"),
    "run --set without =": (["run", "--set", "novalue"], "group.field=value"),
    "run --set out of range": (["run", "--set", "governance.cadence_weeks=99"], "[1, 52]"),
    "run --set wrong type": (["run", "--set", "org.n_reps=many"], "many"),
    "run --set unknown group": (["run", "--set", "orgs.n_reps=5"], "orgs"),
    "run --format xls": (["run", "--format", "xls"], "--format"),
    "run unknown option": (["run", "--colour", "red"], "--colour"),
    "compare one preset (item 7)": (["compare", "joint"], "two or more"),
    "compare a preset twice": (["compare", "joint", "joint"], "at most once"),
    "compare unknown preset": (["compare", "joint", "ceo"], "ceo"),
    "compare --replicates 1000000 (item 7)": (["compare", "joint", "aligned", "--replicates",
                                               "1000000"], "--replicates"),
    "compare --seed -5": (["compare", "joint", "aligned", "--seed", "-5"], "--seed"),
    "compare no presets": (["compare"], "required"),
    "presets with an argument": (["presets", "joint"], "unrecognized"),
    "sweep --workers -1": (["sweep", "tiny.toml", "--workers", "-1"], "--workers"),
    "sweep --workers text": (["sweep", "tiny.toml", "--workers", "x"], "--workers"),
    "sweep --workers and --scheduler": (["sweep", "tiny.toml", "--workers", "2",
                                         "--scheduler", "tcp://127.0.0.1:1"], "choose one"),
    "sweep without a file": (["sweep"], "required"),
    "sweep --fresh and --resume": (["sweep", "tiny.toml", "--fresh", "--resume"],
                                   "not allowed with"),
    "runs of a missing folder": (["runs", "nowhere"], "not a results folder"),
    "runs of a file": (["runs", "tiny.toml"], "not a results folder"),
    "runs --errors text": (["runs", "nowhere", "--errors", "x"], "--errors"),
    "report of a missing folder": (["report", "nowhere"], "no such folder"),
    "report of a file": (["report", "tiny.toml"], "not a results folder"),
    "report --network-week text": (["report", "nowhere", "--network-week", "x"],
                                   "--network-week"),
    "app --port 0": (["app", "--port", "0"], "--port"),
    "app --port 70000": (["app", "--port", "70000"], "--port"),
    "app --port text": (["app", "--port", "x"], "--port"),
    "no command": ([], "required"),
    "unknown command": (["simulate"], "invalid choice"),
}


def _bad_option(argv: list[str], says: str) -> Callable[[Lab], None]:
    def play(lab: Lab) -> None:
        lab.spec()
        lab.cli(*argv, expect=2, says=says, untouched=True)

    return play


for _name, (_argv, _says) in BAD_OPTIONS.items():
    case(OPTIONS, _name)(_bad_option(_argv, _says))


@case(OPTIONS, "run --out a file")
def _out_file(lab: Lab) -> None:
    lab.file("taken", "x")
    lab.cli("run", "--weeks", "5", "--out", "taken", "--quiet", expect=2, says="--out",
            untouched=True)


@case(OPTIONS, "run, compare, report --out someone's folder")
def _out_foreign(lab: Lab) -> None:
    (lab.work / "theirs").mkdir()
    lab.file("theirs/notes.txt", "mine")
    store = lab.store()
    for argv in (["run", "--weeks", "5"], ["compare", "joint", "aligned", "--weeks", "5"],
                 ["report", store]):
        lab.cli(*argv, "--out", "theirs", "--quiet", expect=2, says="not", untouched=True)


@case(OPTIONS, "sweep --out someone's folder (item 3)")
def _sweep_foreign(lab: Lab) -> None:
    theirs = lab.work / "theirs"
    for sub in ("runs", "weekly", "index"):
        (theirs / sub).mkdir(parents=True)
        (theirs / sub / ".keep").write_text("mine")
    (theirs / "draft.tmp").write_text("mine")
    lab.cli("sweep", lab.spec(), "--out", theirs, "--workers", "0", expect=2,
            says="not a results folder", untouched=True)
    lab.cli("sweep", "tiny.toml", "--out", theirs, "--fresh", "--workers", "0", expect=2,
            says="not a results folder", untouched=True)


@case(OPTIONS, "sweep --out a store of another experiment")
def _other_store(lab: Lab) -> None:
    store = lab.store()
    other = lab.file("other.toml", SPEC.replace("replicates = 3", "replicates = 4"))
    lab.cli("sweep", other, "--out", store, "--workers", "0", expect=2,
            says="different experiment", untouched=True)


@case(OPTIONS, "runs of someone's folder")
def _runs_foreign(lab: Lab) -> None:
    lab.file("notes.txt", "mine")
    lab.cli("runs", ".", expect=2, says="not a results folder", untouched=True)


@case(OPTIONS, "report --baseline and --metrics unknown")
def _report_names(lab: Lab) -> None:
    store = lab.store()
    lab.cli("report", store, "--baseline", "nobody", "--quiet", expect=2, says="nobody",
            untouched=True)
    lab.cli("report", store, "--metrics", "happiness", "--quiet", expect=2, says="happiness",
            untouched=True)


@case(OPTIONS, "app on a port in use")
def _port_in_use(lab: Lab) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        lab.cli("app", "--port", str(taken.getsockname()[1]), expect=2, says="cannot listen")


# -- damaged store files --------------------------------------------------------------------------
DAMAGED = "damaged store files (then --repair, resume)"


def _damage(target: str, how: str) -> Callable[[Path], None]:
    def spoil(store: Path) -> None:
        path = store / target
        if how == "delete":
            path.unlink()
        elif how == "empty":
            path.write_bytes(b"")
        elif how == "truncate":
            path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
        elif how == "garbage":
            path.write_bytes(b"\x00garbage\xff" * 50)
        elif how == "bad json":
            path.write_text('{"chunk": 2, "runs": [', encoding="utf-8")
        elif how == "other chunk":
            path.write_text(path.read_text().replace('"chunk": 2', '"chunk": 7'))
        elif how == "a run less":
            index = json.loads(path.read_text())
            path.write_text(json.dumps({**index, "runs": index["runs"][:-1]}))
        elif how == "a list":
            path.write_text("[]")

    return spoil


DAMAGE = {
    "runs file truncated": ("runs/chunk-000002.parquet", "truncate"),
    "runs file garbage": ("runs/chunk-000002.parquet", "garbage"),
    "runs file empty": ("runs/chunk-000002.parquet", "empty"),
    "runs file deleted": ("runs/chunk-000002.parquet", "delete"),
    "weekly file truncated": ("weekly/chunk-000002.parquet", "truncate"),
    "weekly file garbage": ("weekly/chunk-000002.parquet", "garbage"),
    "weekly file deleted": ("weekly/chunk-000002.parquet", "delete"),
    "index not JSON": ("index/chunk-000002.json", "bad json"),
    "index names another chunk": ("index/chunk-000002.json", "other chunk"),
    "index lists a run less": ("index/chunk-000001.json", "a run less"),
    "index empty": ("index/chunk-000002.json", "empty"),
    "manifest not JSON": ("manifest.json", "bad json"),
    "manifest a list": ("manifest.json", "a list"),
}


def _damaged(target: str, how: str) -> Callable[[Lab], None]:
    def play(lab: Lab) -> None:
        store, spec = lab.store(), lab.spec()
        _damage(target, how)(store)
        for argv in (["runs", store], ["report", store, "--quiet"],
                     ["sweep", spec, "--out", store, "--workers", "0", "--quiet"]):
            lab.cli(*argv, expect=2, says="--repair", untouched=True)
        lab.cli("runs", store, "--repair", expect=0)
        _readable_by_duckdb(lab, store)
        lab.cli("sweep", spec, "--out", store, "--workers", "0", "--quiet", expect=0)
        lab.lose(store)

    return play


def _readable_by_duckdb(lab: Lab, store: Path) -> None:
    try:
        import duckdb
    except ImportError:
        return
    con = duckdb.connect()
    n = con.execute(f"select count(*) from read_parquet('{store}/runs/*.parquet', "
                    "union_by_name = true)").fetchone()
    lab.check(bool(n) and n[0] > 0, f"DuckDB reads no runs of {store.name} after --repair")


for _name, (_target, _how) in DAMAGE.items():
    case(DAMAGED, _name)(_damaged(_target, _how))


@case(DAMAGED, "manifest deleted: works")
def _no_manifest(lab: Lab) -> None:
    store = lab.store()
    (store / "manifest.json").unlink()
    lab.cli("runs", store, expect=0)
    lab.cli("sweep", lab.spec(), "--out", store, "--workers", "0", "--quiet", expect=0)
    lab.lose(store)


@case(DAMAGED, "spec.toml not UTF-8, or deleted")
def _spec_damaged(lab: Lab) -> None:
    spec = lab.spec()
    for spoil in (lambda p: p.write_bytes(b'name = "caf\xe9"'), lambda p: p.unlink()):
        store = lab.store(f"store{len(list(lab.work.glob('store*')))}")
        spoil(store / "spec.toml")
        for argv in (["runs", store], ["report", store, "--quiet"],
                     ["sweep", spec, "--out", store, "--workers", "0", "--quiet"]):
            lab.cli(*argv, expect=2, says="spec.toml", untouched=True)
        shutil.copy(spec, store / "spec.toml")  # what the message says to do
        lab.cli("sweep", spec, "--out", store, "--workers", "0", "--quiet", expect=0)
        lab.lose(store)


# -- a full disk --------------------------------------------------------------------------------
DISK = "full disk (tmpfs; root only)"


@contextlib.contextmanager
def tmpfs(folder: Path, size_kb: int) -> Iterator[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        raise Skip("mounting a small tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs",
                           str(folder)], capture_output=True, text=True)
    if done.returncode:
        raise Skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def remount(folder: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(folder)], check=True,
                   capture_output=True)


def _fill(folder: Path) -> None:
    with contextlib.suppress(OSError), open(folder / "filler", "wb") as f:
        while True:
            f.write(b"\0" * 4096)
            f.flush()


@case(DISK, "sweep fills the disk mid-way, then resumes")
def _disk_sweep(lab: Lab) -> None:
    # Room for the store's small files, its first chunk and half of the second, whatever the
    # size of the model's tables: the disk fills in the middle of the sweep.
    page = 4096
    chunk = [lab.reference / sub / f"chunk-000001.{ext}" for sub, ext in
             (("runs", "parquet"), ("weekly", "parquet"), ("index", "json"))]
    pages = sum(-(-p.stat().st_size // page) for p in chunk)
    with tmpfs(lab.work / "small", (6 + pages + pages // 2) * page // 1024) as small:
        store = small / "store"
        spec = lab.spec()
        lab.process([sys.executable, "-m", "tests.experiments.children", "cli", "0", "sweep",
                     str(spec), "--out", str(store), "--workers", "0", "--quiet"], expect=1,
                    says="no space left")
        lab.check(not list(store.rglob("*.tmp")), "a .tmp file was left on the full disk")
        lab.check(len(list((store / "index").glob("*.json"))) >= 1,
                  "the disk filled before the first chunk: the case tries nothing")
        lab.cli("runs", store, expect=0)
        lab.cli("report", store, "--quiet", expect=1, says="no space left")
        remount(small, "size=8m")
        lab.cli("sweep", spec, "--out", store, "--workers", "0", "--quiet", expect=0)
        lab.lose(store)


@case(DISK, "sweep on a disk already full")
def _disk_full(lab: Lab) -> None:
    with tmpfs(lab.work / "small", 64) as small:
        _fill(small)
        lab.cli("sweep", lab.spec(), "--out", small / "store", "--workers", "0", "--quiet",
                expect=1, says="no space left")


@case(DISK, "run, compare and report write onto a full disk")
def _disk_outputs(lab: Lab) -> None:
    store = lab.store()
    with tmpfs(lab.work / "small", 64) as small:
        _fill(small)
        lab.cli("run", "--weeks", "5", "--out", small / "run", "--quiet", expect=1,
                says="no space left")
        lab.cli("compare", "joint", "aligned", "--weeks", "5", "--replicates", "2", "--out",
                small / "cmp", "--quiet", expect=1, says="no space left")
        lab.cli("report", store, "--out", small / "report", "--quiet", expect=1,
                says="no space left")
        lab.check(sorted(p.name for p in small.iterdir()) == ["filler"],
                  "a half-written folder was left on the full disk")


# -- a read-only folder --------------------------------------------------------------------------
READONLY = "read-only folder"


@contextlib.contextmanager
def read_only(lab: Lab) -> Iterator[Path]:
    """A store in a read-only place: a read-only tmpfs as root (root writes through chmod),
    else a folder without write permission."""
    place = lab.work / "ro"
    try:
        with tmpfs(place, 4096):
            shutil.copytree(lab.reference, place / "store")
            remount(place, "ro")
            yield place
            return
    except Skip:
        pass
    shutil.copytree(lab.reference, place / "store", dirs_exist_ok=True)
    for path in [place, *place.rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)
    try:
        yield place
    finally:
        for path in [place, *place.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o200)


@case(READONLY, "every command on a read-only store (item 4)")
def _read_only(lab: Lab) -> None:
    spec = lab.spec()
    with read_only(lab) as place:
        store = place / "store"
        lab.cli("runs", store, expect=0)
        for argv in (["sweep", spec, "--out", store, "--workers", "0"],
                     ["sweep", spec, "--out", place / "new", "--workers", "0"],
                     ["report", store],
                     ["run", "--weeks", "5", "--out", place / "run"],
                     ["compare", "joint", "aligned", "--weeks", "5", "--out", place / "cmp"]):
            lab.cli(*argv, "--quiet", expect=2, says="cannot write there")
        lab.lose(store)


# -- two sweeps, --fresh --------------------------------------------------------------------------
CONCURRENT = "two sweeps at once, --fresh"


@case(CONCURRENT, "a sweep and a --fresh sweep while one runs (item 1)")
def _concurrent(lab: Lab) -> None:
    from experiments import store as store_module

    spec, out = lab.spec(), lab.work / "store"
    log = (lab.work / "first.log").open("wb")
    first = subprocess.Popen(
        [sys.executable, "-m", "tests.experiments.children", "cli", "2", "sweep", str(spec),
         "--out", str(out), "--workers", "2", "--quiet"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait(lambda: (out / "manifest.json").exists(), 120, "the first sweep to start")
        wait_s, store_module.LOCK_WAIT_S = store_module.LOCK_WAIT_S, 1.0
        try:
            lab.cli("sweep", spec, "--out", out, "--workers", "0", "--quiet", expect=2,
                    says="another sweep is writing")
            lab.cli("sweep", spec, "--out", out, "--fresh", "--workers", "0", "--quiet",
                    expect=2, says="another sweep is writing")
        finally:
            store_module.LOCK_WAIT_S = wait_s
        lab.check(first.poll() is None, "the first sweep ended before the others tried")
        lab.check(not list(lab.work.glob("store.replaced-*")), "--fresh moved a running store")
        code = first.wait(timeout=240)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
        log.close()
    lab.check(code == 0, f"the first sweep exited {code}")
    sessions = _sessions(out)
    lab.check(len(sessions) == 1 and bool(sessions[0].get("ended")),
              "the first sweep's session record is not whole")
    lab.lose(out)


@case(CONCURRENT, "--fresh twice in one second (item 4)")
def _fresh_twice(lab: Lab) -> None:
    from datetime import datetime, timedelta

    spec, out = lab.spec(), lab.store()
    now = datetime.now()
    for second in range(8):  # every name a --fresh in the next seconds could pick is taken
        taken = lab.work / f"store.replaced-{now + timedelta(seconds=second):%Y%m%d-%H%M%S}"
        taken.mkdir()
        (taken / "keep.txt").write_text("kept")
    for _ in range(2):
        lab.cli("sweep", spec, "--out", out, "--fresh", "--workers", "0", "--quiet", expect=0)
    beside = list(lab.work.glob("store.replaced-*"))
    kept = [p for p in beside if (p / "spec.toml").exists()]
    lab.check(len(kept) == 2 and sum((p / "keep.txt").exists() for p in beside) == 8,
              "the two moved stores, and the folders already there, are not all kept beside")
    for moved in kept:
        lab.lose(moved)
    lab.lose(out)


def _sessions(folder: Path) -> list[dict[str, object]]:
    return list(json.loads((folder / "manifest.json").read_text())["sessions"])


def _wait(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


# -- closed pipes ---------------------------------------------------------------------------------
PIPES = "closed pipes (output read by head)"


def _closed_pipe(lab: Lab, *argv: str | Path) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader went away, as `head` does after its lines
    try:
        alignsim = str(Path(sys.executable).with_name("alignsim"))
        result = lab.process([alignsim, *map(str, argv)], expect=141, stdout=write)
    finally:
        os.close(write)
    lab.check(result.err == "", f"alignsim {argv[0]} printed on stderr into a closed pipe")


@case(PIPES, "presets | head -1 (item 4)")
def _pipe_presets(lab: Lab) -> None:
    _closed_pipe(lab, "presets")


@case(PIPES, "runs DIR | head (item 4)")
def _pipe_runs(lab: Lab) -> None:
    _closed_pipe(lab, "runs", lab.store())


# -- crashes -------------------------------------------------------------------------------------
CRASHES = "crashes (kill -9, a run that kills its worker)"


@case(CRASHES, "kill -9 of a sweep mid-write, then resume")
def _kill_sweep(lab: Lab) -> None:
    spec, out, marker = lab.spec(), lab.work / "store", lab.work / "paused"
    sweep = subprocess.Popen(
        [sys.executable, "-m", "tests.experiments.children", "sweep", str(spec), str(out),
         "--pause-in-write", "2", "--marker", str(marker)], cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(marker.exists, 120, "the sweep to reach the write of chunk 2")
    finally:
        sweep.send_signal(signal.SIGKILL)
        sweep.wait()
    time.sleep(0.5)  # its pool workers exit by themselves when their parent is gone
    lab.cli("runs", out, expect=0)
    lab.cli("sweep", spec, "--out", out, "--workers", "0", "--quiet", expect=0)
    lab.lose(out)


@case(CRASHES, "a run that kills its worker (item 5)")
def _deadly_run(lab: Lab) -> None:
    import sim
    from experiments.store import load
    from tests.experiments import fakes

    spec, out = lab.spec(), lab.work / "store"
    real, sim.run = sim.run, fakes.always_die_run  # kills its worker on every cadence-4 run
    try:
        lab.cli("sweep", spec, "--out", out, "--workers", "2", "--quiet", expect=1,
                says="killed its worker process 2 times", one_line=False)
        # a resume: nothing left to run, so no pool restarts, and the one line of exit code 1
        lab.cli("sweep", spec, "--out", out, "--workers", "2", "--quiet", expect=1,
                says="3 run(s) failed")
        runs, _ = load(out)
        failed = runs[runs["status"] == "failed"]
        lab.check(len(failed) == 3 and failed["error"].str.startswith("WorkerDied").all(),
                  "the runs that killed their worker are not stored as failed")
    finally:
        sim.run = real
    lab.lose(out, done_only=True)


@case(CRASHES, "kill -9 of `alignsim app` (item 6)")
def _kill_app(lab: Lab) -> None:
    import importlib.util

    if importlib.util.find_spec("solara") is None:
        raise Skip("the dashboard needs the app extra (solara)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = lab.work / "app.log"
    with open(log, "wb") as sink:
        app = subprocess.Popen([str(Path(sys.executable).with_name("alignsim")), "app",
                                "--port", str(port)], cwd=ROOT, stdout=sink,
                               stderr=subprocess.STDOUT)
    server = None
    try:
        _wait(lambda: "alignsim workshop dashboard" in log.read_text(), 180,
              "the dashboard to answer")
        server = _children(app.pid)
        app.send_signal(signal.SIGKILL)
        app.wait()
        gone = _until(lambda: all(not _alive(pid) for pid in server) and _free(port), 20)
    finally:
        for pid in [app.pid, *(server or [])]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        app.wait()
    lab.tally.commands += 1
    if gone and server:
        lab.tally.clean += 1
    else:
        lab.tally.problems.append("the dashboard server outlived `alignsim app` killed by -9")


def _children(pid: int) -> list[int]:
    import psutil

    return [c.pid for c in psutil.Process(pid).children(recursive=True)]


def _alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as err:
            return err.errno != errno.EADDRINUSE
        return True


def _until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


# -- running it all --------------------------------------------------------------------------------
def build_reference(folder: Path) -> Path:
    from experiments.runner import run_experiment
    from experiments.spec import parse_spec

    run_experiment(parse_spec(SPEC, source="tiny.toml"), folder, workers=0, quiet=True,
                   chunk_runs=2)
    return folder


def run_case(play: Callable[[Lab], None], reference: Path, verbose: bool = False,
             limit_s: int = 0) -> Tally:
    with tempfile.TemporaryDirectory(prefix="alignsim-case-") as tmp:
        lab = Lab(Path(tmp), reference, verbose)
        if limit_s:
            signal.signal(signal.SIGALRM, _time_is_up)
            signal.alarm(limit_s)
        try:
            play(lab)
        except TimedOut:
            pass
        except Skip as why:
            lab.tally.skipped = str(why)
        except Exception as err:  # the case itself broke: a problem, with where
            lab.tally.problems.append(f"the case failed: {type(err).__name__}: {err}")
            if verbose:
                traceback.print_exc()
        finally:
            if limit_s:
                signal.alarm(0)
        return lab.tally


def _time_is_up(signum: int, frame: object) -> None:
    raise TimedOut


def run_all(verbose: bool = False, limit_s: int = 0) -> dict[str, Tally]:
    with tempfile.TemporaryDirectory(prefix="alignsim-reference-") as tmp:
        reference = build_reference(Path(tmp) / "reference")
        results = {}
        for row, name, play in CASES:
            if verbose:
                print(f"{row}: {name}")
            start = time.perf_counter()
            results[name] = run_case(play, reference, verbose, limit_s)
            results[name].seconds = time.perf_counter() - start
        return results


def table(results: dict[str, Tally]) -> str:
    """The table docs/experiments.md quotes: one row per kind of trouble, and the total."""
    rows: dict[str, list[int]] = {}
    skipped: dict[str, int] = {}
    for row, name, _ in CASES:
        tally = results[name]
        if tally.skipped:
            skipped[row] = skipped.get(row, 0) + 1
            continue
        counts = rows.setdefault(row, [0, 0, 0, 0, 0])
        for i, value in enumerate((1, tally.commands, tally.clean, tally.tracebacks,
                                   tally.lost)):
            counts[i] += value
    lines = ["| what was tried | cases | commands | clean error or works | tracebacks "
             "| runs lost |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for row, counts in rows.items():
        lines.append(f"| {row} | " + " | ".join(map(str, counts)) + " |")
    total = [sum(c[i] for c in rows.values()) for i in range(5)]
    lines.append("| **all** | " + " | ".join(f"**{n}**" for n in total) + " |")
    for row, n in skipped.items():
        lines.append(f"\n({n} case(s) of {row} skipped on this machine)")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", action="store_true", help="every command and its line")
    parser.add_argument("--case-seconds", type=int, default=0, metavar="S",
                        help="stop a case after S seconds (for code that runs what it should "
                             "refuse); default: no limit")
    args = parser.parse_args()
    results = run_all(args.verbose, args.case_seconds)
    print(table(results))
    problems = [f"{name}: {p}" for name, t in results.items() for p in t.problems]
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    skipped = {name: t.skipped for name, t in results.items() if t.skipped}
    for name, why in skipped.items():
        print(f"skipped: {name}: {why}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
