"""The report of a `ceasefire check` directory: the pass/fail table as a report section.

Every pattern is shown with its measured value, interval and rule, failing ones first in
the count but in file order in the table, so a failure is never hidden among the passes.
"""

from __future__ import annotations

import json
from pathlib import Path

from sim.report.html import esc, page, section, table
from sim.report.references import cited, references_html
from sim.results.open import ReportError
from sim.validation.suite import number


def is_check_dir(path: Path) -> bool:
    from sim.results.claim import read_marker

    kind = (read_marker(path) or {}).get("kind")
    return kind == "check" or kind is None and (Path(path) / "check.json").exists()


def check_section(stored: dict) -> str:
    """The section "Validation: patterns": one row per pattern, names not codes."""
    rows = []
    for r in stored["rows"]:
        interval = f"{number(r['lower'])} to {number(r['upper'])}"
        rows.append(
            [
                r["pattern"],
                r["statistic"],
                number(r["value"]),
                f"{interval} ({r['interval']})",
                r["criterion"],
                f"{r['n']:,}",
                r["result"].upper(),
                r["source"],
            ]
        )
    header = ["Pattern", "Statistic", "Measured", "95% interval", "Pass if", "n", "Result"]
    header.append("Source")
    meta = stored["meta"]
    failed = [r["pattern"] for r in stored["rows"] if r["result"] != "pass"]
    verdict = (
        f"All {len(stored['rows'])} patterns pass."
        if not failed
        else f"{len(failed)} of {len(stored['rows'])} patterns fail: {'; '.join(failed)}."
    )
    notes = "".join(
        f"<li><b>{esc(r['pattern'])}</b>: {esc(r['note'])}</li>"
        for r in stored["rows"]
        if r.get("note")
    )
    body = (
        f"<p>{esc(verdict)}</p>"
        f'<p class="note">{esc(meta["mode"].capitalize())} suite, seed {meta["seed"]}, '
        f"{meta['units']:,} simulated ensembles of random generic scenarios; each pass rule "
        f"was stated in {esc(meta['patterns_file'])} (SHA-256 "
        f"{esc(meta['patterns_sha256'][:12])}) before the run.</p>"
        + table(header, rows, (2, 5))
        + (f"<ul>{notes}</ul>" if notes else "")
        + sources_cited(stored["rows"])
    )
    return section("validation", "Validation: patterns", body)


def sources_cited(rows: list[dict]) -> str:
    """The works the table's Source column cites, each once, in the bibliography's order:
    a reader checks a pattern against its literature without docs/model.md at hand. Cites of
    the model's own sections and of the shipped data files name no work and are left out."""
    works = [work for r in rows for work in cited(r.get("source", ""))]
    if not works:
        return ""
    return "<h3>References</h3>" + references_html(works)


def render_check_report(path: Path) -> str:
    try:
        stored = json.loads((Path(path) / "check.json").read_text(encoding="utf-8"))
        stored["rows"], stored["meta"]["mode"]  # noqa: B018 (the two parts the page needs)
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ReportError(f"{path}/check.json: cannot read the check table ({err})") from None
    lede = (
        f'<p class="lede">ceasefire-sim {esc(stored["meta"].get("version", "?"))}: the '
        "model's patterns and base rates, pre-registered and measured.</p>"
    )
    return page("Validation: patterns", lede, [check_section(stored)])
