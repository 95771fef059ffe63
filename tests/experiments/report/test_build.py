"""The report: every figure exists and opens at the stated size, index.html references only files
that exist, partial, empty and missing stores, and the command line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from experiments.cli import main
from experiments.errors import UsageError
from experiments.report import build_report
from experiments.spec import parse_spec
from experiments.store import open_store
from tests.experiments.conftest import SMALL_OWNERS


def _references(index: Path) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', index.read_text(encoding="utf-8"))


def _check_folder(folder: Path, svg: bool = False) -> list[Path]:
    """Every reference of index.html exists, is local, and every PNG opens at its stated size
    (and has its SVG beside it, when the report was asked for SVG)."""
    index = folder / "index.html"
    html = index.read_text(encoding="utf-8")
    refs = _references(index)
    assert refs, "index.html shows no figures"
    for ref in refs:
        assert "://" not in ref and not ref.startswith("/"), f"not self-contained: {ref}"
        assert (folder / ref).is_file(), f"index.html references a missing file: {ref}"
    pngs = sorted((folder / "figures").glob("*.png"))
    for png in pngs:
        assert png.with_suffix(".svg").is_file() == svg
        stated = re.search(rf'src="figures/{re.escape(png.name)}"[^>]*data-px="(\d+)x(\d+)"',
                           html)
        assert stated, f"{png.name} is not shown in index.html"
        with Image.open(png) as image:
            image.verify()
        with Image.open(png) as image:
            assert image.format == "PNG"
            assert image.size == (int(stated.group(1)), int(stated.group(2)))
            assert image.info["dpi"] == pytest.approx((200, 200), abs=0.5)
            assert 600 <= image.size[0] <= 4000 and 400 <= image.size[1] <= 4000
    assert (folder / "report.md").is_file()
    for ref in re.findall(r"\]\((figures/[^)]+)\)", (folder / "report.md").read_text()):
        assert (folder / ref).is_file()
    return pngs


@pytest.fixture
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """A report must never build a model: every chart comes from the stored tables."""
    from sim.model import AlignmentModel

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the report built a model")

    monkeypatch.setattr(AlignmentModel, "__init__", refuse)


@pytest.mark.slow
def test_report_of_a_factorial_store(small_store: Path, tmp_path: Path, no_model: None) -> None:
    report = build_report(small_store, tmp_path / "report", baseline="finance_led", n_boot=500,
                          formats=("png", "svg"))
    pngs = _check_folder(report.folder, svg=True)
    names = {p.stem for p in pngs}
    assert {"compare-alignment_index", "compare-revenue_usd_per_week", "weekly-alignment_index",
            "weekly-revenue_usd", "waterfall", "trust-cooperation", "network"} <= names
    assert set(report.figures) == set(pngs) | {p.with_suffix(".svg") for p in pngs}
    assert report.missing == 0 and report.done == 9
    html = (report.folder / "index.html").read_text(encoding="utf-8")
    assert "Three planning owners, small firm" in html
    assert "Differences from finance-led" in html
    assert re.search(r"Joint: .* (higher|lower) than finance-led|Joint: no clear difference", html)
    for table in ("arm_means", "paired", "pairwise", "replication", "funnel"):
        assert (report.folder / "tables" / f"{table}.csv").is_file()
    # Three replicates: every chart and the page warn, and say how many each contrast needs.
    assert "Too few replicates: 3 per arm" in html and "Replicates needed" in html
    assert "Provisional: 3 replicates" in html
    # The interval method, the burn-in and the units are on the page.
    assert "95% percentile bootstrap (2,000 resamples" in html
    assert "The first 5 weeks are burn-in and left out" in html
    assert re.search(r"\$[0-9.]+[kM]/wk \[", html)
    assert "What the numbers mean" in html and "not a total" in html
    # A rerun replaces its own report folder.
    again = build_report(small_store, tmp_path / "report", n_boot=200)
    assert (again.folder / "index.html").is_file()


@pytest.mark.slow
def test_report_of_a_sampled_store(sobol_store: Path, tmp_path: Path) -> None:
    report = build_report(sobol_store, tmp_path / "report", n_boot=200)
    pngs = _check_folder(report.folder)
    assert "sensitivity-alignment_index" in {p.stem for p in pngs}
    html = (report.folder / "index.html").read_text(encoding="utf-8")
    assert "Where alignment fails" in html and "of the 32 runs have a low alignment index" in html


def test_a_partial_store_still_reports_and_says_how_many_runs_are_missing(
        partial_store: Path, tmp_path: Path) -> None:
    report = build_report(partial_store, tmp_path / "report", n_boot=100)
    assert report.missing == 3 and report.done == 6
    _check_folder(report.folder)
    html = (report.folder / "index.html").read_text(encoding="utf-8")
    assert "6 of 9 planned runs are stored; 3 are missing" in html
    assert "partial: 6 of 9 runs" in html


def test_empty_and_missing_stores_give_one_clear_message(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such folder"):
        build_report(tmp_path / "nowhere")
    (tmp_path / "plain").mkdir()
    with pytest.raises(UsageError, match="not a results folder"):
        build_report(tmp_path / "plain")
    empty = tmp_path / "empty"
    open_store(empty, parse_spec(SMALL_OWNERS)).close()
    with pytest.raises(UsageError, match=r"no finished runs to report \(0 of 9 planned\)"):
        build_report(empty)
    assert not (empty / "report").exists()


def test_cli(small_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r"
    assert main(["report", str(small_store), "--out", str(out), "--metrics", "win_rate",
                 "--network-week", "30"]) == 0
    assert f"{out / 'index.html'}" in capsys.readouterr().out
    assert {p.stem for p in (out / "figures").glob("compare-*.png")} == {"compare-win_rate"}
    cases = [
        (["--metrics", "nonsense"], "--metrics nonsense: not a summary metric"),
        (["--baseline", "nobody"], "--baseline nobody: not an arm of this experiment; arms are "
                                   "finance-led, joint, CRO"),
        (["--network-week", "10"], "--network-week 10: the sweep kept the network at week 30; "
                                   "add the week to output.network_weeks"),
        (["--precision", "2"], "--precision 2.0: a share of the baseline's value"),
    ]
    for extra, message in cases:
        target = tmp_path / f"bad{len(extra[1])}"
        assert main(["report", str(small_store), "--out", str(target), *extra]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and message in err
        assert not target.exists()
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    assert main(["report", str(small_store), "--out", str(tmp_path / "taken")]) == 2
    assert "not an alignsim report folder" in capsys.readouterr().err
    assert (tmp_path / "taken" / "notes.txt").read_text() == "mine"


def test_failed_runs_are_left_out_and_counted(small_store: Path, tmp_path: Path) -> None:
    import shutil

    from experiments.store import load

    folder = tmp_path / "with_failure"
    shutil.copytree(small_store, folder)
    runs, _ = load(folder)
    first = runs.iloc[0].to_dict()
    spec = parse_spec((folder / "spec.toml").read_text(encoding="utf-8"))
    store = open_store(folder, spec)
    store.add({"run_id": first["run_id"], "arm": first["arm"], "replicate": first["replicate"],
               "seed": first["seed"], "preset": first["preset"], "status": "failed",
               "error": "ValueError: boom", "duration_s": 0.0}, None)
    store.close()
    report = build_report(folder, tmp_path / "report", n_boot=100)
    assert report.failed == 1 and report.done == 8
    html = (report.folder / "index.html").read_text(encoding="utf-8")
    assert "1 runs failed and are left out" in html


def test_a_single_arm_has_no_differences_section(tmp_path: Path) -> None:
    from experiments.runner import run_experiment

    text = SMALL_OWNERS.replace('preset = ["finance_led", "joint", "cro"]', "").replace(
        "replicates = 3", "replicates = 2").replace("weeks = 30", "weeks = 12")
    run_experiment(parse_spec(text), tmp_path / "one", workers=0, quiet=True)
    report = build_report(tmp_path / "one", n_boot=100)
    _check_folder(report.folder)
    markdown = (report.folder / "report.md").read_text(encoding="utf-8")
    assert "## Results by arm" in markdown and "Differences from" not in markdown
    assert "Results over the design" not in markdown


def _svg_colours(path: Path) -> set[str]:
    return {c.lower() for c in re.findall(r"stroke: (#[0-9a-fA-F]{6})", path.read_text())}


@pytest.mark.slow
def test_a_two_factor_report_gives_every_arm_its_own_look_and_titles_that_agree(
        two_factor_store: Path, tmp_path: Path, no_model: None) -> None:
    import pandas as pd

    from experiments.report.headings import comparison_heading
    from experiments.report.style import ArmLook, arm_looks

    report = build_report(two_factor_store, tmp_path / "report", baseline="joint,separate",
                          n_boot=500, formats=("png", "svg"))
    _check_folder(report.folder, svg=True)
    runs = pd.read_csv(report.folder / "tables" / "arm_means.csv")
    labels = list(dict.fromkeys(runs["arm"]))
    spec = parse_spec((two_factor_store / "spec.toml").read_text(encoding="utf-8"))
    from experiments.design import arms

    looks = arm_looks({a.label: a.values for a in arms(spec)})
    assert len({lk.colour for lk in looks.values()}) == 4
    # Each arm's own colour is drawn in every chart that shows arms by colour.
    figures = report.folder / "figures"
    for stem in ("weekly-alignment_index", "weekly-mql_acceptance_rate", "trust-cooperation",
                 "compare-mql_acceptance_rate"):
        drawn = _svg_colours(figures / f"{stem}.svg")
        for label in labels:
            assert looks[label].colour.lower() in drawn, (stem, label)
    # The legend names every arm, with what colour and line mean.
    svg = (figures / "weekly-alignment_index.svg").read_text()
    assert "colour: preset" in svg and "shade and line: budget structure" in svg
    # Every comparison title is the one the stored paired contrasts give.
    pairwise = pd.read_csv(report.folder / "tables" / "pairwise.csv")
    markdown = (report.folder / "report.md").read_text(encoding="utf-8")
    named = {a: ArmLook(looks[a].name, looks[a].colour, looks[a].dash) for a in labels}
    for metric in ("mql_acceptance_rate", "marketing_sourced_share", "revenue_usd_per_week"):
        title = comparison_heading(pairwise, metric, named)
        assert f"![{title}](figures/compare-{metric}.png)" in markdown
    assert "## Differences from joint (separate)" in markdown


def test_a_constant_metric_is_explained_on_the_page(tmp_path: Path) -> None:
    from experiments.runner import run_experiment

    text = SMALL_OWNERS.replace('preset = ["finance_led", "joint", "cro"]',
                                'preset = ["joint", "merged"]').replace(
        "replicates = 3", "replicates = 2").replace("weeks = 30", "weeks = 14")
    run_experiment(parse_spec(text), tmp_path / "merged", workers=0, quiet=True)
    report = build_report(tmp_path / "merged", n_boot=100,
                          metrics=["hoarded_leads", "win_rate"])
    html = (report.folder / "index.html").read_text(encoding="utf-8")
    assert ("in every replicate, so its interval has no width: no rep held an MQL past the "
            "follow-up time") in html


@pytest.mark.slow
def test_charts_drawn_side_by_side_are_the_charts_drawn_one_by_one(
        small_store: Path, tmp_path: Path) -> None:
    from experiments.report import render

    assert render.fork_is_safe()  # else the side-by-side path would not be tested here
    one = build_report(small_store, tmp_path / "one", n_boot=200, workers=1, formats=("png",))
    two = build_report(small_store, tmp_path / "two", n_boot=200, workers=2, formats=("png",))
    assert [p.name for p in one.figures] == [p.name for p in two.figures]
    for a, b in zip(one.figures, two.figures, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    for name in ("index.html", "report.md", "tables/funnel.csv", "tables/pairwise.csv"):
        assert ((one.folder / name).read_text().replace(str(one.folder), "")
                == (two.folder / name).read_text().replace(str(two.folder), "")), name
