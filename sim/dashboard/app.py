"""The dashboard page: Mesa's visualization controls around the project's own charts.

Served by Solara (``ceasefire dashboard`` runs ``solara run sim.dashboard.app``). The page
holds no model logic: the controls build a :class:`~sim.dashboard.levers.DashboardModel`
(a plain ``CeasefireModel`` with overrides), Mesa's ``ModelController`` steps it, and each
view is a chart of :data:`sim.charts.CHARTS` drawn from
:func:`sim.run.result_from_model` - the same functions that draw a finished run's files.

Mesa's all-in-one ``SolaraViz`` applies parameters only when Reset is pressed and keeps one
fixed set of sliders; here a lever takes effect at once (the model is rebuilt and replayed to
the day it had reached) and the sliders follow the scenario chosen, so the page composes
Mesa's pieces (``ModelController``, ``UserInputs``, ``Slider``, ``update_counter``) itself.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
import threading
from pathlib import Path

import solara
import solara.lab
from mesa.visualization import Slider
from mesa.visualization.solara_viz import ModelController, UserInputs
from mesa.visualization.utils import update_counter

from sim.charts import CHARTS, save_chart
from sim.dashboard import SCENARIO_ENV
from sim.dashboard.levers import (
    MAX_REPLICATES,
    DashboardModel,
    Lever,
    replayed,
    scenario_levers,
)
from sim.dashboard.panels import day_status, evidence_html
from sim.results.run_dir import RunResult, result_from_model
from sim.results.summary import counted
from sim.scenario.load import DEFAULT_SCENARIO, SCENARIO_DIR, ScenarioError, load_scenario
from sim.scenario.schema import Scenario

DPI = 90  # screen resolution: a quarter of the pixels of the 150-dpi files, drawn faster
# Slider labels above their slider, across the sidebar (the labels carry the values);
# charts at their own size (90 dpi), shrunk only where the window is narrower.
CSS = """
.ceasefire-controls .v-input__slider .v-input__slot { flex-wrap: wrap; }
.ceasefire-controls .v-input__slider .v-input__slot > .v-label {
    flex: 0 0 100%; white-space: normal; margin-bottom: -6px; }
