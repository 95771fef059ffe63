"""Write docs/workshop.md, the facilitator's guide, from the code, and check its stories.

Every number the guide quotes is computed here: the controls and their words (from
`app.controls` and `app.labels`, which read sim's declarations), the speeds and windows of the
page, and what each exercise shows on screen. An exercise names side-by-side runs (rounds) and
a seed; its claims are checked on that seed, with the same functions that draw the page
(`app.views.display_table`, `app.frames.tile_lines`) on the runs the page makes
(`app.workshop.WorkshopSetup`, the parameters of `alignsim run`), so what the guide says is
what the room sees. Each claim is also tried on CANDIDATE_SEEDS, and the guide says on which it
holds: what varies from seed to seed is part of the lesson.

The prose is docs/workshop.md.tmpl; ``{{name}}`` in it is a value from `values()`.

    python docs/make_workshop.py             # check: the stories hold, the guide is current
    python docs/make_workshop.py --write     # rewrite docs/workshop.md and its screenshot
    python docs/make_workshop.py --find-seeds  # on which candidate seeds each story holds

tests/app/test_workshop_guide.py runs the check; when the model changes, a failing claim is
named with its exercise, seed and numbers: choose seeds (``--find-seeds``) or change the claim
and the prose, then ``--write``.
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "workshop.md"
TEMPLATE = ROOT / "docs" / "workshop.md.tmpl"
SCREENSHOT = ROOT / "docs" / "workshop-dashboard.png"
# After anything on PYTHONPATH or installed, so a checkout works without installing.
sys.path.append(str(ROOT))

from app import labels, views  # noqa: E402
from app.controls import (  # noqa: E402
    SLIDER_CAPS,
    control,
    governance_fields,
    more_people_fields,
    people_fields,
)
from app.frames import tile_lines  # noqa: E402
from app.session import SPEEDS  # noqa: E402
from app.workshop import DEFAULT_WEEKS, MAX_SEED, MAX_WEEKS, WorkshopSetup  # noqa: E402
from sim import AlignmentModel, Params, presets, run  # noqa: E402
from sim.metrics import alignment_components  # noqa: E402

CANDIDATE_SEEDS = tuple(range(1, 11))
YEAR_TWO = (53, 104)
POOL = {"governance.budget_structure": "shared_pool"}


# -- what the screen shows ---------------------------------------------------------------------
@functools.cache
def _table(preset: str, governance: tuple, people: tuple, weeks: int,
           seed: int) -> pd.DataFrame:
    arm = WorkshopSetup(preset=preset, governance=dict(governance), people=dict(people),
                        weeks=weeks).arms()[0]
    return views.display_table(run(arm.params(), seed).weekly)


def screen(setup: WorkshopSetup, seed: int) -> dict[str, pd.DataFrame]:
    """Each arm's weekly table as the page draws it, by letter (the page's own parameters:
    tests/app/test_workshop.py shows an arm equals this run week for week)."""
    return {letter: _table(arm.preset, tuple(sorted(arm.governance.items())),
                           tuple(sorted(arm.people.items())), arm.weeks, seed)
            for letter, arm in zip("AB", setup.arms(), strict=False)}


def mean(table: pd.DataFrame, column: str, weeks: tuple[int, int] = YEAR_TWO) -> float:
    """A line's mean over a span of weeks: where the eye puts it."""
    return float(table.loc[weeks[0]:weeks[1], column].mean())


def tile(table: pd.DataFrame, week: int) -> str:
    """An arm's tile at `week`, as plain text."""
    return " / ".join(re.sub("<[^>]+>", "", line) for line in tile_lines(table, week))


def pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def kusd(value: float) -> str:
    return f"{value / 1e3:,.0f}k USD a week"


# -- exercises -------------------------------------------------------------------------------
Tables = dict[str, pd.DataFrame]  # "round.letter" -> display table, e.g. "1.A"


@dataclass(frozen=True)
class Claim:
    """A sentence of the guide and its check on one seed's runs: (holds, the numbers)."""

    text: str
    check: Callable[[Tables], tuple[bool, str]]


