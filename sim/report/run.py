"""`ceasefire report`: a stored run or sweep -> one offline HTML file; here, the run report.

The report is one self-contained file: charts are embedded as PNG data URIs, the style is
inline, and nothing is fetched from anywhere (no scripts, fonts, stylesheets or links to
other sites), so it opens offline and can be mailed as is. It is written for a briefing
reader who never sees the CLI: the scenario in words, the evidence behind every stance,
the timeline, the charts with a line on how to read each, and how to reproduce it all.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import numpy as np

from sim.report.html import esc, interval, page, pct, section, table
from sim.report.plot import charts_html
from sim.report.sections import (
    _scenario,
    evidence_section,
    reproduce_section,
    scenario_section,
    timeline_section,
)
from sim.report.sweep import render_sweep_report
from sim.results.atomic import write_text_atomically
from sim.results.claim import GENERATOR_TAG, is_signed
from sim.results.open import ReportError, open_results
from sim.results.run_dir import RunResult
from sim.results.sweep_dir import SweepResult, threat_label

__all__ = ["ReportError", "render_run_report", "write_report"]


def _share_row(label: str, share: dict | None, of: str) -> list:
    if not share or not share.get("n"):
        return [label, "–", "–", "–", of]
    lo, hi = share["ci95"]
    return [
        label,
        pct(share["share"]),
        interval(lo, hi),
        f"{share['count']:,} / {share['n']:,}",
        of,
    ]


def results_table(run: RunResult) -> str:
    s, meta = run.summary, run.meta
    rows = [
        _share_row("Agreement", s["agreement"], "all replicates"),
        _share_row("Comprehensive ceasefire", s["comprehensive"], "all replicates"),
        _share_row("Partial ceasefire", s["partial"], "all replicates"),
        _share_row(
            f"Ceasefire holds {s['duration_days']} days",
            s["survives_duration"],
            "agreed ceasefires",
        ),
        _share_row("Ceasefire extended", s.get("extended"), "agreed ceasefires"),
    ]
    for tid, t in s.get("threats", {}).items():
        label = threat_label(tid, meta)
        label = label[:1].upper() + label[1:]
        rows.append(_share_row(f"{label} called", t["called"], "all replicates"))
        rows.append(_share_row(f"{label} carried out", t["carried_out"], "all replicates"))
    o = run.outcomes
    rounds = o["agreement_round"][o["agreed"]]
    dates = ""
    if len(rounds):
        q = np.quantile(rounds, [0.05, 0.5, 0.95]).round().astype(int)
        d = [run.start_date + dt.timedelta(days=int(v)) for v in q]
        dates = (
            f"<p>Median agreement date <b>{d[1]:%d %B %Y}</b>; 90% of agreements fall between "
            f"{d[0]:%d %b} and {d[2]:%d %b}. Median agreed terms: "
            + ", ".join(
                f"{esc(lab)} {s['median_terms'][k]:.2f}"
                for k, lab in zip(meta["issue_ids"], meta["issue_labels"], strict=True)
            )
            + ".</p>"
        )
    return (
        table(["Quantity", "Share", "95% interval", "Count", "Of"], rows, numeric=(1, 2, 3)) + dates
    )


def forecast_section(run: RunResult, scenario) -> str:
    """The classic static forecasts (compromise model, capability-weighted median, Nash
    solution) per issue, next to the terms this run's replicates agreed on."""
    from sim.forecast import beyond_red_lines, forecast_rows, static_forecasts

    static = static_forecasts(scenario)
    rows = forecast_rows(scenario, run.outcomes, static)

    def cell(row: dict, column: str) -> str:
        flag = " *" if beyond_red_lines(row, column) else ""
        return f"{row[column]:.2f}{flag}"

    body = []
    for row in rows:
        sim_cell = (
            "–"
            if np.isnan(row["simulated_median"])
            else f"{row['simulated_median']:.2f} ({row['simulated_q25']:.2f}–"
            f"{row['simulated_q75']:.2f})"
        )
        body.append(
            [
                row["label"],
                cell(row, "compromise"),
                cell(row, "weighted_median"),
                cell(row, "nash"),
                sim_cell,
            ]
        )
    surplus = ", ".join(
        f"{party} {value:+.3f}"
        for party, value in zip(static["party_names"], static["nash_surplus"], strict=True)
    )
    note = (
        '<p class="note">Static forecasts from the stated round-0 values: the compromise '
        "model (capability × salience weighted mean of the parties' and the mediator's "
        "positions), the capability-weighted median, and the Nash bargaining solution over "
        f"the parties' stated reservation values (surplus at that package: {esc(surplus)}; "
        "a negative surplus means no package satisfies every party at round 0). "
        "* marks a forecast beyond a party's stated red line. The simulated column is the "
        "median (and quartiles) of the agreed terms over the replicates that agreed: the "
        "difference is what concessions, pressure and time do over the talks.</p>"
    )
    header = ["Issue", "Compromise", "Weighted median", "Nash", "Simulated (quartiles)"]
    return section(
        "forecasts", "Forecasts next to the simulation", note + table(header, body, (1, 2, 3, 4))
    )


