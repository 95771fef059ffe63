"""Make the generated part of docs/validation.md: the fact tables of `alignsim validate` at its
defaults and with ``--perturb 10 --seeds 8``, the commands that made them, what could not be
tested, and every claim of the default run.

The part sits between ``<!-- validation:start -->`` and ``<!-- validation:end -->``; the prose
around it (why a fact fails, whether the fact or the model is in doubt) is written by hand.

    python docs/make_validation.py            # run both (resuming in results/), print the part
    python docs/make_validation.py --write    # ... and put it into docs/validation.md
    python docs/make_validation.py --fingerprint   # the fingerprints of the model now

The runs take minutes (the defaults are 500 runs, the perturbed ensemble 2,200), too long for
CI. So the part carries two fingerprints of what made it, and tests/docs/test_validation_doc.py
checks them, which takes seconds:

- ``code``: a hash of the source of everything that decides the tables (`sim/`, `agents/`, the
  facts, their evaluation, the perturbation, the seeds, the bootstrap). Unchanged code gives
  unchanged tables, whatever machine runs the test.
- ``behaviour``: a hash of the run summaries (7 significant digits) of every arm of the facts
  on one seed at the default length. When the code changed but this is unchanged (a comment, a
  refactoring), the model still behaves as it did when the tables were made, and the test
  passes; when the model behaves differently, the tables are stale and the test fails.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "validation.md"
# After anything on PYTHONPATH or installed, so a checkout works without installing.
sys.path.append(str(ROOT))

from experiments.analysis.fact_runs import fact_runs  # noqa: E402
from experiments.analysis.facts import FACTS  # noqa: E402
from experiments.cli.validate import default_out, run_validation  # noqa: E402
from experiments.design import arms, replicate_seeds  # noqa: E402
from experiments.report.validation import (  # noqa: E402
    Validation,
    claim_rows,
    fact_rows,
    md_table,
    untested,
)

START, END = "<!-- validation:start -->", "<!-- validation:end -->"
MARKER = re.compile(r"<!-- made by: code ([0-9a-f]{16}) behaviour ([0-9a-f]{16}) -->")
SOURCES = ("sim/**/*.py", "agents/**/*.py", "experiments/perturb.py", "experiments/design.py",
           "experiments/analysis/facts.py", "experiments/analysis/validation.py",
           "experiments/analysis/fact_runs.py", "experiments/analysis/bootstrap.py",
           "experiments/analysis/runs.py")
"""The code that decides the tables (the page's layout does not)."""
DEFAULTS = {"seeds": 20, "seed_base": 1, "perturb": 10, "perturb_seeds": 8}


# -- fingerprints -----------------------------------------------------------------------------
def code_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted({p for pattern in SOURCES for p in ROOT.glob(pattern)}):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
        digest.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()[:16]


def behaviour_fingerprint() -> str:
    """Every arm of the facts run once (one seed, default length): a hash of the summaries."""
    from sim import run

    spec = fact_runs(FACTS, seeds=2, seed_base=DEFAULTS["seed_base"]).spec
    seed = replicate_seeds(DEFAULTS["seed_base"], 1)[0]
    summaries = {}
    for arm in arms(spec):
        summary = run(spec.arm_params(arm.values), seed).summary
        summaries[arm.label] = {k: f"{v:.6e}" for k, v in sorted(summary.items())}
    text = json.dumps(summaries, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def marker(doc: str) -> tuple[str, str] | None:
    """The (code, behaviour) fingerprints the doc's part was made with, if it says."""
    found = MARKER.search(doc)
    return (found.group(1), found.group(2)) if found else None


# -- the part ---------------------------------------------------------------------------------
def section(default: Validation, perturbed: Validation, code: str, behaviour: str) -> str:
    lines = [f"<!-- made by: code {code} behaviour {behaviour} -->", "",
             "### At the defaults", "",
             f"    {default.provenance['command']}", "",
             *md_table(*fact_rows(default)), ""]
    gaps = untested(default)
    if gaps:
        lines += ["Not tested:", "", *[f"- {g}" for g in gaps], ""]
    lines += ["### Across perturbed assumption parameters", "",
              f"    {perturbed.provenance['command']}", "",
              *md_table(*fact_rows(perturbed)), "",
              _made_with(default), "",
              "### Every claim at the defaults", ""]
    for fact in default.facts:
        verdict = default.summary.loc[default.summary["fact"] == fact.number, "verdict"].iloc[0]
        lines += [f"#### Fact {fact.number}: {verdict}", "",
                  *md_table(*claim_rows(default, fact.number)), ""]
    return "\n".join(lines).rstrip()


def _made_with(v: Validation) -> str:
    p = v.provenance
    code = f"alignsim {p['versions']['alignsim']}"
    if p.get("git_commit"):
        code += f" at git {p['git_commit'][:10]}{' with local changes' if p['git_dirty'] else ''}"
    return (f"Made with {code}, Python {p['versions']['python']}, numpy "
            f"{p['versions']['numpy']}, Mesa {p['versions']['mesa']}, by "
            "`python docs/make_validation.py --write`; every claim of both runs is in "
            "`claims.csv` of their results folders.")


def replace_section(doc: str, part: str) -> str:
    if doc.count(START) != 1 or doc.count(END) != 1:
        raise ValueError(f"the doc needs one {START} and one {END}")
    head, rest = doc.split(START)
    _, tail = rest.split(END)
    return f"{head}{START}\n{part}\n{END}{tail}"


def block(doc: str) -> str:
    """The generated part of a doc, without its markers."""
    return doc.split(START)[1].split(END)[0].strip()


def generate(*, seeds: int = DEFAULTS["seeds"], seed_base: int = DEFAULTS["seed_base"],
             perturb: int = DEFAULTS["perturb"], perturb_seeds: int = DEFAULTS["perturb_seeds"],
             weeks: int | None = None, facts: Sequence[int] | None = None,
             results: Path = ROOT, workers: int | None = None, quiet: bool = False) -> str:
    """Run (or resume) both validations and return the doc's part."""
    code = code_fingerprint()  # of the code as imported now, not as it may be by the end
    chosen = list(facts) if facts is not None else None
    runs = []
    for n, k in ((seeds, 0), (perturb_seeds, perturb)):
        validation, failed = run_validation(
            chosen, seeds=n, seed_base=seed_base, weeks=weeks, perturb=k,
            out=results / default_out(seed_base, k), workers=workers, quiet=quiet)
        if failed:
            raise SystemExit(f"{failed} run(s) failed in {default_out(seed_base, k)}; see "
                             "`alignsim runs` on that folder")
        runs.append(validation)
    return section(runs[0], runs[1], code, behaviour_fingerprint())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the part in the doc")
    parser.add_argument("--fingerprint", action="store_true",
                        help="print the code and behaviour fingerprints of the model now")
    parser.add_argument("--doc", type=Path, default=DOC)
    parser.add_argument("--results", type=Path, default=ROOT,
                        help="where results/validate-* go (default: the checkout)")
    parser.add_argument("--seeds", type=int, default=DEFAULTS["seeds"])
    parser.add_argument("--perturb", type=int, default=DEFAULTS["perturb"])
    parser.add_argument("--perturb-seeds", type=int, default=DEFAULTS["perturb_seeds"])
    parser.add_argument("--weeks", type=int, default=None)
    parser.add_argument("--facts", default=None, help="e.g. 7,9 (a quick look; default all)")
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)
    if args.fingerprint:
        print(f"code {code_fingerprint()} behaviour {behaviour_fingerprint()}")
        return 0
    facts = [int(f) for f in args.facts.split(",")] if args.facts else None
    part = generate(seeds=args.seeds, perturb=args.perturb, perturb_seeds=args.perturb_seeds,
                    weeks=args.weeks, facts=facts, results=args.results, workers=args.workers)
    if args.write:
        args.doc.write_text(replace_section(args.doc.read_text(encoding="utf-8"), part),
                            encoding="utf-8")
        print(f"wrote the generated part of {args.doc}")
    else:
        print(part)
    return 0


if __name__ == "__main__":
    sys.exit(main())