def above(what: str, column: str, high: str, low: str, fmt: Callable[[float], str] = pct,
          weeks: tuple[int, int] = YEAR_TWO) -> Callable[[Tables], tuple[bool, str]]:
    """`high`'s line of `column` is above `low`'s on average over `weeks`."""
    span = f"at week {weeks[0]}" if weeks[0] == weeks[1] else f"weeks {weeks[0]}-{weeks[1]}"

    def check(t: Tables) -> tuple[bool, str]:
        a, b = mean(t[high], column, weeks), mean(t[low], column, weeks)
        return a > b, f"{what} {span}: {high} {fmt(a)}, {low} {fmt(b)}"
    return check


@dataclass(frozen=True)
class Exercise:
    key: str
    title: str
    rounds: tuple[WorkshopSetup, ...]
    seed: int
    """The seed the guide tells the room to use; every claim must hold on it."""
    claims: tuple[Claim, ...]
    varies: tuple[Claim, ...] = field(default=())
    """Comparisons reported seed by seed, not promised."""

    def names(self) -> dict[str, str]:
        """"round.letter" -> the arm's name on its tile."""
        return {f"{number}.{letter}": arm.label()
                for number, setup in enumerate(self.rounds, start=1)
                for letter, arm in zip("AB", setup.arms(), strict=False)}

    def tables(self, seed: int) -> Tables:
        out: Tables = {}
        for number, setup in enumerate(self.rounds, start=1):
            for letter, table in screen(setup, seed).items():
                out[f"{number}.{letter}"] = table
        return out


EXERCISES = (
    Exercise(
        "ex1", "Who should own the plan and the budget?",
        rounds=(
            WorkshopSetup("marketing_led", dict(POOL), compare_with="joint",
                          changes_to_both=True),
            WorkshopSetup("marketing_led", dict(POOL), compare_with="finance_led",
                          changes_to_both=True),
            WorkshopSetup("marketing_led", dict(POOL), compare_with="sales_led",
                          changes_to_both=True),
        ),
        seed=7,
        claims=(
            Claim("sales accepts more of marketing's MQLs under joint planning than under "
                  "marketing-led planning, at week 26 already and through year two",
                  lambda t: _both(above("MQLs accepted", views.ACCEPTANCE, "1.B", "1.A",
                                        weeks=(26, 26))(t),
                                  above("MQLs accepted", views.ACCEPTANCE, "1.B", "1.A")(t))),
            Claim("with a finance or a sales planner, more MQLs are accepted in year two than "
                  "under marketing-led planning",
                  lambda t: _both(above("MQLs accepted", views.ACCEPTANCE, "2.B", "2.A")(t),
                                  above("MQLs accepted", views.ACCEPTANCE, "3.B", "3.A")(t))),
            Claim("marketing's trust in sales sinks lowest under marketing-led planning",
                  lambda t: _both(*(above("marketing's trust in sales", views.TRUST_MARKETING,
                                          f"{r}.B", f"{r}.A", fmt=_two)(t)
                                    for r in (2, 3)))),
        ),
        varies=(
            Claim("joint planning brings more new business than marketing-led planning in "
                  "year two",
                  above("new business", views.NEW_BUSINESS_MEAN, "1.B", "1.A", fmt=kusd)),
        ),
    ),
    Exercise(
        "ex2", "How often should we plan?",
        rounds=(
            WorkshopSetup("joint", {"governance.cadence_weeks": 52}, compare_with="joint"),
            WorkshopSetup("joint", {"governance.cadence_weeks": 4}, compare_with="joint"),
        ),
        seed=10,
        claims=(
            Claim("monthly planning does not buy a higher alignment index: it ends below "
                  "quarterly planning's",
                  lambda t: above("alignment index", views.ALIGNMENT, "2.B", "2.A",
                                  fmt=_whole)(t)),
            Claim("but sales accepts the most MQLs under annual planning",
                  above("MQLs accepted", views.ACCEPTANCE, "1.A", "1.B")),
        ),
        varies=(
            Claim("monthly planning brings more new business than quarterly in year two",
                  above("new business", views.NEW_BUSINESS_MEAN, "2.A", "2.B", fmt=kusd)),
        ),
    ),
    Exercise(
        "ex3", "What does a shared scoreboard change?",
        rounds=(
            WorkshopSetup("undefined", {"governance.shared_scoreboard": True},
                          compare_with="undefined"),
            WorkshopSetup("undefined", {"governance.shared_scoreboard": True,
                                        "governance.metrics": "shared"},
                          compare_with="undefined"),
            WorkshopSetup("undefined", {"governance.metrics": "shared"},
                          compare_with="undefined"),
        ),
        seed=2,
        claims=(
            Claim("the scoreboard alone lifts MQL acceptance and sales' trust in marketing",
                  lambda t: _both(above("MQLs accepted", views.ACCEPTANCE, "1.A", "1.B")(t),
                                  above("sales' trust in marketing", views.TRUST_SALES, "1.A",
                                        "1.B", fmt=_two)(t))),
            Claim("shared pay raises the alignment index further than the scoreboard alone",
                  lambda t: _both(above("alignment index", views.ALIGNMENT, "2.A", "1.A",
                                        fmt=_whole)(t),
                                  above("alignment index", views.ALIGNMENT, "3.A", "3.B",
                                        fmt=_whole)(t))),
        ),
        varies=(
            Claim("the scoreboard alone brings more new business than the scoreboard with "
                  "shared pay",
                  above("new business", views.NEW_BUSINESS_MEAN, "1.A", "2.A", fmt=kusd)),
        ),
    ),
)


