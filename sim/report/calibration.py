"""The calibration report: fit target by target, identifiability, convergence, provenance."""

from __future__ import annotations

from sim.charts.calibration import CALIBRATION_CHARTS, STAT_LABEL
from sim.report.html import esc, figure_html, page, section, table


def _fit_table(c) -> str:
    rows = [
        [
            r["target"],
            f"{r['group']}: {STAT_LABEL[r['statistic']]}, day {r['day']}",
            f"{r['observed']:.3f} ± {r['sd']:.3f}",
            f"{r['model_median']:.3f} ({r['model_q05']:.3f}–{r['model_q95']:.3f})",
            f"{r['z']:+.1f}",
            "yes" if abs(r["z"]) <= 2 else "no",
        ]
        for r in c.summary["ppc"]
    ]
    header = ["target", "statistic", "observed ± sd", "model median (5–95%)", "z", "within 2 sd"]
    return table(header, rows, numeric=(4,))


def _parameter_table(c) -> str:
    rows = [
        [
            r["parameter"],
            f"{r['prior']} {r['low']:g}–{r['high']:g}",
            f"{r['posterior_median']:.4g} ({r['posterior_q05']:.4g}–{r['posterior_q95']:.4g})",
            f"{r['width_ratio']:.2f}",
            "yes" if r["identified"] else "no",
        ]
        for r in c.summary["identifiability"]
    ]
    header = ["parameter", "prior", "posterior median (5–95%)", "sd / prior sd", "identified"]
    return table(header, rows, numeric=(3,))


def render_calibration_report(c) -> str:
    s = c.summary
    charts = {
        n: figure_html(n, chart(c), esc(chart.caption)) for n, chart in CALIBRATION_CHARTS.items()
    }
    lede = (
        f'<p class="lede">{esc(c.manifest.get("calibration_file", ""))}: '
        f"{s['generations']} ABC-SMC generations of {s['particles']} particles, "
        f"{s['runs']:,} simulated runs, seed {s['seed']}; final tolerance "
        f"{s['epsilon']:.2f} (RMS of standardised errors).</p>"
    )
    sections = [
        section("fit", "Fit, target by target", charts["ppc"] + _fit_table(c)),
        section(
            "parameters",
            "Posterior and identifiability",
            charts["identifiability"] + _parameter_table(c),
        ),
        section("convergence", "Convergence", charts["distances"]),
        section(
            "reproduce",
            "Reproduce",
            f"<pre>ceasefire calibrate {esc(c.path / 'calibration.toml')} --out NEW_DIR</pre>"
            "<p>The calibrated scenario is <code>calibrated-scenario.toml</code> in this "
            "directory: each fitted value is the final population's best-fitting parameter "
            "set (one joint set, not the marginal medians), and the table carries the "
            "<code>calibrated</code> provenance.</p>",
        ),
    ]
    return page(f"Calibration: {c.title}", lede, sections)
