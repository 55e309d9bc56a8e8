"""The results table of the scenario library in docs/scenarios.md, measured on today's engine.

Every scenario in ``scenarios/*.toml`` is run at 1,000 replicates, seed 1, over its whole
calendar, and summarised by the headline measures of ``sim.results.measures`` with the
Wilson 95% intervals of ``sim.results.stats``. The Markdown table goes between the
``library`` markers of docs/scenarios.md; the prose around it is written by hand from the
table (and from the facts this script prints, such as when the default's Kursk salient is
decided).

    python experiments/library_table.py            # run all scenarios, rewrite the table
    python experiments/library_table.py --dry      # print the table, write nothing
    python experiments/library_table.py --check    # exit 1 if docs/scenarios.md differs

Columns, as the table's header names them:

- first deal within 30 / 90 days, comprehensive: shares of replicates
  (``DEAL_30``, ``DEAL_90``, ``COMPREHENSIVE``);
- median days to the first deal: the plain median among replicates with a deal
  (``first_deal_days``, as ``summary.json``'s ``median_first_deal_day``);
- deals partial, breaks down given agreed: shares of deals, bilateral and multilateral
  (``PARTIAL_DEALS``, ``BREAKDOWN``);
- agreed, never in force: the share of deals that never entered into force
  (``day_in_force`` -1: they waited for an implementer's consent until they lapsed, were
  replaced or the run ended).

One to two minutes on two cores (the scenarios run in parallel; results do not depend on it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from a clone

from sim.engine.model import CeasefireModel  # noqa: E402
from sim.results import measures  # noqa: E402
from sim.results.stats import wilson_interval  # noqa: E402
from sim.scenario.load import DEFAULT_SCENARIO, load_scenario  # noqa: E402

SCENARIOS = ROOT / "scenarios"
DOC = ROOT / "docs" / "scenarios.md"
BEGIN, END = "<!-- library:start -->", "<!-- library:end -->"
REPLICATES, SEED = 1_000, 1
HEADER = (
    "| Scenario | P(first deal within 30 days) % | within 90 days % | P(comprehensive) % "
    "| Median days to first deal | Deals partial % | P(breaks down \\| agreed) % "
    "| Agreed, never in force % |"
)
WITH_INTERVAL = (
    measures.DEAL_30,
    measures.DEAL_90,
    measures.COMPREHENSIVE,
    None,  # the median goes here
    measures.PARTIAL_DEALS,
    measures.BREAKDOWN,
)


def never_in_force(outcomes: dict, agreements: dict) -> tuple[int, int]:
    """(deals that never entered into force, deals): unilateral truces are not deals."""
    deals = measures.deal_rows(agreements)
    waited = deals & (np.asarray(agreements["day_in_force"]) < 0)
    return int(waited.sum()), int(deals.sum())


def measure(path: Path, replicates: int = REPLICATES, seed: int = SEED) -> dict:
    """One scenario's row: (hits, base) per share, the median, and the Kursk facts."""
    scenario = load_scenario(path)
    model = CeasefireModel(scenario, replicates, seed, record="none")
    model.run_model()
    o, a = model.outcomes(), model.agreements()
    days = measures.first_deal_days(o)
    row = {
        "scenario": path.name,
        "counts": {m.key: m.count(o, a) for m in WITH_INTERVAL if m is not None},
        "never_in_force": never_in_force(o, a),
        "median": float(np.median(days)) if days.size else float("nan"),
    }
    decided = np.asarray(o.get("decided_day_kursk", np.zeros(0)))
    if decided.size:
        hit = decided[decided >= 0]
        median = float(np.median(hit)) if hit.size else None
        row["kursk"] = (int(hit.size), int(decided.size), median)
        row["start"] = scenario.scenario.start_date.isoformat()
    return row


def percent(k: int, n: int, interval: bool = True) -> str:
    if not n:
        return "n/a"
    if not interval:
        return f"{100 * k / n:.1f}"
    lo, hi = wilson_interval(k, n)
    return f"{100 * k / n:.1f} ({100 * lo:.1f}-{100 * hi:.1f})"


def render(rows: list[dict]) -> str:
    """The Markdown table, one line per scenario."""
    lines = [HEADER, "|---" * 8 + "|"]
    for row in rows:
        cells = []
        for m in WITH_INTERVAL:
            if m is None:
                median = row["median"]
                cells.append("none" if median != median else f"{median:g}")
            else:
                cells.append(percent(*row["counts"][m.key]))
        cells.append(percent(*row["never_in_force"], interval=False))
        lines.append(f"| `{row['scenario']}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def scenario_files(document: str) -> list[Path]:
    """The library: the default first, then in the order of the doc's question table, then
    any file it does not list yet, by name."""
    files = sorted(SCENARIOS.glob("*.toml"))
    listed = [f.name for f in files if f"| `{f.name}` |" in document]
    listed.sort(key=lambda name: document.index(f"| `{name}` |"))
    order = [DEFAULT_SCENARIO.name] + listed + [f.name for f in files]
    return [SCENARIOS / name for name in dict.fromkeys(order) if (SCENARIOS / name).exists()]


def with_table(document: str, table: str) -> str:
    """The document with ``table`` between the markers."""
    head, found, rest = document.partition(BEGIN)
    _, found_end, tail = rest.partition(END)
    if not (found and found_end):
        raise ValueError(f"markers not found in {DOC}: {BEGIN!r} ... {END!r}")
    return f"{head}{BEGIN}\n{table}{END}{tail}"


def facts(rows: list[dict]) -> str:
    """What the prose cites beside the table: when the Kursk salient is decided."""
    out = []
    for row in rows:
        if "kursk" in row:
            k, n, median = row["kursk"]
            when = ""
            if median is not None:
                date = dt.date.fromisoformat(row["start"]) + dt.timedelta(days=round(median))
                when = f", median day {median:g} ({date.isoformat()})"
            out.append(f"{row['scenario']}: Kursk decided in {percent(k, n)} %{when}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry", action="store_true", help="print the table, write nothing")
    parser.add_argument(
        "--check", action="store_true", help="recompute; exit 1 if docs/scenarios.md differs"
    )
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    doc = DOC.read_text(encoding="utf-8")
    files = scenario_files(doc)
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        rows = list(pool.map(measure, files))
    table = render(rows)
    print(table, facts(rows), f"({time.perf_counter() - start:.0f} s)", sep="\n")
    updated = with_table(doc, table)
    if args.check:
        drifted = updated != doc
        print("library table drifted: run experiments/library_table.py" if drifted else "current")
        return int(drifted)
    if not args.dry and updated != doc:
        DOC.write_text(updated, encoding="utf-8")
        print(f"updated {DOC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