def render_run_report(run: RunResult, scenario, problem: str | None = None) -> str:
    from sim.results.summary import headline

    meta = run.meta
    o = run.outcomes
    extra = []
    if o["agreed"].any():
        med = meta.get("start_date") and run.summary.get("median_agreement_date")
        if med:
            extra.append(
                (
                    dt.date.fromisoformat(med),
                    "simulated",
                    f"Median agreement date across {meta['replicates']:,} replicates "
                    f"({pct(run.summary['agreement']['share'])} agree by the end of the talks).",
                    "model output",
                )
            )
    charts = charts_html(run)
    n, seed = meta["replicates"], meta["seed"]
    command = (
        f"ceasefire run {run.path / 'scenario.toml'} -n {n} --seed {seed} --out <new directory>"
    )
    if meta.get("command"):
        command = f"{command}\n# recorded command: {meta['command']}"
    lede = (
        f'<p class="lede">{esc(headline(run.summary))}</p>'
        f'<p class="note">Simulated with ceasefire-sim {esc(meta.get("version", "?"))}: '
        f"{n:,} replicates, seed {seed}. Shares carry 95% Wilson intervals.</p>"
    )
    sections = [
        section("results", "Results at a glance", results_table(run)),
        forecast_section(run, scenario),
        scenario_section(scenario, problem),
        evidence_section(scenario),
        timeline_section(scenario, extra),
        section("charts", "Charts", charts),
        reproduce_section(
            meta,
            command,
            [
                ("Replicates", f"{n:,}"),
                ("Scenario file", meta.get("scenario_file")),
                ("Scenario SHA-256", meta.get("scenario_sha256")),
            ],
        ),
    ]
    return page(meta.get("scenario_name", "Ceasefire simulation"), lede, sections)


# --- sweep reports ------------------------------------------------------------------------


def write_report(path: str | Path, out: Path | None = None) -> Path:
    """Build DIR/report.html (or ``out``) from a run or a summarised sweep directory."""
    path = Path(path)
    result = open_results(path)
    target = Path(out) if out else path / "report.html"
    check_output_file(target, "report.html")
    if isinstance(result, SweepResult):
        base = path / result.manifest.get("base_scenario", "scenario.toml")
        scenario, problem = _scenario(base if base.exists() else path / "scenario.toml")
        text = render_sweep_report(result, scenario, problem)
    else:
        scenario, problem = _scenario(path / "scenario.toml")
        text = render_run_report(result, scenario, problem)
    return write_text_atomically(target, text)


def check_output_file(target: Path, example: str) -> None:
    """Refuse a target that is a folder, or a file this tool did not write as a page."""
    if target.is_dir():
        raise ReportError(f"{target}: is a folder; --out takes a file name such as {example}")
    if os.path.lexists(target) and (
        target.is_symlink() or not is_signed(target, (GENERATOR_TAG.encode(),))
    ):
        raise ReportError(
            f"{target}: exists and is not a page ceasefire wrote; not overwritten "
            "(choose another --out)"
        )