.ceasefire-controls .v-input__slider .v-slider { min-width: 100%; margin-left: 0; }
.ceasefire-chart img { max-width: 100%; height: auto; }
.evidence-panel table { border-collapse: collapse; font-size: 0.9rem; }
.evidence-panel th, .evidence-panel td { text-align: left !important; vertical-align: top;
    padding: 4px 8px; border-bottom: 1px solid #ddd; }
.evidence-panel td:nth-child(7) { color: #555; font-size: 0.85rem; min-width: 18rem; }
"""
# pyplot keeps a global registry of figures, and charts are drawn in several threads.
_DRAWING = threading.Lock()
_BUILDING = threading.Lock()  # one model rebuild at a time
REBUILDING = "Rebuilding the model with the new settings\u2026"


def initial_scenario() -> Path:
    return Path(os.environ.get(SCENARIO_ENV) or DEFAULT_SCENARIO).resolve()


def scenario_choices(initial: Path) -> list[str]:
    """The scenario files to choose from: the folder of the one started with, then the
    project's ``scenarios/``; the one started with comes first."""
    files = [initial]
    for folder in (initial.parent, SCENARIO_DIR):
        files += sorted(p.resolve() for p in folder.glob("*.toml"))
    return list(dict.fromkeys(str(f) for f in files))


def choice_labels(choices: list[str]) -> dict[str, str]:
    """Label -> file: the file name, or its path where two folders hold the same name."""
    names = [Path(c).name for c in choices]
    labels = {}
    for choice, name in zip(choices, names, strict=True):
        labels[name if names.count(name) == 1 else _shorter_path(choice)] = choice
    return labels


def _shorter_path(path: str) -> str:
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


def model_parameters(scenario_file: str, replicates: int = 1000, seed: int = 1) -> dict:
    """The keyword arguments of :class:`DashboardModel`, as Mesa's Reset button uses them."""
    levers = scenario_levers(load_scenario(scenario_file))
    return {
        "scenario_file": scenario_file,
        "replicates": replicates,
        "seed": seed,
        "levers": {lever.path: lever.default for lever in levers},
    }


def chart_png(name: str, result: RunResult, wanted=lambda: True) -> bytes | None:
    """The chart as PNG bytes, or None when ``wanted()`` says a newer step overtook it
    while it waited for its turn to draw."""
    buffer = io.BytesIO()
    with _DRAWING:
        if not wanted():
            return None
        save_chart(CHARTS[name], result, buffer, fmt="png", dpi=DPI)
    return buffer.getvalue()


def _shown(start: dt.date, lever: Lever, value: float) -> str:
    if lever.is_date:  # a deadline, in days after the start date
        return f"{start + dt.timedelta(days=int(value)):%d %b %Y} (day {int(value)})"
    return f"{value:g}"


def lever_groups(s: Scenario, values: dict[str, float]) -> dict[str, dict[str, Slider]]:
    """Mesa sliders for the scenario's levers, by group, labelled with their value (and the
    file's value once moved)."""
    start = s.scenario.start_date
    groups: dict[str, dict[str, Slider]] = {}
    for lever in scenario_levers(s):
        value = values.get(lever.path, lever.default)
        shown, in_file = _shown(start, lever, value), _shown(start, lever, lever.default)
        label = f"{lever.name} = {shown}" + ("" if shown == in_file else f"  (file: {in_file})")
        kind = int if lever.integer else float
        groups.setdefault(lever.group, {})[lever.path] = Slider(
            label, kind(value), kind(lever.low), kind(lever.high), lever.step, kind
        )
    return groups


@solara.component
def ChartImage(name: str, result: RunResult, key: tuple):
    """One chart of the report, drawn in the background when the model has moved on.

    Drawing takes a fraction of a second per chart; in a thread it does not hold up the
    day counter or the controls, and the previous picture stays until the new one is
    ready. A drawing that a newer step has overtaken before it started is skipped.
    """
    shown = solara.use_ref(b"")
    latest = solara.use_ref(key)
    latest.current = key

    def draw() -> bytes | None:
        return chart_png(name, result, wanted=lambda: latest.current == key)

    task = solara.lab.use_task(draw, dependencies=[key, name], prefer_threaded=True)
    if task.finished and task.value:
        shown.current = task.value
    with solara.Column(classes=["ceasefire-chart", f"chart-{name}"], style={"min-height": "80px"}):
        if shown.current:
            solara.Image(shown.current)
        else:
            solara.ProgressLinear(True)


def scenario_facts_line(s: Scenario) -> str:
    """What the chosen scenario holds, under its name: actors, fronts, tracks, issues."""
    parts = [counted(len(s.actors), "actor")]
    for noun, items in (("front", s.fronts), ("track", s.tracks), ("issue", s.issues)):
        parts.append(f"{counted(len(items), noun)}: " + ", ".join(x.label for x in items.values()))
    return " · ".join(parts)


def chart_tabs() -> dict[str, list[str]]:
    """The run charts of the registry (:data:`sim.charts.CHARTS`) by tab: those drawn from
    the per-day series follow the run day by day; every other one (outcomes, agreements)
    appears when the calendar has run to its end. Every registered chart is on a tab."""
    calendar = [name for name in CALENDAR_CHARTS if name in CHARTS]
    return {"Calendar": calendar, "Outcome": [n for n in CHARTS if n not in calendar]}


# Run charts drawn from the per-day series alone (what a running model has).
CALENDAR_CHARTS = ("timeline", "fronts", "outside_options", "beliefs", "responses", "conditions")


@solara.component
def RunViews(model: DashboardModel):
    """The day counter and the charts, redrawn after every step of the controller."""
    update_counter.get()
    result = result_from_model(model)
    result.meta["scenario_name"] = model.title  # names the levers moved, if any
    key = (id(model), model.steps)
    tab = solara.use_reactive(0)
    tabs = chart_tabs()
    solara.Text(
        day_status(model, result),
        classes=["ceasefire-day"],
        style={"font-size": "1.15rem", "font-weight": "600", "padding": "6px 0"},
    )
    with solara.lab.Tabs(value=tab, lazy=True):
        with solara.lab.Tab("Calendar"):
            if not len(result.series):
                solara.Info("Press Step or \u25b6 to play the first day.")
            else:
                for name in tabs["Calendar"]:
                    ChartImage(name, result, key)
        with solara.lab.Tab("Outcome"):
            if model.running:
                solara.Info(
                    "Deals, durations and outcomes appear when the calendar has run to its"
                    f" end ({model.params.horizon:,} days): press 'Run to end' or \u25b6."
                )
            else:
                for name in tabs["Outcome"]:
                    ChartImage(name, result, key)
        with solara.lab.Tab("Evidence"):
            EvidencePanel(model.scenario_spec, Path(model.scenario_file))


@solara.component
def EvidencePanel(scenario, scenario_file: Path | None = None):
    """For the chosen actor: each stance with the paragraph it cites or its assumption, and
    what that paragraph says (the source's digest)."""
    actors = {a.name: aid for aid, a in scenario.actors.items()}
    first_party = next(a.name for a in scenario.actors.values() if a.role == "party")
    chosen = solara.use_reactive(first_party)
    if chosen.value not in actors:  # another scenario was loaded
        chosen.value = first_party
    aid = actors[chosen.value]
    with solara.Column(classes=["evidence-panel"]):
        solara.Select("Actor", values=list(actors), value=chosen)
        # HTML, not solara.Markdown: Markdown fetches KaTeX and Mermaid from a CDN on every
        # render, which this page must never do (it is served offline).
        solara.HTML(unsafe_innerHTML=evidence_html(scenario, aid, scenario_file))


@solara.component
def Page():
    choices = solara.use_memo(lambda: choice_labels(scenario_choices(initial_scenario())), [])
    parameters = solara.use_reactive(
        solara.use_memo(lambda: model_parameters(next(iter(choices.values()))), [])
    )
    model = solara.use_reactive(solara.use_memo(lambda: DashboardModel(**parameters.value), []))
    error = solara.use_reactive("")
    play_interval = solara.use_reactive(150)
    render_interval = solara.use_reactive(1)
    use_threads = solara.use_reactive(False)
    # Moving a control asks for a new model; the newest request is built in the background
    # and requests it overtakes are dropped, so dragging a slider over a 10,000-replicate
    # run replays the model once, not once per position the slider passed through.
    # 'Run to end' is such a request too (the same model, replayed to its end): every draw
    # is keyed by (seed, replicate, day), so the replay is the run continued.
    request = solara.use_reactive(0)
    busy = solara.use_reactive("")  # what the background build is doing, if anything
    replay_to = solara.use_ref(0)
    newest = solara.use_ref(0)
    newest.current = request.value

    def rebuild(new_parameters: dict, steps: int | None = None, doing: str = REBUILDING) -> None:
        """Apply the controls at once, replaying to ``steps`` (default: the day reached)."""
        replay_to.current = model.value.steps if steps is None else steps
        parameters.value = new_parameters
        busy.value = doing
        request.value += 1

    wanted, wanted_parameters, wanted_steps = request.value, parameters.value, replay_to.current

    def build() -> None:
        if wanted == 0:  # the first model is built with the page
            return
        with _BUILDING:
            if newest.current != wanted:
                return
            try:
                new_model = replayed(
                    wanted_parameters, wanted_steps, lambda: newest.current != wanted
                )
            except ScenarioError as err:
                error.value, busy.value = "\n".join(err.lines), ""
                return
            if new_model is not None:
                error.value = ""
                model.value = new_model
                busy.value = ""

    solara.lab.use_task(build, dependencies=[wanted], prefer_threaded=True)

    def choose_scenario(path: str) -> None:
        try:
            fresh = model_parameters(path, parameters.value["replicates"], parameters.value["seed"])
        except ScenarioError as err:
            error.value = "\n".join(err.lines)
            return
        rebuild(fresh, steps=0)

    def set_lever(path: str, value: float) -> None:
        levers = {**parameters.value["levers"], path: value}
        rebuild({**parameters.value, "levers": levers})

    def set_field(name: str, value: int) -> None:
        rebuild({**parameters.value, name: value})

    def restore_file_values() -> None:
        rebuild(model_parameters(parameters.value["scenario_file"], *_run_size(parameters)))

    def run_to_end() -> None:
        rebuild(parameters.value, steps=sys.maxsize, doing="Running to the end\u2026")

    current = parameters.value["scenario_file"]
    chosen = solara.use_memo(lambda: load_scenario(current), [current])
    scenario = model.value.scenario_spec
    solara.Title("Ceasefire dashboard")
    with solara.AppBar():
        solara.AppBarTitle(f"Ceasefire negotiation: {scenario.scenario.name}")

    solara.Style(CSS)
    with solara.Sidebar(), solara.Column(classes=["ceasefire-controls"], gap="12px"):
        with solara.Card("Scenario", margin=0, classes=["scenario-card"]):
            solara.Select(
                "Scenario file",
                values=list(choices),
                value=next(label for label, path in choices.items() if path == current),
                on_value=lambda label: choose_scenario(choices[label]),
            )
            solara.Text(
                scenario_facts_line(scenario),
                classes=["scenario-facts"],
                style={"font-size": "0.85rem"},
            )
        with solara.Card("Run", margin=0):
            if busy.value:
                solara.Text(busy.value, classes=["ceasefire-busy"])
                solara.ProgressLinear(True)
            else:
                ModelController(
                    model,
                    model_parameters=parameters,
                    play_interval=play_interval,
                    render_interval=render_interval,
                    use_threads=use_threads,
                ).key(f"controller-{id(model.value)}")
                solara.Button(
                    "Run to end",
                    on_click=run_to_end,
                    outlined=True,
                    color="primary",
                    style={"width": "100%"},
                )
            solara.SliderInt(
                f"Replicates = {parameters.value['replicates']:,}",
                value=parameters.value["replicates"],
                min=1,
                max=MAX_REPLICATES,
                on_value=lambda v: set_field("replicates", int(v)),
            )
            solara.InputInt(
                "Seed",
                value=parameters.value["seed"],
                on_value=lambda v: set_field("seed", int(v or 0)),
            )
            solara.SliderInt(
                f"Days per step = {render_interval.value}",
                value=render_interval,
                min=1,
                max=30,
            )
        with solara.Card("Levers", margin=0):
            for group, sliders in lever_groups(chosen, parameters.value["levers"]).items():
                solara.Text(group, style={"font-weight": "600", "margin-top": "8px"})
                UserInputs(sliders, on_change=set_lever)
            solara.Button("Restore the file's values", on_click=restore_file_values, text=True)

    if error.value:
        solara.Error(error.value)
    RunViews(model.value)


def _run_size(parameters: solara.Reactive[dict]) -> tuple[int, int]:
    return parameters.value["replicates"], parameters.value["seed"]
