"""What `alignsim validate` writes and prints, from the judged claims: the fact table, every
claim with its interval, the parts that could not be tested and why, and how it was made.

Files (each written whole, under a temporary name and renamed): ``claims.csv`` (every claim in
every parameter set), ``facts.csv`` (the fact table; with perturbed sets, how often each fact
holds), ``arms.csv`` (what each stored arm stands for), ``validation.json`` (provenance),
``validation.md`` and ``index.html`` (one page that opens with no network: inline styles, no
scripts, the intervals drawn as inline SVG).
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from experiments import files
from experiments.analysis.facts import FAILS, HOLDS, INCONCLUSIVE, NOT_ABOVE, UNTESTABLE, Fact
from experiments.analysis.validation import BASE_SET, claim_robustness
from experiments.report.style import VERDICT_COLOURS

FILES = ("claims.csv", "facts.csv", "arms.csv", "validation.json", "validation.md", "index.html")
RULE = ("A claim holds when the bootstrap 95% interval of its mean paired statistic lies wholly "
        "on the predicted side of zero, fails when it lies wholly on the other side, and is "
        "inconclusive when it straddles zero; a \"not above\" claim holds unless the interval "
        "lies wholly above zero. A fact holds only if all its claims hold; it fails if any "
        "claim fails.")
_PREDICTED_WORDS = {"higher": "> 0", "lower": "< 0", NOT_ABOVE: "not > 0"}


@dataclass
class Validation:
    """The judged facts, ready to write and print."""

    facts: tuple[Fact, ...]
    claims: pd.DataFrame
    """`experiments.analysis.validation.judge`: every claim in every set."""
    summary: pd.DataFrame
    """`experiments.analysis.validation.fact_summary`: the fact table."""
    arm_table: pd.DataFrame
    perturb: int
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def base_claims(self) -> pd.DataFrame:
        base = self.claims[self.claims["set"] == BASE_SET]
        if not self.perturb:
            return base
        return base.merge(claim_robustness(self.claims), on=["fact", "claim"], how="left")


# -- words and numbers ---------------------------------------------------------------------------
def number(value: float) -> str:
    """A statistic as a reader takes it in: 3 significant digits, thousands as whole numbers."""
    if value is None or not math.isfinite(value):
        return "-"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def interval(row: pd.Series) -> str:
    if row["verdict"] == UNTESTABLE:
        return "-"
    return f"{number(row['mean'])} [{number(row['low'])}, {number(row['high'])}]"


def held_in_sets(held: float, sets: float) -> str:
    if not sets or (isinstance(sets, float) and math.isnan(sets)):
        return "-"
    return f"{int(held)}/{int(sets)} ({held / sets:.0%})"


def fact_rows(v: Validation) -> tuple[list[str], list[list[str]]]:
    """The fact table: number, verdict, claims held, (robustness,) statement."""
    header = ["Fact", "Verdict", "Claims held"]
    if v.perturb:
        header.append(f"Holds in perturbed sets (of {v.perturb})")
    header.append("Statement")
    rows = []
    for _, r in v.summary.iterrows():
        row = [str(r["fact"]), r["verdict"], f"{r['claims_held']}/{r['claims_total']}"]
        if v.perturb:
            row.append(held_in_sets(r["sets_holds"], r["sets"]))
        rows.append([*row, r["text"]])
    return header, rows


def claim_rows(v: Validation, fact: int) -> tuple[list[str], list[list[str]]]:
    """The claims of one fact in the base set: what is compared, the interval, the verdict."""
    header = ["#", "Claim", "Statistic (metric)", "Predicted", "Mean [95% interval]", "Seeds",
              "Verdict"]
    if v.perturb:
        header.append("Holds in perturbed sets")
    claims = v.base_claims
    rows = []
    for _, r in claims[claims["fact"] == fact].iterrows():
        metric = f"{r['metric']} vs {r['metric_b']}" if r["metric_b"] else r["metric"]
        verdict = r["verdict"] + (f" ({r['reason']})" if r["reason"] else "")
        row = [str(r["claim"]), r["text"], f"{r['statistic']} ({metric})",
               _PREDICTED_WORDS[r["predicted"]], interval(r), str(r["n"]), verdict]
        if v.perturb:
            row.append(held_in_sets(r["sets_holds"], r["sets"]))
        rows.append(row)
    return header, rows


def untested(v: Validation) -> list[str]:
    """The parts that could not be tested, grouped by fact and reason, in every set."""
    lines = []
    gaps = v.claims[v.claims["verdict"] == UNTESTABLE]
    for (fact, reason), group in gaps.groupby(["fact", "reason"], sort=True):
        numbers = ", ".join(str(c) for c in sorted(group["claim"].unique()))
        sets = sorted(group["set"].unique())
        where = ("" if not v.perturb else " in the base set" if sets == [BASE_SET]
                 else f" in {len(sets)} of {v.perturb + 1} parameter sets")
        lines.append(f"Fact {fact}, claim{'s' * (len(group['claim'].unique()) > 1)} "
                     f"{numbers}{where}: {reason}")
    return lines


def source_lines(v: Validation) -> list[str]:
    p = v.provenance
    lines = [f"Command: `{p.get('command', '?')}`"]
    code = f"alignsim {p.get('versions', {}).get('alignsim', '?')}"
    if p.get("git_commit"):
        code += f" (git {p['git_commit'][:10]}{', modified' if p.get('git_dirty') else ''})"
    lines.append(f"Code: {code}; Python {p.get('versions', {}).get('python', '?')}, "
                 + ", ".join(f"{k} {val}" for k, val in p.get("versions", {}).items()
                             if k not in ("alignsim", "python")))
    lines.append(f"Runs: {p.get('seeds')} paired seeds per arm (replicate seeds of base seed "
                 f"{p.get('seed_base')}), {p.get('weeks')} weeks each, "
                 f"{p.get('runs_done')} of {p.get('runs_planned')} runs finished"
                 + (f", {p['runs_failed']} failed" if p.get("runs_failed") else ""))
    lines.append(f"Intervals: percentile bootstrap, {p.get('bootstrap', {}).get('resamples')} "
                 f"resamples, seed {p.get('bootstrap', {}).get('seed')}")
    if v.perturb:
        lines.append(f"Perturbation: {v.perturb} sets, each assumption parameter scaled by its "
                     f"own factor from U[0.7, 1.3] (seeded by base seed and set); "
                     f"{len(p.get('perturbed', []))} parameters: "
                     + ", ".join(p.get("perturbed", [])) + "; never perturbed: the governance "
                     "levers, switches and choices, run settings and the firm's facts ("
                     + ", ".join(p.get("firm_facts", [])) + ")")
    return lines


# -- console --------------------------------------------------------------------------------------
def console_table(v: Validation, width: int = 100) -> str:
    """The fact table as the console prints it, statements cut to fit `width`."""
    header = ["Fact", "Verdict", "Claims", *(["Perturbed"] if v.perturb else []), "Statement"]
    table = [header]
    for _, r in v.summary.iterrows():
        row = [str(r["fact"]), r["verdict"], f"{r['claims_held']}/{r['claims_total']}"]
        if v.perturb:
            row.append(f"{int(r['sets_holds'])}/{int(r['sets'])}")
        table.append([*row, r["text"]])
    widths = [max(len(row[i]) for row in table) for i in range(len(header) - 1)]
    lines = []
    for row in table:
        start = "  ".join(c.ljust(w) if i == 1 else c.rjust(w)
                          for i, (c, w) in enumerate(zip(row[:-1], widths, strict=True)))
        room = max(width - len(start) - 2, 20)
        text = row[-1] if len(row[-1]) <= room else row[-1][:room - 3] + "..."
        lines.append(f"{start}  {text}")
    counts = v.summary["verdict"].value_counts()
    lines += ["", ", ".join(f"{counts.get(k, 0)} {k}"
                            for k in (HOLDS, FAILS, INCONCLUSIVE, UNTESTABLE))
              + f" of {len(v.summary)} facts"]
    return "\n".join(lines)


# -- files ---------------------------------------------------------------------------------------
def write_validation(folder: Path, v: Validation) -> list[Path]:
    """Write the tables, the provenance and the page into `folder`; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    facts_csv = v.summary.copy()
    texts = {
        "claims.csv": v.claims.to_csv(index=False),
        "facts.csv": facts_csv.to_csv(index=False),
        "arms.csv": v.arm_table.to_csv(index=False),
        "validation.json": json.dumps(v.provenance, indent=2, default=str) + "\n",
        "validation.md": markdown(v),
        "index.html": page(v),
    }
    written = []
    for name in FILES:
        text = texts[name]
        files.write_atomic(folder / name, lambda f, t=text: f.write(t.encode("utf-8")))
        written.append(folder / name)
    return written


