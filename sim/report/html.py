"""The HTML toolkit of every report: inline CSS, escaped tables, sections, embedded figures.

A page built from these parts is one self-contained file: charts are PNG data URIs, the
style is inline, and nothing is fetched from anywhere.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Iterable

import numpy as np

from sim.results.claim import GENERATOR_TAG

REPORT_DPI = 120  # sharp on screen, small enough that a report stays well under 5 MB


CSS = """
:root { --ink:#1b1b1b; --muted:#5a5a5a; --rule:#d9d9d9; --band:#f4f6f8; --accent:#0072B2; }
* { box-sizing: border-box; }
body { font-family: system-ui, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif;
  color: var(--ink); margin: 0; line-height: 1.45; font-size: 15px; background: #fff; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 60px; }
header.top { border-bottom: 3px solid var(--accent); margin-bottom: 8px; }
h1 { font-size: 1.7em; margin: 0.2em 0 0.1em; }
h2 { font-size: 1.3em; margin-top: 2em; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
h3 { font-size: 1.05em; margin: 1.4em 0 0.4em; }
p.lede { font-size: 1.08em; margin: 0.4em 0 0.8em; }
p.note, .muted { color: var(--muted); font-size: 0.92em; }
nav.toc { font-size: 0.92em; margin: 10px 0 4px; }
nav.toc a { margin-right: 14px; color: var(--accent); text-decoration: none; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; font-size: 0.9em; }
th, td { border-bottom: 1px solid var(--rule); padding: 5px 8px; text-align: left;
  vertical-align: top; }
th { background: var(--band); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr:nth-child(even) td { background: #fbfbfc; }
.tag { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 0.85em;
  white-space: nowrap; }
.tag.src { background: #e3f0f9; color: #004f7c; }
.tag.asm { background: #fcefe3; color: #8a3d00; }
.tag.sim { background: #e6f4ee; color: #00603f; }
.tag.kind { background: #eeeeee; color: #333333; }
.digest { color: var(--muted); font-size: 0.86em; margin-top: 3px; padding-left: 7px;
  border-left: 2px solid #cfe3f1; }
.digest b { color: #004f7c; font-weight: 600; }
.nowrap { white-space: nowrap; }
.swatch { display: inline-block; width: 0.8em; height: 0.8em; border-radius: 2px;
  margin-right: 6px; vertical-align: -1px; }
figure { margin: 18px 0 28px; page-break-inside: avoid; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: var(--muted); font-size: 0.92em; margin-top: 4px; }
figcaption b { color: var(--ink); }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
  font-size: 0.9em; }
pre { background: var(--band); padding: 10px 12px; overflow-x: auto; white-space: pre-wrap; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 3px 16px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
@media print { main { max-width: none; } h2 { page-break-after: avoid; } }
"""


def esc(value) -> str:
    return html.escape(str(value), quote=True)


def table(header: list[str], rows: Iterable[list], numeric: Iterable[int] = ()) -> str:
    """An HTML table; cells are escaped unless wrapped in :class:`Raw`."""
    numeric = set(numeric)

    def cell(tag: str, j: int, value) -> str:
        cls = ' class="num"' if j in numeric else ""
        text = value.html if isinstance(value, Raw) else esc(value)
        return f"<{tag}{cls}>{text}</{tag}>"

    head = "".join(cell("th", j, h) for j, h in enumerate(header))
    body = "".join(
        "<tr>" + "".join(cell("td", j, v) for j, v in enumerate(row)) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


class Raw:
    """Pre-built HTML that :func:`table` must not escape."""

    def __init__(self, html_text: str):
        self.html = html_text


def section(anchor: str, heading: str, body: str) -> str:
    return f'<section id="{esc(anchor)}"><h2>{esc(heading)}</h2>{body}</section>'


def figure_data_uri(fig, dpi: int = REPORT_DPI) -> str:
    """A Figure as a PNG data URI (no metadata, so no tool URL inside)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def figure_html(name: str, fig, caption: str) -> str:
    """A chart with its caption, shown at its natural size (CSS inches) or the page width."""
    alt = f"chart: {name.replace('_', ' ')}"
    width = int(fig.get_figwidth() * 96)
    return (
        f'<figure id="chart-{esc(name)}"><img alt="{esc(alt)}" style="width:{width}px" '
        f'src="{figure_data_uri(fig)}"><figcaption>{caption}</figcaption></figure>'
    )


NAV = {  # section anchor -> its short name in the table of contents
    "results": "Results",
    "forecasts": "Forecasts",
    "design": "Experiment",
    "runs": "Runs",
    "differences": "Differences",
    "points": "Points",
}


def page(heading: str, lede: str, sections: list[str]) -> str:
    """The whole document; the table of contents links every section, in order."""
    anchors = [re.search(r'<section id="([^"]+)">', s).group(1) for s in sections]
    links = "".join(f'<a href="#{a}">{esc(NAV.get(a, a.capitalize()))}</a>' for a in anchors)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8">{GENERATOR_TAG}'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(heading)}</title><style>{CSS}</style></head><body><main>"
        f'<header class="top"><h1>{esc(heading)}</h1>{lede}'
        f'<nav class="toc">{links}</nav></header>' + "".join(sections) + "</main></body></html>\n"
    )


def pct(share: float | None, digits: int = 1) -> str:
    if share is None or (isinstance(share, float) and np.isnan(share)):
        return "–"
    return f"{100 * share:.{digits}f}%"


def interval(lo: float | None, hi: float | None, digits: int = 1) -> str:
    if lo is None or hi is None or np.isnan(lo) or np.isnan(hi):
        return "–"
    return f"{100 * lo:.{digits}f}–{100 * hi:.{digits}f}%"
