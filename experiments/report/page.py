"""The report's page: ``index.html`` (opens with no network) and ``report.md``, from the same
content: the facts of the experiment and how its intervals are made, tables of arm means and
paired differences, the findings in words, how many replicates each contrast needs, what the
numbers mean, and the figures by section."""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd

from experiments import analysis
from experiments.report.context import Context
from experiments.report.headings import describe_box, describe_difference
from experiments.report.style import (
    constant_note,
    definition,
    format_value,
    lower_case,
    metric_kind,
    metric_label,
    precision_words,
    sentence_case,
    short_arm,
)
from experiments.spec import SAMPLED

# Sentences under a section's figures: the paired differences of the report's derived metrics.
SECTION_METRICS = {"Trust and cooperation": ("trust", "cooperation"),
                   "People network": ("cross_ties",)}


class Page:
    """index.html and report.md from the same content."""

    def __init__(self, ctx: Context, tables: dict[str, Any],
                 sections: list[tuple[str, str, str, str]], notes: list[str], state: Any,
                 sizes: dict[str, tuple[int, int]], svg: bool = False) -> None:
        self.ctx, self.tables, self.sections, self.notes, self.state = (
            ctx, tables, sections, list(notes), state)
        self.sizes = sizes
        self.svg = svg
        """Whether every figure was written as SVG too (`alignsim report --svg`)."""
        if tables.get("_warning"):
            self.notes.insert(0, tables["_warning"] + " See 'Replicates needed' below.")

    # content shared by both formats -----------------------------------------------------------
    def _title(self) -> str:
        return f"Experiment report: {self.ctx.spec.name}"

    def _facts(self) -> list[str]:
        spec, state, ctx = self.ctx.spec, self.state, self.ctx
        factors = ", ".join(
            f"{metric_label(f.name) if f.name != 'preset' else 'preset'} "
            f"({', '.join(_level(v) for v in f.levels) if f.levels else f'{f.lo:g} to {f.hi:g}'})"
            for f in spec.factors) or "none"
        design = (f"named arms ({', '.join(name for name, _ in spec.named_arms)})"
                  if spec.named_arms else f"{spec.design}; factors: {factors}")
        facts = [
            f"Design: {design}",
            f"Base preset: {spec.preset}; {spec.weeks} weeks per run. The first "
            f"{ctx.burn_in_weeks} weeks are burn-in and left out of every summary, table and "
            f"title: the numbers cover weeks {ctx.burn_in_weeks + 1}-{spec.weeks}",
            f"Replicates: {spec.replicates} per arm, on the same seeds in every arm (common "
            f"random numbers), base seed {spec.seed}",
            f"Runs: {state.done} finished, {state.failed} failed, {state.remaining} missing, of "
            f"{state.planned} planned",
        ]
        if spec.design not in SAMPLED:
            facts.append(
                f"Intervals: 95% percentile bootstrap ({analysis.N_BOOT:,} resamples, seeded) of "
                "the mean over replicates; differences between arms are paired by replicate "
                "(same seed) and bootstrapped the same way. A difference is clear when its "
                "interval excludes zero. Titles name an arm as leading only when no other "
                "arm's paired interval lies above it. Replicates needed: from the spread of "
                "each contrast's paired differences, the replicates for a t interval within "
                f"{precision_words(ctx.precision)}, and at least {analysis.MIN_REPLICATES}")
        return facts

    def _arm_rows(self) -> tuple[list[str], list[list[str]]]:
        means = self.tables["arm_means"]
        header = ["Arm", *[metric_label(m) for m in self.ctx.metrics]]
        rows = []
        for arm, look in self.ctx.look.items():
            part = means[means["arm"] == arm].set_index("metric")
            rows.append([look.name, *[
                f"{format_value(m, part.loc[m, 'mean'])} "
                f"[{format_value(m, part.loc[m, 'low'])}, {format_value(m, part.loc[m, 'high'])}]"
                for m in self.ctx.metrics]])
        return header, rows

    def _constant_notes(self) -> list[str]:
        """Arms whose metric is the same in every replicate, with the reason where known."""
        means = self.tables["arm_means"]
        out = []
        same = means[(means["n"] > 1) & (means["low"] == means["high"])]
        for r in same.itertuples(index=False):
            reason = constant_note(r.metric, r.mean)
            out.append(f"{sentence_case(self.ctx.look[r.arm].name)}: "
                       f"{lower_case(metric_label(r.metric))} is "
                       f"{format_value(r.metric, r.mean)} in every replicate, so its interval "
                       "has no width" + (f": {reason}." if reason else
                                         ": the arm's settings fix it, whatever the market does."))
        return out

    def _sentences(self, metrics: list[str] | tuple[str, ...], rows: pd.DataFrame
                   ) -> dict[str, list[str]]:
        """Each arm's paired difference from the baseline in one sentence per metric, marked
        provisional where the contrast has too few replicates."""
        look, base = self.ctx.look, self.ctx.baseline
        guidance = self.tables.get("replication", pd.DataFrame())
        short = set()
        if not guidance.empty:
            short = set(zip(guidance.loc[~guidance["enough"], "arm"],
                            guidance.loc[~guidance["enough"], "metric"], strict=True))
        out: dict[str, list[str]] = {}
        for metric in metrics:
            part = rows[(rows["metric"] == metric) & (rows["baseline"] == base)
                        & (rows["arm"] != base)]
            sentences = []
            for _, r in part.iterrows():
                text = describe_difference(
                    r, sentence_case(look[r["arm"]].name), look[base].name,
                    lambda v, m=metric: format_value(m, v, signed=True).lstrip("+"),
                    lower_case(metric_label(metric)), relative=metric_kind(metric) != "pct")
                if (r["arm"], metric) in short:
                    text += f" Provisional: {int(r['n_pairs'])} replicates{self._needs(r)}."
                sentences.append(text)
            out[metric] = sentences
        return out

    def _needs(self, row: pd.Series) -> str:
        guidance = self.tables["replication"]
        match = guidance[(guidance["arm"] == row["arm"]) & (guidance["metric"] == row["metric"])]
        if match.empty or match["needed"].isna().all():
            return f", at least {analysis.MIN_REPLICATES} needed"
        return f", {int(match['needed'].iloc[0])} needed"

    def _paired_sentences(self) -> dict[str, list[str]]:
        return self._sentences(self.ctx.metrics, self.tables["paired"])

    def _section_sentences(self, section: str) -> list[str]:
        metrics = [m for m in SECTION_METRICS.get(section, ())
                   if m in set(self.tables.get("pairwise", pd.DataFrame(columns=["metric"]))
                               ["metric"])]
        if not metrics or len(self.ctx.look) < 2:
            return []
        found = self._sentences(metrics, self.tables["pairwise"])
        return [s for m in metrics for s in found[m]]

    def _paired_rows(self) -> tuple[list[str], list[list[str]]]:
        paired = self.tables["paired"]
        header = ["Arm", *[metric_label(m) for m in self.ctx.metrics]]
        rows = []
        for arm, look in self.ctx.look.items():
            if arm == self.ctx.baseline:
                continue
            part = paired[paired["arm"] == arm].set_index("metric")
            cells = []
            for m in self.ctx.metrics:
                r = part.loc[m]
                cells.append(f"{r['verdict']}: {format_value(m, r['difference'], signed=True)} "
                             f"[{format_value(m, r['low'], signed=True)}, "
                             f"{format_value(m, r['high'], signed=True)}]")
            rows.append([look.name, *cells])
        return header, rows

    def _replication_rows(self) -> tuple[list[str], list[list[str]]]:
        """Per contrast and metric: replicates needed for the precision, marked when short."""
        guidance = self.tables["replication"]
        header = ["Arm", *[metric_label(m) for m in self.ctx.metrics]]
        rows = []
        for arm, look in self.ctx.look.items():
            if arm == self.ctx.baseline:
                continue
            part = guidance[guidance["arm"] == arm].set_index("metric")
            cells = []
            for m in self.ctx.metrics:
                r = part.loc[m]
                need = "n/a" if np.isnan(r["needed"]) else f"{int(r['needed'])}"
                cells.append(need + ("" if r["enough"] else " (too few)"))
            rows.append([look.name, *cells])
        return header, rows

    def _replication_text(self) -> str:
        guidance = self.tables["replication"]
        n = int(guidance["n_pairs"].min()) if len(guidance) else 0
        short = int((~guidance["enough"]).sum())
        base = self.ctx.look[self.ctx.baseline].name
        verdict = (f"{short} of {len(guidance)} contrasts have too few replicates "
                   f"(marked): their verdicts are provisional." if short else
                   "Every contrast has enough replicates.")
        return (f"Replicates each contrast needs for a 95% interval within "
                f"{precision_words(self.ctx.precision, base)} (`--precision` to change), from "
                f"the spread of its paired differences over the {n} replicates run, and never "
                f"fewer than {analysis.MIN_REPLICATES}. {verdict}")

    def _definitions(self) -> list[str]:
        names = [*self.ctx.metrics]
        if "_derived_means" in self.tables:
            names += list(dict.fromkeys(self.tables["_derived_means"]["metric"]))
        out = [f"{metric_label(m)}: {definition(m)}" for m in names if definition(m)]
        return [*out, "Burn-in: the first weeks of a run, while the firm settles from its "
                      "starting state; left out of every summary. Weekly charts shade them."]

    def _sampled_text(self) -> list[str]:
        out = []
        box = self.tables.get("_box")
        if box is not None:
            out.append(describe_box(box, label=metric_label))
        for result in self.tables.get("_sensitivity", []):
            if result.table.empty:
                out.append(f"{metric_label(result.metric)}: no sensitivity indices "
                           f"({result.note}).")
        return out

    def _overall_rows(self) -> tuple[list[str], list[list[str]]]:
        overall = self.tables["overall"]
        rows = [[metric_label(m), format_value(m, r["mean"]),
                 f"[{format_value(m, r['low'])}, {format_value(m, r['high'])}]",
                 f"{format_value(m, r['min'])} to {format_value(m, r['max'])}"]
                for m, r in overall.iterrows()]
        return ["Metric", "Mean over all runs", "95% interval", "Range"], rows

    def _figure_groups(self) -> dict[str, list[tuple[str, str, str]]]:
        groups: dict[str, list[tuple[str, str, str]]] = {}
        for section, stem, caption, heading in self.sections:
            groups.setdefault(section, []).append((stem, caption, heading))
        return groups

    def _factorial(self) -> bool:
        return self.ctx.spec.design not in SAMPLED

    def _compared(self) -> bool:
        return self._factorial() and len(self.ctx.look) > 1

    # html ----------------------------------------------------------------------------------------
    def html(self) -> str:
        e = html.escape
        ctx = self.ctx
        parts = [
            "<!DOCTYPE html>", "<html lang=\"en\"><head><meta charset=\"utf-8\">",
            f"<title>{e(self._title())}</title>", f"<style>{_CSS}</style></head><body>",
            f"<h1>{e(self._title())}</h1>",
        ]
        if ctx.spec.description:
            parts.append(f"<p class=\"lead\">{e(ctx.spec.description)}</p>")
        for note in self.notes:
            parts.append(f"<p class=\"note\">{e(note)}</p>")
        parts.append("<ul>" + "".join(f"<li>{e(f)}</li>" for f in self._facts()) + "</ul>")
        if self._factorial():
            parts.append("<h2>Results by arm</h2><p>Mean over replicates with the 95% bootstrap "
                         "interval in brackets.</p>")
            parts.append(_html_table(*self._arm_rows()))
            parts += [f"<p class=\"aside\">{e(n)}</p>" for n in self._constant_notes()]
        if self._compared():
            base = ctx.look[ctx.baseline].name
            parts.append(f"<h2>Differences from {e(base)}</h2><p>Paired by replicate: each arm "
                         f"minus {e(base)} on the same seed, mean difference and 95% interval. "
                         "An interval that excludes zero is a clear difference.</p>")
            for metric, sentences in self._paired_sentences().items():
                if sentences:
                    parts.append(f"<h3>{e(metric_label(metric))}</h3><ul>"
                                 + "".join(f"<li>{e(s)}</li>" for s in sentences) + "</ul>")
            parts.append("<details><summary>The same as a table</summary>"
                         + _html_table(*self._paired_rows()) + "</details>")
            parts.append(f"<h2>Replicates needed</h2><p>{e(self._replication_text())}</p>")
            parts.append(_html_table(*self._replication_rows()))
        if not self._factorial():
            parts.append("<h2>Results over the design</h2>")
            parts.append(_html_table(*self._overall_rows()))
            parts.append("<h2>Where alignment fails</h2>")
            parts += [f"<p>{e(t)}</p>" for t in self._sampled_text()]
        for section, items in self._figure_groups().items():
            parts.append(f"<h2>{e(section)}</h2>")
            for stem, caption, heading in items:
                w, h = self.sizes[stem]
                # Shown at half its pixel size: 200 dpi images stay sharp on high-density screens.
                parts.append(
                    f"<figure><img src=\"figures/{stem}.png\" alt=\"{e(heading)}\" "
                    f"width=\"{w // 2}\" height=\"{h // 2}\" data-px=\"{w}x{h}\">"
                    f"<figcaption>{e(caption)}"
                    + (f" <a href=\"figures/{stem}.svg\">SVG</a>" if self.svg else "")
                    + "</figcaption>"
                    "</figure>")
            sentences = self._section_sentences(section)
            if sentences:
                parts.append("<ul>" + "".join(f"<li>{e(s)}</li>" for s in sentences) + "</ul>")
        parts.append("<h2>What the numbers mean</h2><ul>"
                     + "".join(f"<li>{e(d)}</li>" for d in self._definitions()) + "</ul>")
        figures = ("PNG (200 dpi) and SVG" if self.svg else
                   "PNG (200 dpi; <code>alignsim report --svg</code> adds SVG)")
        parts.append(f"<h2>Files</h2><p>Tables as CSV in <code>tables/</code>; figures as "
                     f"{figures} in <code>figures/</code>; the same text in "
                     "<code>report.md</code>.</p>")
        parts.append(f"<p class=\"source\">{e(ctx.source)}</p></body></html>")
        return "\n".join(parts)

    # markdown -------------------------------------------------------------------------------------
    def markdown(self) -> str:
        ctx = self.ctx
        lines = [f"# {self._title()}", ""]
        if ctx.spec.description:
            lines += [ctx.spec.description, ""]
        lines += [f"> {n}" for n in self.notes] + ([""] if self.notes else [])
        lines += [f"- {f}" for f in self._facts()] + [""]
        if self._factorial():
            lines += ["## Results by arm", "",
                      "Mean over replicates with the 95% bootstrap interval in brackets.", ""]
            lines += [*_md_table(*self._arm_rows()), ""]
            lines += [*self._constant_notes(), ""] if self._constant_notes() else []
        if self._compared():
            lines += [f"## Differences from {ctx.look[ctx.baseline].name}", "",
                      "Paired by replicate (same seed), mean difference and 95% interval.", ""]
            for metric, sentences in self._paired_sentences().items():
                if sentences:
                    lines += [f"### {metric_label(metric)}", ""]
                    lines += [f"- {s}" for s in sentences] + [""]
            lines += ["## Replicates needed", "", self._replication_text(), ""]
            lines += [*_md_table(*self._replication_rows()), ""]
        if not self._factorial():
            lines += ["## Results over the design", "", *_md_table(*self._overall_rows())]
            lines += ["", "## Where alignment fails", "", *self._sampled_text(), ""]
        for section, items in self._figure_groups().items():
            lines += [f"## {section}", ""]
            for stem, caption, heading in items:
                lines += [f"![{heading}](figures/{stem}.png)", "", f"*{caption}*", ""]
            sentences = self._section_sentences(section)
            lines += [*(f"- {s}" for s in sentences), ""] if sentences else []
        lines += ["## What the numbers mean", "", *(f"- {d}" for d in self._definitions()), ""]
        lines += ["---", "", ctx.source, ""]
        return "\n".join(lines)


def _level(value: object) -> str:
    return short_arm(f"preset={value}")


def _html_table(header: list[str], rows: list[list[str]]) -> str:
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (f"<div class=\"wide\"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody>"
            "</table></div>")


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    return (["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            + ["| " + " | ".join(row) + " |" for row in rows])


_CSS = """
body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.8em;border-bottom:1px solid #ddd}
h3{font-size:1em;margin-bottom:.3em}.lead{font-size:1.1em;color:#444}
.note{background:#fff4e0;border-left:4px solid #E69F00;padding:.5em .8em}
.aside{font-size:.9em;color:#444}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
th,td{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f4f4f4}td{white-space:nowrap}.wide{overflow-x:auto}
figure{margin:1.5em 0}img{max-width:100%;height:auto}
figcaption{font-size:.9em;color:#555}.source{font-size:.8em;color:#777;margin-top:3em}
"""