def _both(*results: tuple[bool, str]) -> tuple[bool, str]:
    return all(ok for ok, _ in results), "; ".join(text for _, text in results)


def _two(value: float) -> str:
    return f"{value:.2f}"


def _whole(value: float) -> str:
    return f"{value:.0f}"


# -- checking --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Verdict:
    exercise: Exercise
    claim: Claim
    holds_on: tuple[int, ...]
    numbers: dict[int, str]
    """Seed -> the numbers of the check."""

    @property
    def on_named_seed(self) -> bool:
        return self.exercise.seed in self.holds_on

    def failure(self) -> str:
        return (f"exercise {self.exercise.key} ({self.exercise.title}): the claim "
                f"'{self.claim.text}' does not hold on its seed {self.exercise.seed}: "
                f"{self.numbers[self.exercise.seed]}")


def verdicts(exercise: Exercise, claims: Sequence[Claim],
             seeds: Sequence[int] = CANDIDATE_SEEDS) -> list[Verdict]:
    seeds = tuple(dict.fromkeys([exercise.seed, *seeds]))
    results = {seed: exercise.tables(seed) for seed in seeds}
    names = exercise.names()
    out = []
    for claim in claims:
        checked = {seed: claim.check(results[seed]) for seed in seeds}
        out.append(Verdict(exercise, claim, tuple(sorted(s for s in seeds if checked[s][0])),
                           {s: _named(text, names) for s, (_, text) in checked.items()}))
    return out


def _named(text: str, names: dict[str, str]) -> str:
    """The numbers of a check with each "round.letter" replaced by the arm's tile name."""
    return re.sub(r"\b(\d+\.[AB])\b", lambda m: f"“{names[m.group(1)]}”", text)


def failures() -> list[str]:
    """Every claim of the guide that does not hold on its exercise's seed."""
    return [v.failure() for exercise in EXERCISES for v in verdicts(exercise, exercise.claims,
                                                                   ()) if not v.on_named_seed]


# -- the guide's values ------------------------------------------------------------------------
def seeds_text(seeds: Sequence[int]) -> str:
    if not seeds:
        return "none"
    return ", ".join(str(s) for s in seeds)


def where(seeds: Sequence[int]) -> str:
    """On which candidate seeds: "every seed of 1-10", "seeds 3, 5 of 1-10"."""
    span = f"{CANDIDATE_SEEDS[0]}-{CANDIDATE_SEEDS[-1]}"
    if set(CANDIDATE_SEEDS) <= set(seeds):
        return f"every seed of {span}"
    return f"seeds {seeds_text(seeds)} of {span}" if seeds else f"no seed of {span}"


