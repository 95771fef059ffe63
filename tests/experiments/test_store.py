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
