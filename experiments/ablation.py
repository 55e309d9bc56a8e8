"""The ablation table of docs/model.md: what each mechanism changes when it alone is off.

For the default scenario, one ensemble with every mechanism on and one per switch of
``[mechanisms]`` set to false (the same seed, so replicate j shares its draws across rows:
common random numbers), each summarised by the headline measures of
``sim.results.measures``. The numbers go to ``experiments/ablation-march-2025.json`` and the
Markdown table between the ``ablation`` markers of docs/model.md; a test checks that the
table is the JSON's (issue 11, item 10).

    python experiments/ablation.py                  # 10,000 replicates: JSON and table
    python experiments/ablation.py -n 500 --dry     # print the table, write nothing
    python experiments/ablation.py --render         # the table from the JSON (no runs)
    python experiments/ablation.py --check          # recompute at 10,000: exit 1 on drift

``--check`` is the drift test: it reruns all 13 ensembles (about 6 minutes of one core)
and fails if docs/model.md's table or the JSON is not what the model gives today, so a
change to the engine that moves a headline number cannot leave the table behind. That is
too long for the test suite, which checks the table against the JSON instead
(tests/unit/scenario/test_ablation.py) and the script on a short calendar
(tests/behaviour/test_ablation.py).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from a clone

from sim.engine.model import CeasefireModel  # noqa: E402
from sim.results import measures  # noqa: E402
from sim.scenario.load import DEFAULT_SCENARIO, load_scenario, modified  # noqa: E402
from sim.scenario.schema import Mechanisms, Scenario  # noqa: E402

RESULTS = ROOT / "experiments" / "ablation-march-2025.json"
MODEL_DOC = ROOT / "docs" / "model.md"
BEGIN, END = "<!-- ablation:start -->", "<!-- ablation:end -->"
REPLICATES, SEED = 10_000, 2025
# The columns of the table: issue 11's headline measures, by their keys in measures.py.
SHARES = (measures.DEAL_30, measures.DEAL_90, measures.COMPREHENSIVE, measures.PARTIAL_DEALS)


def summarise(outcomes: dict, agreements: dict) -> dict[str, float]:
    """The headline measures of one ensemble (shares in [0, 1], the median in days)."""
    row = {}
    for m in SHARES:
        hits, base = m.count(outcomes, agreements)
        row[m.key] = hits / base if base else float("nan")
    days = measures.first_deal_days(outcomes)
    row["median_first_deal"] = float(np.median(days)) if days.size else float("nan")
    return row


def ablate(s: Scenario, replicates: int, seed: int) -> list[dict]:
    """One row with every mechanism on, then one per switch off, in the schema's order."""
    configs = [("none (all on)", s)] + [
        (name, modified(s, {f"mechanisms.{name}": False})) for name in Mechanisms.model_fields
    ]
    rows = []
    for off, variant in configs:
        model = CeasefireModel(variant, replicates, seed, record="none")
        model.run_model()
        rows.append({"off": off} | summarise(model.outcomes(), model.agreements()))
    return rows


def render(result: dict) -> str:
    """The Markdown table (percentages and days), with its provenance line."""
    head = [
        f"{result['replicates']:,} replicates of `{result['scenario']}`, seed {result['seed']}; "
        "each row switches one mechanism off (`[mechanisms] <name> = false`).",
        "",
        "| Switched off | "
        + " | ".join(m.label for m in SHARES)
        + " | Median days to first deal |",
        "|---|" + "---|" * (len(SHARES) + 1),
    ]
    lines = []
    for row in result["rows"]:
        cells = [f"{100 * row[m.key]:.1f}%" for m in SHARES]
        median = row["median_first_deal"]
        cells.append("none" if median != median else f"{median:g}")
        lines.append(f"| `{row['off']}` | " + " | ".join(cells) + " |")
    return "\n".join(head + lines) + "\n"


def with_table(document: str, table: str) -> str:
    """The document with ``table`` between the markers (appended with them if missing)."""
    head, found, rest = document.partition(BEGIN)
    _, found_end, tail = rest.partition(END)
    if not (found and found_end):
        return f"{document.rstrip()}\n\n{BEGIN}\n{table}{END}\n"
    return f"{head}{BEGIN}\n{table}{END}{tail}"


def _json(result: dict) -> str:
    return json.dumps(result, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--replicates", type=int, default=REPLICATES)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--dry", action="store_true", help="print the table, write nothing")
    parser.add_argument("--render", action="store_true", help="rewrite the table from the JSON")
    parser.add_argument(
        "--check", action="store_true", help="recompute; exit 1 if the table or JSON drifted"
    )
    args = parser.parse_args(argv)
    doc = MODEL_DOC.read_text(encoding="utf-8")
    if args.render:
        result = json.loads(RESULTS.read_text(encoding="utf-8"))
        MODEL_DOC.write_text(with_table(doc, render(result)), encoding="utf-8")
        return 0
    start = time.perf_counter()
    s = load_scenario(DEFAULT_SCENARIO)
    rows = ablate(s, args.replicates, args.seed)
    result = {
        "scenario": DEFAULT_SCENARIO.name,
        "replicates": args.replicates,
        "seed": args.seed,
        "rows": rows,
    }
    table = render(result)
    print(table, f"({time.perf_counter() - start:.0f} s)", sep="\n")
    if args.check:
        committed = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
        drifted = with_table(doc, table) != doc or committed != _json(result)
        print("ablation table drifted: run experiments/ablation.py" if drifted else "up to date")
        return int(drifted)
    if not args.dry:
        RESULTS.write_text(_json(result), encoding="utf-8")
        MODEL_DOC.write_text(with_table(doc, table), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