def exercise_values(exercise: Exercise) -> dict[str, str]:
    key, seed = exercise.key, exercise.seed
    out = {f"{key}.seed": str(seed), f"{key}.title": exercise.title,
           f"{key}.candidates": f"{CANDIDATE_SEEDS[0]}-{CANDIDATE_SEEDS[-1]}"}
    tables = exercise.tables(seed)
    weeks = exercise.rounds[0].weeks
    for number, setup in enumerate(exercise.rounds, start=1):
        for letter, arm in zip("AB", setup.arms(), strict=False):
            name = f"{key}.{number}.{letter}"
            table = tables[f"{number}.{letter}"]
            out[f"{name}.label"] = arm.label()
            out[f"{name}.preset"] = labels.preset(arm.preset)
            out[f"{name}.w26"] = tile(table, 26)
            out[f"{name}.end"] = tile(table, weeks)
            out[f"{name}.accepted"] = pct(mean(table, views.ACCEPTANCE))
            out[f"{name}.won"] = pct(mean(table, views.WIN_RATE))
            out[f"{name}.new_business"] = kusd(mean(table, views.NEW_BUSINESS_MEAN))
            out[f"{name}.alignment"] = f"{mean(table, views.ALIGNMENT):.0f}"
            out[f"{name}.trust_sales"] = _two(mean(table, views.TRUST_SALES))
            out[f"{name}.trust_marketing"] = _two(mean(table, views.TRUST_MARKETING))
    commands = [arm.reproduce(seed) for setup in exercise.rounds
                for arm in setup.arms()]
    out[f"{key}.commands"] = "\n".join(dict.fromkeys(commands))
    lines = []
    for verdict in verdicts(exercise, exercise.claims):
        lines.append(f"- *{verdict.claim.text[:1].upper()}{verdict.claim.text[1:]}.* "
                     f"On seed {seed}: {verdict.numbers[seed]}. Holds on "
                     f"{where(verdict.holds_on)}.")
    for verdict in verdicts(exercise, exercise.varies):
        lines.append(f"- *Varies:* {verdict.claim.text} on {where(verdict.holds_on)}, not on "
                     f"the others (seed {seed}: {verdict.numbers[seed]}).")
    out[f"{key}.claims"] = "\n".join(lines)
    return out


# Units that read as noise after a number in the guide's tables.
UNITLESS = ("", "-", "x", "0-1", "share", "probability")


def alignment_parts() -> str:
    """What sim's alignment index is scored from, in words (read off a model's week)."""
    model = AlignmentModel(Params().with_overrides({"org.n_reps": 2, "org.n_marketers": 1}))
    model.step()
    return ", ".join(labels.words(part) for part in alignment_components(model))


def controls_table(names: Sequence[str]) -> str:
    rows = ["| Control | What it sets | Choices or range | In code |", "|---|---|---|---|"]
    for name in names:
        spec = control(name)
        meaning = spec.hover.split("; ")[0]
        if spec.kind == "select":
            allowed = ", ".join(labels.choice(name, c) for c in spec.choices)
        elif spec.kind == "bool":
            allowed = "on, off"
        else:
            unit = f" {spec.unit}" if spec.unit not in UNITLESS else ""
            allowed = f"{spec.lo:g} to {spec.hi:g}{unit}, in steps of {spec.step:g}"
        rows.append(f"| {spec.label} | {meaning} | {allowed} | `{name}` |")
    return "\n".join(rows)


def speed_words(ms: int) -> str:
    return "as fast as the page draws" if ms == 0 else f"a week every {ms / 1000:g} s"


def values() -> dict[str, str]:
    """Every ``{{name}}`` of the template."""
    defaults = Params()
    weeks_fast = DEFAULT_WEEKS * SPEEDS["fast"] / 1000
    out = {
        "weeks": str(DEFAULT_WEEKS),
        "years": f"{DEFAULT_WEEKS / 52:g}",
        "max_weeks": str(MAX_WEEKS),
        "max_seed": f"{MAX_SEED:,}",
        "rate_weeks": str(views.RATE_WEEKS),
        "min_events": str(views.MIN_EVENTS),
        "smooth_weeks": str(views.SMOOTH_WEEKS),
        "recent_weeks": str(views.TiesView.RECENT_WEEKS),
        "speeds": ", ".join(f"*{name}* ({speed_words(ms)})" for name, ms in SPEEDS.items()),
        "fast_run_seconds": f"{weeks_fast:.0f}",
        "n_reps": str(defaults.org.n_reps),
        "n_marketers": str(defaults.org.n_marketers),
        "max_reps": str(SLIDER_CAPS["org.n_reps"]),
        "presets": ", ".join(f"*{labels.preset(p)}*" for p in presets.names()),
        "kotler_presets": ", ".join(f"*{labels.preset(p)}*" for p in presets.KOTLER_TYPES),
        "governance_table": controls_table(governance_fields()),
        "people_table": controls_table(people_fields()),
        "more_people": ", ".join(labels.field(n).lower() for n in more_people_fields()),
        "year_two": f"{YEAR_TWO[0]}-{YEAR_TWO[1]}",
        "alignment_parts": alignment_parts(),
    }
    # The page's words for every control and choice: ``{{field.governance.sla}}``,
    # ``{{choice.governance.budget_structure.shared_pool}}``, ``{{preset.joint}}``.
    for name in (*governance_fields(), *people_fields(), *more_people_fields()):
        out[f"field.{name}"] = labels.field(name)
        for choice in control(name).choices:
            out[f"choice.{name}.{choice}"] = labels.choice(name, choice)
    out.update({f"preset.{p}": labels.preset(p) for p in presets.names()})
    for exercise in EXERCISES:
        out.update(exercise_values(exercise))
    return out