def markdown(v: Validation) -> str:
    lines = ["# Validation of the stylized facts", ""]
    lines += [*md_table(*fact_rows(v)), "", RULE, ""]
    gaps = untested(v)
    if gaps:
        lines += ["## Not tested", "", *[f"- {g}" for g in gaps], ""]
    lines += ["## The claims", ""]
    for fact in v.facts:
        verdict = v.summary.loc[v.summary["fact"] == fact.number, "verdict"].iloc[0]
        lines += [f"### Fact {fact.number}: {verdict}", "", fact.text, ""]
        lines += [*md_table(*claim_rows(v, fact.number)), ""]
    lines += ["## How this was made", "", *[f"- {s}" for s in source_lines(v)], ""]
    return "\n".join(lines)


def md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    def cell(text: str) -> str:
        return str(text).replace("|", "\\|")

    return (["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
            + ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows])


def page(v: Validation) -> str:
    e = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>Validation of the stylized facts</title>",
             f"<style>{_CSS}</style></head><body>",
             "<h1>Validation of the stylized facts</h1>"]
    header, rows = fact_rows(v)
    parts.append(_html_table(header, rows, verdict_column=1))
    parts.append(f"<p>{e(RULE)}</p>")
    gaps = untested(v)
    if gaps:
        parts.append("<h2>Not tested</h2><ul>" + "".join(f"<li>{e(g)}</li>" for g in gaps)
                     + "</ul>")
    parts.append("<h2>The claims</h2><p>Each bar is the 95% interval of the claim's mean paired "
                 "statistic, the dot its mean, the line zero; the bar is coloured by the "
                 "verdict.</p>")
    claims = v.base_claims
    for fact in v.facts:
        verdict = v.summary.loc[v.summary["fact"] == fact.number, "verdict"].iloc[0]
        parts.append(f'<h3>Fact {fact.number}: <span class="v" style="background:'
                     f'{VERDICT_COLOURS[verdict]}">{e(verdict)}</span></h3>'
                     f"<p>{e(fact.text)}</p>")
        header, rows = claim_rows(v, fact.number)
        glyphs = [_interval_svg(r) for _, r in claims[claims["fact"] == fact.number].iterrows()]
        parts.append(_html_table([*header[:5], "Interval", *header[5:]],
                                 [[*row[:5], glyph, *row[5:]]
                                  for row, glyph in zip(rows, glyphs, strict=True)],
                                 verdict_column=7, raw_column=5))
    parts.append("<h2>How this was made</h2><ul>"
                 + "".join(f"<li>{_code(e(s))}</li>" for s in source_lines(v)) + "</ul>")
    parts.append("<p>Tables: <code>facts.csv</code>, <code>claims.csv</code> (every claim in "
                 "every parameter set), <code>arms.csv</code>; provenance in "
                 "<code>validation.json</code>; the same text in <code>validation.md</code>."
                 "</p></body></html>")
    return "\n".join(parts)


