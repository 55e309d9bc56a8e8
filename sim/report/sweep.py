"""The sweep report: the design, the chart of each varied parameter, the table of points."""

from __future__ import annotations

import numpy as np

from sim.report.html import Raw, esc, interval, page, pct, section, table
from sim.report.plot import charts_html
from sim.report.sections import (
    evidence_section,
    reproduce_section,
    scenario_section,
    timeline_section,
)
from sim.results.measures import DEAL_90, MEASURES
from sim.results.summary import counted
from sim.results.sweep_dir import SweepResult, parameter_label


def _declared(spec: dict) -> str:
    """A parameter's declaration as the user wrote it: floats without binary noise
    (0.3, not 0.30000000000000004), lists shortened past eight values."""

    def show(value) -> str:
        if isinstance(value, float):
            return f"{value:.10g}"
        if isinstance(value, list):
            items = [show(v) for v in value]
            return "[" + ", ".join(items if len(items) <= 8 else [*items[:3], "…", items[-1]]) + "]"
        if isinstance(value, dict):
            return "{" + ", ".join(f"{k} = {show(v)}" for k, v in value.items()) + "}"
        return str(value)

    return "; ".join(f"{k} = {show(v)}" for k, v in spec.items()) if spec else "–"


def sweep_experiment(sweep: SweepResult) -> dict:
    """The sweep file's own words, from its copy in the sweep directory: ``name``,
    ``description`` (the question it asks, both from ``[sweep]``) and each parameter's
    ``description`` (from ``[parameters."path"]``) by path; empty where unreadable."""
    import tomllib

    try:
        data = tomllib.loads((sweep.path / "experiment.toml").read_text("utf-8"))
    except (OSError, ValueError):
        data = {}
    head = data.get("sweep") if isinstance(data.get("sweep"), dict) else {}
    parameters = data.get("parameters") if isinstance(data.get("parameters"), dict) else {}
    return {
        "name": str(head.get("name") or ""),
        "description": str(head.get("description") or ""),
        "parameters": {
            str(path): str(spec.get("description") or "")
            for path, spec in parameters.items()
            if isinstance(spec, dict)
        },
    }


def design_section(sweep: SweepResult, experiment: dict | None = None) -> str:
    design = sweep.manifest.get("design", {})
    described = (experiment or {}).get("parameters", {})
    rows = []
    for p in sweep.parameters:
        values = sweep.values(p)
        spec = next((d for d in design.get("parameters", []) if d.get("path") == p), {})
        shown = (
            ", ".join(f"{v:g}" for v in values)
            if len(values) <= 8
            else (f"{values.min():g} … {values.max():g} ({len(values)} distinct values)")
        )
        declared = {k: v for k, v in spec.items() if k != "path"}
        rows.append(
            [
                Raw(
                    f"<b>{esc(parameter_label(p, sweep.facts))}</b>"
                    + (f"<br>{esc(described[p])}" if described.get(p) else "")
                ),
                Raw(f"<code>{esc(p)}</code>"),
                shown,
                _declared(declared),
            ]
        )
    reps = design.get("replicates")
    each = f" × {counted(reps, 'replicate')} each" if isinstance(reps, int) else ""
    text = (
        f"<p>{esc(sweep.kind.capitalize())} design over "
        f"{counted(len(sweep.parameters), 'parameter')}: "
        f"{counted(sweep.points, 'point')}{each}.</p>"
    )
    return section(
        "design",
        "The experiment",
        text
        + table(
            ["Parameter (and why it varies)", "Path", "Values in the design", "As declared"], rows
        ),
    )


def sweep_table(sweep: SweepResult, limit: int = 60) -> str:
    from sim.charts.sweep import measure_label

    t = sweep.table
    order = np.argsort(t["point"], kind="stable")[:limit]
    cols = [m.column for m in MEASURES if m.column in t]
    rows = []
    for i in order:
        row = [
            int(t["point"][i]),
            *[f"{float(t[p][i]):.4g}" for p in sweep.parameters],
            f"{int(t['n'][i]):,}",
        ]
        for c in cols:
            lo, hi = t.get(f"{c}_lo"), t.get(f"{c}_hi")
            share = pct(float(t[c][i]))
            if lo is not None and hi is not None:
                share += f" ({interval(float(lo[i]), float(hi[i]), 0)})"
            row.append(share)
        rows.append(row)
    header = [
        "Point",
        *[parameter_label(p, sweep.facts) for p in sweep.parameters],
        "n",
        *[measure_label(c, sweep.facts) for c in cols],
    ]
    more = (
        f'<p class="note">First {limit} of {counted(sweep.points, "point")}; all are in '
        "summary.csv.</p>"
        if sweep.points > limit
        else ""
    )
    numeric = range(0, len(header))
    return section("points", "Design points", table(header, rows, numeric=numeric) + more)


def render_sweep_report(sweep: SweepResult, scenario, problem: str | None = None) -> str:
    m = sweep.manifest
    charts = charts_html(sweep)
    if not charts:
        charts = '<p class="note">No chart applies: the design varies no parameter.</p>'
    scenario_name = sweep.facts.get("scenario_name", "")
    experiment = sweep_experiment(sweep)
    name = experiment["name"] or sweep.path.name
    t = sweep.table
    column = t.get(DEAL_90.column, np.zeros(0))
    deal = column[np.isfinite(column)]
    lo, hi = (deal.min(), deal.max()) if len(deal) else (None, None)
    spread = (
        f"{DEAL_90.label} is {pct(lo)}"
        if sweep.points == 1
        else f"{DEAL_90.label} ranges from {pct(lo)} to {pct(hi)} over "
        f"{counted(sweep.points, 'design point')}"
    )
    question = experiment["description"]
    lede = (
        (f'<p class="lede">{esc(question)}</p>' if question else "")
        + '<p class="note">'
        + (f"Base scenario: {esc(scenario_name)}. " if scenario_name else "")
        + f"{esc(spread)}.</p>"
    )
    command = m.get("command") or (
        f"ceasefire sweep {sweep.path / 'experiment.toml'} --out <new directory>\n"
        "ceasefire summarize <new directory>"
    )
    sections = [
        design_section(sweep, experiment),
        section("charts", "Charts", charts),
        sweep_table(sweep),
        scenario_section(scenario, problem),
        evidence_section(scenario),
        timeline_section(scenario),
        reproduce_section(
            m,
            command,
            [
                ("Design", f"{sweep.kind}, {counted(sweep.points, 'point')}"),
                ("Experiment SHA-256", m.get("experiment_sha256")),
                ("Scenario SHA-256", m.get("scenario_sha256")),
            ],
        ),
    ]
    heading = name if experiment["name"] else f"Sweep: {name}"
    return page(heading, lede, sections)
