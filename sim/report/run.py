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

from sim.calibration.results import is_calibration_dir
from sim.report.check import is_check_dir, render_check_report
from sim.report.html import esc, interval, page, pct, section, table
from sim.report.plot import charts_html
from sim.report.references import references_section
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
    """The headline measures with their intervals, the threats, and the first-deal dates."""
    from sim.results.measures import MEASURES

    s, meta = run.summary, run.meta
    of = {"replicates": "all replicates", "deals": "deals (unilateral truces apart)"}
    rows = [_share_row(m.label[:1].upper() + m.label[1:], s[m.key], of[m.of]) for m in MEASURES]
    for tid, t in s.get("threats", {}).items():
        label = threat_label(tid, meta)
        label = label[:1].upper() + label[1:]
        rows.append(_share_row(f"{label} called", t["called"], "all replicates"))
        rows.append(_share_row(f"{label} carried out", t["carried_out"], "all replicates"))
    days = run.outcomes["first_deal_day"]
    days = days[days >= 0]
    text = ""
    if len(days):
        q = np.quantile(days, [0.05, 0.5, 0.95]).round().astype(int)
        d = [run.start_date + dt.timedelta(days=int(v)) for v in q]
        km = s.get("km_median_first_deal_date")
        text = (
            f"<p>Among the replicates with a deal, the median first deal comes on "
            f"<b>{d[1]:%d %B %Y}</b>; 90% of first deals fall between {d[0]:%d %b} and "
            f"{d[2]:%d %b}. "
            + (
                f"Counting the replicates without a deal as censored at the horizon, half "
                f"the replicates have a deal by {dt.date.fromisoformat(km):%d %B %Y}. "
                if km
                else "Fewer than half the replicates reach a deal by the horizon. "
            )
            + f"On average a replicate spends {s['mean_days_under_ceasefire']:.1f} of its "
            f"{run.horizon} days with at least one front halted; "
            f"{s['unilateral_truces']:,} unilateral truces were declared.</p>"
        )
    return (
        table(["Quantity", "Share", "95% interval", "Count", "Of"], rows, numeric=(1, 2, 3))
        + text
        + tracks_table(run)
        + fronts_table(run)
    )


def tracks_table(run: RunResult) -> str:
    """Per track: replicates agreeing on it, its deals and how they ended."""
    from sim.results.deals import durations

    s, meta, a = run.summary, run.meta, run.agreements
    if not meta["track_ids"]:
        return ""
    held, broke, rows = durations(a, run.horizon) if len(a.get("track", ())) else ([], [], [])
    body = []
    for j, tid in enumerate(meta["track_ids"]):
        entry = s["tracks"].get(tid, {})
        mine = np.asarray(a["track"])[rows] == j if len(rows) else np.zeros(0, dtype=bool)
        days = np.asarray(held)[mine]
        body.append(
            [
                meta["track_labels"][j],
                pct(entry.get("agreed", {}).get("share")),
                f"{entry.get('broke_down', {}).get('n', 0):,}",
                pct(entry.get("broke_down", {}).get("share")),
                f"{np.median(days):.0f}" if len(days) else "–",
            ]
        )
    header = ["Track", "Replicates agreeing", "Deals", "Broke down", "Median days in force"]
    return "<h3>Deals by track</h3>" + table(header, body, numeric=(1, 2, 3, 4))


def fronts_table(run: RunResult) -> str:
    """Per front: share of replicates in which it was decided, and by whom."""
    o, meta = run.outcomes, run.meta
    body = []
    n = len(o["replicate"])
    for f, fid in enumerate(meta["front_ids"]):
        if f"decided_by_{fid}" not in o:
            continue
        by = o[f"decided_by_{fid}"]
        won = ", ".join(
            f"{meta['names'][i]} {pct((by == i).sum() / n)}" for i in np.unique(by[by >= 0])
        )
        day = o[f"decided_day_{fid}"]
        median_day = np.median(day[day >= 0]) if (day >= 0).any() else None
        body.append(
            [
                meta["front_labels"][f],
                pct((day >= 0).sum() / n),
                won or "–",
                "–"
                if median_day is None
                else f"{run.start_date + dt.timedelta(days=int(median_day)):%d %b %Y}",
                f"{np.median(o[f'control_{fid}']):.2f}",
            ]
        )
    if not body:
        return ""
    header = ["Front", "Decided", "Decided for", "Median date decided", "Median final control"]
    return "<h3>Fronts</h3>" + table(header, body, numeric=(1, 4))


def forecast_section(run: RunResult, scenario) -> str:
    """The classic static forecasts (compromise model, capability-weighted median, Nash
    solution) per issue, next to the terms this run's replicates agreed on."""
    from sim.forecast import beyond_red_lines, forecast_rows, static_forecasts

    if scenario is None:
        return section("forecasts", "Forecasts", '<p class="note">scenario.toml unreadable.</p>')
    static = static_forecasts(scenario)
    rows = forecast_rows(scenario, run.agreements, static)

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
        '<p class="note">Static forecasts from the stated day-0 values: the compromise '
        "model (capability × salience weighted mean of the parties' and the mediator's "
        "positions), the capability-weighted median, and the Nash bargaining solution over "
        "the parties' status quo plus their stated aspirations, the war aside (surplus at "
        f"that package: {esc(surplus)}; a negative surplus means no package satisfies every "
        "party at day 0). * marks a forecast beyond a party's stated red line. The simulated "
        "column is the median (and quartiles) of the terms agreed over the deals that decided "
        "the issue: the difference is what the war, concessions and pressure do.</p>"
    )
    header = ["Issue", "Compromise", "Weighted median", "Nash", "Simulated (quartiles)"]
    return section(
        "forecasts", "Forecasts next to the simulation", note + table(header, body, (1, 2, 3, 4))
    )


def render_run_report(run: RunResult, scenario, problem: str | None = None) -> str:
    from sim.results.summary import headline

    meta = run.meta
    extra = []
    med = run.summary.get("median_first_deal_date")
    if med:
        extra.append(
            (
                dt.date.fromisoformat(med),
                "simulated",
                f"Median date of the first deal among the replicates with one "
                f"({pct(run.summary['deal']['share'])} of {meta['replicates']:,} reach a deal "
                "by the horizon).",
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
        references_section(),
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
    target = Path(out) if out else path / "report.html"
    if path.is_dir() and is_check_dir(path):  # a `ceasefire check` table
        check_output_file(target, "report.html")
        return write_text_atomically(target, render_check_report(path))
    if is_calibration_dir(path):  # ceasefire calibrate's directory
        check_output_file(target, "report.html")
        return write_text_atomically(target, calibration_report(path))
    result = open_results(path)
    check_output_file(target, "report.html")
    if isinstance(result, SweepResult):
        base = path / result.manifest.get("base_scenario", "scenario.toml")
        scenario, problem = _scenario(base if base.exists() else path / "scenario.toml")
        text = render_sweep_report(result, scenario, problem)
    else:
        scenario, problem = _scenario(path / "scenario.toml")
        text = render_run_report(result, scenario, problem)
    return write_text_atomically(target, text)


def calibration_report(path: Path) -> str:
    from sim.calibration.results import CalibrationResult
    from sim.report.calibration import render_calibration_report

    if not (path / "summary.json").is_file():
        raise ReportError(f"{path}: the calibration has not finished (no summary.json)")
    return render_calibration_report(CalibrationResult.read(path))


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