def render(template: str, known: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in known:
            raise KeyError(f"docs/workshop.md.tmpl asks for {{{{{name}}}}}, which "
                           "docs/make_workshop.py does not compute")
        return known[name]

    return re.sub(r"\{\{([\w.]+)\}\}", one, template)


def guide() -> str:
    return render(TEMPLATE.read_text(encoding="utf-8"), values())


def screenshot(path: Path = SCREENSHOT) -> str:
    """The guide's picture: exercise 1's first round at its end, at projector size."""
    from app import browser as drive

    chromium = drive.chromium()
    if chromium is None:
        return "screenshot skipped: no Chromium (apt-get install -y chromium)"
    from playwright.sync_api import sync_playwright

    exercise = EXERCISES[0]
    with drive.dashboard() as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium)
        page, problems = drive.open_page(browser, server.url)
        first = exercise.rounds[0]
        assert first.compare_with is not None
        drive.pick(page, "Preset (arm A)", labels.preset(first.preset))
        drive.tile_shows(page, labels.preset(first.preset))
        drive.side_by_side(page)
        drive.pick(page, "Compare with (arm B)", labels.preset(first.compare_with))
        drive.tile_shows(page, labels.preset(first.compare_with), arm=1)
        page.get_by_text("governance changes to both arms").click()
        page.locator(".v-expansion-panel-header").filter(has_text="both arms").wait_for()
        drive.set_seed(page, exercise.seed)
        drive.open_panel(page, "Governance")
        pool = labels.choice("governance.budget_structure", "shared_pool")
        drive.pick(page, labels.field("governance.budget_structure"), pool)
        drive.tile_shows(page, pool, arm=1)  # both arms: the changes go to both
        assert [t.split(" · ", 1)[1] for t in page.locator(".alignsim-tile h3")
                .all_inner_texts()] == [arm.label() for arm in first.arms()]
        drive.nudge_slider(page, "weeks per Step", "End")
        while drive.week_shown(page) != f"week {first.weeks} of {first.weeks} (end)":
            drive.step_and_time(page, 1)
        page.wait_for_timeout(500)
        page.screenshot(path=path)
        browser.close()
    if problems:
        raise RuntimeError("; ".join(problems))
    return f"wrote {path.relative_to(ROOT)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true",
                        help="rewrite docs/workshop.md and its screenshot")
    parser.add_argument("--no-screenshot", action="store_true",
                        help="with --write: leave the screenshot as it is")
    parser.add_argument("--find-seeds", action="store_true",
                        help="print on which candidate seeds each claim holds")
    args = parser.parse_args(argv)
    if args.find_seeds:
        for exercise in EXERCISES:
            print(f"{exercise.key} {exercise.title} (named seed {exercise.seed})")
            for verdict in verdicts(exercise, exercise.claims + exercise.varies):
                print(f"  holds on {seeds_text(verdict.holds_on)}: {verdict.claim.text}")
        return 0
    broken = failures()
    for line in broken:
        print(line, file=sys.stderr)
    if broken:
        print("the guide's stories do not hold: choose seeds (--find-seeds) or change the "
              "claims and the prose", file=sys.stderr)
        return 1
    text = guide()
    if args.write:
        GUIDE.write_text(text, encoding="utf-8")
        print(f"wrote {GUIDE.relative_to(ROOT)}")
        if not args.no_screenshot:
            print(screenshot())
        return 0
    if GUIDE.read_text(encoding="utf-8") != text:
        print("docs/workshop.md differs from what the code gives now: run "
              "`.venv/bin/python docs/make_workshop.py --write`", file=sys.stderr)
        return 1
    print("docs/workshop.md is current and its stories hold")
    return 0


if __name__ == "__main__":
    sys.exit(main())