def _code(escaped: str) -> str:
    """Markdown's `code` spans of an escaped line as HTML."""
    return re.sub(r"`([^`]*)`", r"<code>\1</code>", escaped)


def _html_table(header: Sequence[str], rows: Sequence[Sequence[str]], *,
                verdict_column: int, raw_column: int | None = None) -> str:
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = []
        for i, c in enumerate(row):
            if i == raw_column:
                cells.append(f"<td>{c}</td>")
            elif i == verdict_column:
                word = c.split(" ")[0]
                colour = VERDICT_COLOURS.get(word, "#999999")
                cells.append(f'<td><span class="v" style="background:{colour}">{e(word)}</span>'
                             f"{e(c[len(word):])}</td>")
            else:
                cells.append(f"<td>{e(c)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="wide"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}'
            "</tbody></table></div>")


def _interval_svg(row: pd.Series, width: int = 140, height: int = 14) -> str:
    """The claim's interval on its own scale, zero in the middle: the side it lies on is what
    the verdict reads."""
    if row["verdict"] == UNTESTABLE:
        return ""
    low, high, mean = float(row["low"]), float(row["high"]), float(row["mean"])
    span = max(abs(low), abs(high), abs(mean)) or 1.0
    def x(value: float) -> float:
        return round(width / 2 + (width / 2 - 4) * value / span, 1)

    colour = VERDICT_COLOURS[row["verdict"]]
    mid = height / 2
    return (f'<svg width="{width}" height="{height}" role="img" aria-label="interval '
            f'{number(low)} to {number(high)}">'
            f'<line x1="{width / 2}" y1="0" x2="{width / 2}" y2="{height}" stroke="#444"/>'
            f'<line x1="{x(low)}" y1="{mid}" x2="{x(high)}" y2="{mid}" stroke="{colour}" '
            f'stroke-width="4"/><circle cx="{x(mean)}" cy="{mid}" r="3" fill="#222"/></svg>')


_CSS = """
body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;max-width:1200px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{margin-top:1.8em;border-bottom:1px solid #ddd}h3{font-size:1.05em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
th,td{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f4f4f4}.wide{overflow-x:auto}
.v{color:#fff;padding:0 .4em;border-radius:3px;font-weight:600}
"""
