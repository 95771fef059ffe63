"""The results store: commit protocol, crash leftovers, resume, refusal of a changed spec."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from experiments import store as store_module
from experiments.design import n_runs
from experiments.errors import UsageError
from experiments.runner import run_experiment
from experiments.spec import load_spec
from experiments.store import ResultsStore, leftovers, load, open_store, status
from tests.experiments.fakes import fake_run


class Crash(Exception):
    pass


def _sweep(spec_path: Path, out: Path, **kw: object) -> object:
    options = {"workers": 0, "run_fn": fake_run, "quiet": True, "chunk_runs": 3}
    options.update(kw)
    return run_experiment(spec_path, out, **options)  # type: ignore[arg-type]


def test_layout_schema_and_manifest(write_spec: Callable[..., Path], tmp_path: Path) -> None:
    spec_path = write_spec()
    out = tmp_path / "out"
    summary = _sweep(spec_path, out)
    assert summary.exit_code == 0  # type: ignore[attr-defined]
    assert (out / "spec.toml").read_text() == spec_path.read_text()
    manifest = json.loads((out / "manifest.json").read_text())
    for key in ("alignsim", "versions", "python", "platform", "started", "ended", "git_commit"):
        assert key in manifest
    assert manifest["versions"]["pyarrow"] and manifest["sessions"][0]["done"] == 8
    assert manifest["design"]["varied"] == ["preset", "governance.cadence_weeks"]
    assert manifest["design"]["runs_planned"] == 8
    runs, weekly = load(out)
    assert list(runs.columns) == [
        "run_id", "arm", "replicate", "seed", "preset", "governance.cadence_weeks",
        "revenue_mean", "mqls_total", "status", "error", "duration_s"]
    assert len(runs) == 8 and runs["run_id"].is_unique and (runs["status"] == "done").all()
    assert (runs["error"] == "").all() and (runs["duration_s"] >= 0).all()
    assert runs["replicate"].dtype == "int64" and runs["seed"].dtype == "int64"
    assert list(weekly.columns) == ["run_id", "week", "revenue", "mqls"]
    assert len(weekly) == 8 * 30
    assert weekly.groupby("run_id")["week"].apply(list).map(lambda w: w == list(range(1, 31))).all()
    # stored numbers are the run function's numbers
    row = runs.iloc[5]
    spec = load_spec(spec_path)
    values = {"preset": row["preset"],
              "governance.cadence_weeks": int(row["governance.cadence_weeks"])}
    expected = fake_run(spec.arm_params(values), int(row["seed"]))
    assert row["revenue_mean"] == expected.summary["revenue_mean"]
    mine = weekly[weekly["run_id"] == row["run_id"]]
    assert mine["revenue"].tolist() == expected.weekly["revenue"].tolist()
    # plain Parquet: any reader sees the same rows
    files = sorted((out / "runs").glob("*.parquet"))
    direct = pd.concat([pq.read_table(p).to_pandas() for p in files])
    assert sorted(direct["run_id"]) == sorted(runs["run_id"])


def test_kept_metrics_and_thinning(write_spec: Callable[..., Path], tmp_path: Path) -> None:
    path = write_spec(write_spec().read_text() + '[output]\nweekly_metrics = ["mqls"]\n'
                      'every_weeks = 4\n', name="thin.toml")
    _sweep(path, tmp_path / "out")
    _, weekly = load(tmp_path / "out")
    assert list(weekly.columns) == ["run_id", "week", "mqls"]
    assert sorted(weekly["week"].unique()) == [4, 8, 12, 16, 20, 24, 28]


def test_crash_before_commit_leaves_nothing_visible_and_resume_completes(
        write_spec: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec_path, out = write_spec(), tmp_path / "out"

    def crash_on_second(self: ResultsStore, chunk: int) -> None:
        if chunk == 2:
            raise Crash

    monkeypatch.setattr(ResultsStore, "_before_commit", crash_on_second)
    with pytest.raises(Crash):
        _sweep(spec_path, out)
    assert (out / "runs" / "chunk-000002.parquet").exists()  # data written, never committed
    assert not (out / "index" / "chunk-000002.json").exists()
    runs, weekly = load(out)
    assert len(runs) == 3 and set(weekly["run_id"]) == set(runs["run_id"])
    assert status(out).leftovers == 2
    monkeypatch.undo()
    (out / "runs" / ".chunk-000009.parquet.tmp").write_bytes(b"half a file")
    summary = _sweep(spec_path, out)
    assert summary.skipped == 3 and summary.done == 5  # type: ignore[attr-defined]
    assert not leftovers(out)
    runs, weekly = load(out)
    assert len(runs) == 8 and runs["run_id"].is_unique
    assert len(weekly) == 8 * 30
    reference, ref_weekly = load(_fresh_reference(spec_path, tmp_path))
    pd.testing.assert_frame_equal(runs.drop(columns="duration_s"),
                                  reference.drop(columns="duration_s"))
    pd.testing.assert_frame_equal(weekly, ref_weekly)


def _fresh_reference(spec_path: Path, tmp_path: Path) -> Path:
    ref = tmp_path / "reference"
    _sweep(spec_path, ref, chunk_runs=100)
    return ref


def test_rerun_skips_everything(write_spec: Callable[..., Path], tmp_path: Path) -> None:
    spec_path, out = write_spec(), tmp_path / "out"
    _sweep(spec_path, out)
    again = _sweep(spec_path, out)
    assert (again.done, again.skipped) == (0, 8)  # type: ignore[attr-defined]
    assert len(json.loads((out / "manifest.json").read_text())["sessions"]) == 2


def test_changed_spec_is_refused_comment_is_not(write_spec: Callable[..., Path],
                                               tmp_path: Path) -> None:
    spec_path, out = write_spec(), tmp_path / "out"
    _sweep(spec_path, out)
    commented = write_spec("# a note\n" + spec_path.read_text(), name="commented.toml")
    assert _sweep(commented, out).skipped == 8  # type: ignore[attr-defined]
    changed = write_spec(spec_path.read_text().replace("replicates = 2", "replicates = 3"),
                         name="changed.toml")
    with pytest.raises(UsageError, match=r"holds results of a different experiment.*--fresh"):
        _sweep(changed, out)
    fresh = _sweep(changed, out, fresh=True)
    assert (fresh.done, fresh.skipped) == (12, 0)  # type: ignore[attr-defined]
    kept = list(tmp_path.glob("out.replaced-*"))
    assert len(kept) == 1 and len(load(kept[0])[0]) == 8  # the old results are kept aside


def test_one_writer_per_folder(write_spec: Callable[..., Path], tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    spec = load_spec(write_spec())
    first = open_store(tmp_path / "out", spec)
    monkeypatch.setattr(store_module, "LOCK_WAIT_S", 0.3)
    with pytest.raises(UsageError, match="another sweep is writing"):
        open_store(tmp_path / "out", spec)
    first.close()
    open_store(tmp_path / "out", spec).close()


def test_status_and_load_of_a_partial_store(write_spec: Callable[..., Path],
                                            tmp_path: Path) -> None:
    spec = load_spec(write_spec())
    st = open_store(tmp_path / "out", spec, chunk_runs=2)
    st.add({"run_id": "a00000-r0000", "arm": "x", "replicate": 0, "seed": 1, "preset": "joint",
            "governance.cadence_weeks": 2, "status": "failed", "error": "boom",
            "duration_s": 0.1}, None)
    st.close()
    info = status(tmp_path / "out")
    assert (info.planned, info.done, info.failed, info.remaining) == (n_runs(spec), 0, 1, 7)
    runs, weekly = load(tmp_path / "out")
    assert runs["error"].tolist() == ["boom"] and weekly.empty
    with pytest.raises(UsageError, match="not a results folder"):
        load(tmp_path)


def test_duckdb_reads_the_store(write_spec: Callable[..., Path], tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    _sweep(write_spec(), tmp_path / "out")
    con = duckdb.connect()
    n, mean = con.execute(
        f"select count(*), avg(revenue_mean) from read_parquet('{tmp_path}/out/runs/*.parquet',"
        " union_by_name=true) where status = 'done'").fetchone()
    runs, _ = load(tmp_path / "out")
    assert n == 8 and mean == pytest.approx(runs["revenue_mean"].mean())
    weeks = con.execute(f"select count(*) from '{tmp_path}/out/weekly/*.parquet'").fetchone()[0]
    assert weeks == 8 * 30


def test_results_are_committed_when_the_buffer_is_full_or_old(
        write_spec: Callable[..., Path], tmp_path: Path) -> None:
    spec = load_spec(write_spec())
    st = open_store(tmp_path / "out", spec, chunk_runs=3, flush_seconds=0.3)

    def row(i: int) -> dict[str, object]:
        return {"run_id": f"a{i:05d}-r0000", "arm": "x", "replicate": 0, "seed": 1,
                "preset": "joint", "governance.cadence_weeks": 2, "status": "done",
                "error": "", "duration_s": 0.1}

    for i in range(3):
        st.add(row(i), None)
    assert len(st.finished) == 3  # full
    st.add(row(3), None)
    st.flush_if_due()
    assert len(st.finished) == 3  # young
    time.sleep(0.35)
    st.flush_if_due()
    assert len(st.finished) == 4  # old
    st.close()


# -- hardening (issue 13) -------------------------------------------------------------------
def test_a_folder_that_is_not_a_store_is_refused_and_left_alone(
        write_spec: Callable[..., Path], tmp_path: Path) -> None:
    theirs = tmp_path / "theirs"
    for sub in ("runs", "weekly", "index"):
        (theirs / sub).mkdir(parents=True)
        (theirs / sub / ".notes").write_text("mine")
    (theirs / "draft.tmp").write_text("mine")
    before = sorted(p.relative_to(theirs) for p in theirs.rglob("*"))
    for fresh in (False, True):
        with pytest.raises(UsageError, match=r"exists and is not a results folder of alignsim"):
            _sweep(write_spec(), theirs, fresh=fresh)
    assert sorted(p.relative_to(theirs) for p in theirs.rglob("*")) == before
    assert not list(tmp_path.glob("theirs.replaced-*"))


def test_a_store_cleans_only_its_own_leftovers(write_spec: Callable[..., Path],
                                               tmp_path: Path) -> None:
    out = tmp_path / "out"
    _sweep(write_spec(), out)
    mine = [out / "notes.tmp", out / "runs" / ".DS_Store", out / "analysis.ipynb"]
    for path in mine:
        path.write_text("a person's file")
    (out / "runs" / ".chunk-000009.parquet.tmp").write_bytes(b"half")
    (out / ".manifest.json.tmp").write_bytes(b"half")
    assert sorted(p.name for p in leftovers(out)) == [".chunk-000009.parquet.tmp",
                                                      ".manifest.json.tmp"]
    _sweep(write_spec(), out)
    assert all(path.exists() for path in mine) and not leftovers(out)


def test_fresh_waits_for_the_lock_and_never_moves_a_store_being_written(
        write_spec: Callable[..., Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    spec, out = load_spec(write_spec()), tmp_path / "out"
    _sweep(write_spec(), out)
    running = open_store(out, spec)  # a sweep writing the folder
    monkeypatch.setattr(store_module, "LOCK_WAIT_S", 0.3)
    with pytest.raises(UsageError, match="another sweep is writing"):
        open_store(out, spec, fresh=True)
    assert not list(tmp_path.glob("out.replaced-*")) and (out / "spec.toml").exists()
    running.add({"run_id": "a00000-r0000", "arm": "x", "replicate": 0, "seed": 1,
                 "preset": "joint", "governance.cadence_weeks": 2, "status": "done",
                 "error": "", "duration_s": 0.1}, None)
    running.close()
    sessions = json.loads((out / "manifest.json").read_text())["sessions"]
    assert len(sessions) == 2 and sessions[-1]["ended"]  # the running sweep's record is whole
    open_store(out, spec, fresh=True).close()  # once it has ended, --fresh goes ahead
    assert len(list(tmp_path.glob("out.replaced-*"))) == 1


def test_fresh_twice_in_one_second_keeps_both(write_spec: Callable[..., Path], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import datetime

    class Frozen(datetime):
        @classmethod
        def now(cls, tz: object = None) -> Frozen:  # type: ignore[override]
            return cls(2030, 1, 2, 3, 4, 5)

    monkeypatch.setattr(store_module, "datetime", Frozen)
    out = tmp_path / "out"
    for _ in range(3):
        _sweep(write_spec(), out, fresh=True)
    assert sorted(p.name for p in tmp_path.glob("out.replaced-*")) == [
        "out.replaced-20300102-030405", "out.replaced-20300102-030405-2"]
    assert all(len(load(p)[0]) == 8 for p in tmp_path.glob("out.replaced-*"))


def test_a_full_disk_stops_the_sweep_keeps_what_was_committed_and_leaves_no_tmp(
        write_spec: Callable[..., Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from experiments import files
    from experiments.errors import SweepAborted

    out = tmp_path / "out"
    write_atomic = files.write_atomic

    def full_at_chunk_2(path: Path, write: Callable[..., object]) -> None:
        if path.name == "chunk-000002.parquet" and path.parent.name == "weekly":
            def half(f: object) -> None:
                f.write(b"PAR1 half a file")  # type: ignore[attr-defined]
                raise OSError(errno.ENOSPC, "No space left on device")
            return write_atomic(path, half)
        return write_atomic(path, write)

    monkeypatch.setattr(files, "write_atomic", full_at_chunk_2)
    with pytest.raises(SweepAborted, match=r"cannot write .*weekly/chunk-000002.parquet \(no "
                                           r"space left on the disk: free some space\); the 3 "
                                           r"runs committed .* are kept; rerun the same command"):
        _sweep(write_spec(), out)
    assert not list(out.rglob("*.tmp"))
    assert len(load(out)[0]) == 3
    assert json.loads((out / "manifest.json").read_text())["sessions"][0]["ended"]
    monkeypatch.undo()
    summary = _sweep(write_spec(), out)
    assert (summary.skipped, summary.done) == (3, 5)  # type: ignore[attr-defined]
    assert len(load(out)[0]) == 8


@pytest.mark.parametrize("damage", ["runs", "weekly", "index", "manifest"])
def test_a_damaged_file_is_named_and_repair_moves_its_chunk_aside(
        damage: str, write_spec: Callable[..., Path], tmp_path: Path) -> None:
    from experiments.errors import StoreDamaged
    from experiments.store import repair

    out = tmp_path / "out"
    _sweep(write_spec(), out)
    target = {"runs": out / "runs" / "chunk-000002.parquet",
              "weekly": out / "weekly" / "chunk-000002.parquet",
              "index": out / "index" / "chunk-000002.json",
              "manifest": out / "manifest.json"}[damage]
    target.write_bytes(target.read_bytes()[:20])
    remedy = "keeps it aside" if damage == "manifest" else "moves its chunk aside"
    for read in (lambda: status(out), lambda: _sweep(write_spec(), out)):
        with pytest.raises(StoreDamaged, match=rf"{target}: damaged \(.+\); `alignsim runs "
                                               rf"{out} --repair` {remedy}"):
            read()
    if damage != "manifest":
        with pytest.raises(StoreDamaged):
            load(out)
    listed = status(out, list_damage=True)
    assert [d.path for d in listed.damage] == [target]
    done = repair(out)
    assert done.moved_to is not None and done.moved_to.parent == out / "damaged"
    assert (done.moved_to / target.relative_to(out)).exists()  # kept, never deleted
    if damage != "manifest":
        assert not [p for sub in ("runs", "weekly", "index")
                    for p in (out / sub).glob("chunk-000002.*")]
        assert len(load(out)[0]) == 5
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["repairs"][0]["files"][0]["file"] == str(target.relative_to(out))
    summary = _sweep(write_spec(), out)
    assert summary.done == (0 if damage == "manifest" else 3)  # type: ignore[attr-defined]
    runs, weekly = load(out)
    assert len(runs) == 8 and runs["run_id"].is_unique and len(weekly) == 8 * 30
    assert repair(out).moved_to is None


def test_an_index_edited_by_hand_is_damage(write_spec: Callable[..., Path],
                                           tmp_path: Path) -> None:
    from experiments.errors import StoreDamaged

    out = tmp_path / "out"
    _sweep(write_spec(), out)
    path = out / "index" / "chunk-000001.json"
    index = json.loads(path.read_text())
    for edited, problem in (({**index, "chunk": 7}, "names chunk 7, not 1"),
                            ({**index, "runs": index["runs"][:-1]}, "holds other runs"),
                            ({**index, "weekly": "yes"}, "'weekly' is not true or false")):
        path.write_text(json.dumps(edited))
        with pytest.raises(StoreDamaged, match=problem):
            load(out)


def test_the_network_table_is_kept_committed_and_read_back(tmp_path: Path) -> None:
    """sim.run's edge table is the store's third table: committed with its chunk, read back by
    run and week, and a crash's uncommitted network chunk is a leftover like the others."""
    from experiments.spec import parse_spec
    from experiments.store import load_network, load_run
    from tests.experiments.conftest import SMALL

    spec = parse_spec(SMALL.replace("weeks = 30", "weeks = 12").replace(
        "burn_in_weeks = 5", "burn_in_weeks = 2") + "\n[output]\nnetwork_weeks = [6, 12]\n")
    out = tmp_path / "net"
    run_experiment(spec, out, workers=0, quiet=True, chunk_runs=3)
    network = load_network(out)
    runs, _ = load(out)
    assert set(network["run_id"]) == set(runs["run_id"])
    assert set(network["week"]) == {6, 12}
    assert {"source_department", "target_role", "source_cooperating", "cross"} <= set(network)
    one = load_network(out, ["a00001-r0001"], [12])
    assert set(one["run_id"]) == {"a00001-r0001"} and set(one["week"]) == {12}
    # The stored ties are the model's own: the same run gives the same table.
    from sim import run

    row = runs.set_index("run_id").loc["a00001-r0001"]
    again = run(spec.arm_params({"preset": row["preset"], "governance.cadence_weeks":
                                 int(row["governance.cadence_weeks"])}), int(row["seed"]),
                network_weeks=[12]).network
    pd.testing.assert_frame_equal(one.drop(columns="run_id").reset_index(drop=True),
                                  again.reset_index(drop=True), check_dtype=False)
    stored, weekly, entry = load_run(out, "a00001-r0001")
    assert stored is not None and stored["arm"] == row["arm"] and len(weekly) == 12
    assert entry is not None and entry["network"]
    (out / "network" / "chunk-000099.parquet").write_bytes(b"uncommitted")
    assert out / "network" / "chunk-000099.parquet" in leftovers(out)
