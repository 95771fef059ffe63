"""The report's page: ``index.html`` (opens with no network) and ``report.md``, from the same
content: the facts of the experiment, tables of arm means and paired differences, the findings
in words, and the figures by section."""

from __future__ import annotations

import html
from typing import Any

from experiments.report.context import Context
from experiments.report.headings import describe_box, describe_difference
from experiments.report.style import (
    format_value,
    lower_case,
    metric_kind,
    metric_label,
    sentence_case,
    short_arm,
)


class Page:
    """index.html and report.md from the same content."""

    def __init__(self, ctx: Context, tables: dict[str, Any],
                 sections: list[tuple[str, str, str, str]], notes: list[str], state: Any,
                 sizes: dict[str, tuple[int, int]]) -> None:
        self.ctx, self.tables, self.sections, self.notes, self.state = (
            ctx, tables, sections, list(notes), state)
        self.sizes = sizes
        if False in tables.get("network_matches", []):
            self.notes.append("The network chart was redrawn by rerunning the stored runs, "
                              "but this version of the model gives different numbers: the "
                              "model code changed since the sweep.")

    # content shared by both formats -----------------------------------------------------------
    def _title(self) -> str:
        return f"Experiment report: {self.ctx.spec.name}"

    def _facts(self) -> list[str]:
        spec, state = self.ctx.spec, self.state
        factors = ", ".join(
            f"{metric_label(f.name) if f.name != 'preset' else 'preset'} "
            f"({', '.join(_level(v) for v in f.levels) if f.levels else f'{f.lo:g} to {f.hi:g}'})"
            for f in spec.factors) or "none"
        design = (f"named arms ({', '.join(name for name, _ in spec.named_arms)})"
                  if spec.named_arms else f"{spec.design}; factors: {factors}")
        return [
            f"Design: {design}",
            f"Base preset: {spec.preset}; {spec.weeks} weeks per run, first "
            f"{self.ctx.burn_in_weeks} weeks burn-in (left out of the summaries)",
            f"Replicates: {spec.replicates} per arm, on the same seeds in every arm (common "
            f"random numbers), base seed {spec.seed}",
            f"Runs: {state.done} finished, {state.failed} failed, {state.remaining} missing, of "
            f"{state.planned} planned",
        ]

    def _arm_rows(self) -> tuple[list[str], list[list[str]]]:
        means = self.tables["arm_means"]
        header = ["Arm", *[metric_label(m) for m in self.ctx.metrics]]
        rows = []
        for arm, (name, _) in self.ctx.look.items():
            part = means[means["arm"] == arm].set_index("metric")
            rows.append([name, *[
                f"{format_value(m, part.loc[m, 'mean'])} "
                f"[{format_value(m, part.loc[m, 'low'])}, {format_value(m, part.loc[m, 'high'])}]"
                for m in self.ctx.metrics]])
        return header, rows

    def _paired_sentences(self) -> dict[str, list[str]]:
        paired, look = self.tables["paired"], self.ctx.look
        base_name = look[self.ctx.baseline][0]
        out: dict[str, list[str]] = {}
        for metric in self.ctx.metrics:
            rows = paired[(paired["metric"] == metric) & (paired["arm"] != self.ctx.baseline)]
            out[metric] = [
                describe_difference(
                    r, sentence_case(look[r["arm"]][0]), base_name,
                    lambda v, m=metric: format_value(m, v, signed=True).lstrip("+"),
                    lower_case(metric_label(metric)),
                    relative=metric_kind(metric) != "pct")
                for _, r in rows.iterrows()]
        return out

    def _paired_rows(self) -> tuple[list[str], list[list[str]]]:
        paired = self.tables["paired"]
        header = ["Arm", *[metric_label(m) for m in self.ctx.metrics]]
        rows = []
        for arm, (name, _) in self.ctx.look.items():
            if arm == self.ctx.baseline:
                continue
            part = paired[paired["arm"] == arm].set_index("metric")
            cells = []
            for m in self.ctx.metrics:
                r = part.loc[m]
                cells.append(f"{r['verdict']}: {format_value(m, r['difference'], signed=True)} "
                             f"[{format_value(m, r['low'], signed=True)}, "
                             f"{format_value(m, r['high'], signed=True)}]")
            rows.append([name, *cells])
        return header, rows

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
        if not ctx.spec.sampled:
            parts.append("<h2>Results by arm</h2><p>Mean over replicates with the 95% bootstrap "
                         "interval in brackets.</p>")
            parts.append(_html_table(*self._arm_rows()))
        if not ctx.spec.sampled and len(ctx.look) > 1:
            base = ctx.look[ctx.baseline][0]
            parts.append(f"<h2>Differences from {e(base)}</h2><p>Paired by replicate: each arm "
                         f"minus {e(base)} on the same seed, mean difference and 95% interval. "
                         "An interval that excludes zero is a clear difference.</p>")
            for metric, sentences in self._paired_sentences().items():
                if sentences:
                    parts.append(f"<h3>{e(metric_label(metric))}</h3><ul>"
                                 + "".join(f"<li>{e(s)}</li>" for s in sentences) + "</ul>")
            parts.append("<details><summary>The same as a table</summary>"
                         + _html_table(*self._paired_rows()) + "</details>")
        if ctx.spec.sampled:
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
                    f"<figcaption>{e(caption)} <a href=\"figures/{stem}.svg\">SVG</a></figcaption>"
                    "</figure>")
        parts.append("<h2>Files</h2><p>Tables as CSV in <code>tables/</code>; figures as PNG "
                     "(200 dpi) and SVG in <code>figures/</code>; the same text in "
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
        if not ctx.spec.sampled:
            lines += ["## Results by arm", "",
                      "Mean over replicates with the 95% bootstrap interval in brackets.", ""]
            lines += [*_md_table(*self._arm_rows()), ""]
        if not ctx.spec.sampled and len(ctx.look) > 1:
            lines += [f"## Differences from {ctx.look[ctx.baseline][0]}", "",
                      "Paired by replicate (same seed), mean difference and 95% interval.", ""]
            for metric, sentences in self._paired_sentences().items():
                if sentences:
                    lines += [f"### {metric_label(metric)}", ""]
                    lines += [f"- {s}" for s in sentences] + [""]
        if ctx.spec.sampled:
            lines += ["## Results over the design", "", *_md_table(*self._overall_rows())]
            lines += ["", "## Where alignment fails", "", *self._sampled_text(), ""]
        for section, items in self._figure_groups().items():
            lines += [f"## {section}", ""]
            for stem, caption, heading in items:
                lines += [f"![{heading}](figures/{stem}.png)", "", f"*{caption}*", ""]
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
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
th,td{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f4f4f4}td{white-space:nowrap}.wide{overflow-x:auto}
figure{margin:1.5em 0}img{max-width:100%;height:auto}
figcaption{font-size:.9em;color:#555}.source{font-size:.8em;color:#777;margin-top:3em}
"""
