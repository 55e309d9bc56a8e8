"""Phase 1 of the day: the scenario's dated events change the world (``[events.*]``).

An event sets or shifts parameters named by dotted paths (resolved once, by
:func:`sim.engine.parameters.build_parameters`, to :class:`ScheduledChange` items). Most
paths name a parameter array the phases read every day, and the change is made there. A
few name a quantity the world carries as state of its own, started from the parameter:
the change is made to that state, or the event would change nothing the model reads.

- ``actors.*.stances.*.position`` moves the current position, ``actors.*.aspiration`` the
  current aspiration, which a shift lowers no further than the actor's aspiration floor
  (as concession does, :func:`sim.engine.talks.concede`);
- ``fronts.*.control`` moves the current control of fronts still fought over; control
  that reaches 0 or 1 decides the front that day (:meth:`World.decide`), and the red lines
  tied to it shift with the territory as they do after fighting;
- ``issues.*.status_quo`` moves the current status quo of issues no front has settled;
- ``issues.*.opening`` moves the opening package of tracks that have tabled nothing yet
  (where the track has no opening of its own for the issue);
- ``outcomes.compliance_min`` and ``outcomes.definitive_min`` class the deals agreed from
  that day, supporters' ``monitoring_capacity`` and ``guarantee`` reach their monitoring
  and guarantee levels, and ``implementation.*`` the deal book's hazards (a deal in force
  keeps the levels it was agreed with and the violation times drawn when it began).

Every new value is clipped to the bounds the schema gives its path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.engine import rules
from sim.engine.inputs import ScheduledChange

if TYPE_CHECKING:
    from sim.engine.world import World


def apply_events(w: World, day: int, bounds: dict[str, tuple[float, float]]) -> None:
    """Apply the changes dated ``day`` in order (by date, then file order)."""
    p = w.p
    changed: set[str] = set()
    for change in p.events:
        if change.day != day:
            continue
        apply_change(w, change, bounds[change.path])
        changed.add(change.array)
    if not changed:
        return
    w._belief_vars = w._party_costs = None  # the world's caches of event-able parameters
    if "salience" in changed:
        w.salience = rules.normalise_salience(p.salience, p.absolute_salience)
    if changed & {"monitoring_capacity", "guarantee"}:
        w.supporters_to_book()
    if any(name.startswith("impl_") for name in changed):  # [implementation] settings
        w.book.set_settings(p.impl)
    w.position = rules.clip_to_red_lines(w.position, p.red_low, p.red_high)
    w.influence_matrix()


def _new_value(change: ScheduledChange, old: np.ndarray, bounds) -> np.ndarray:
    new = change.value if change.op == "set" else old + change.value
    return np.clip(new, *bounds)


def apply_change(w: World, change: ScheduledChange, bounds: tuple[float, float]) -> None:
    """One change of one event, on every replicate of the world."""
    p = w.p
    where = (slice(None), *change.index)
    if change.array == "position":
        w.position[where] = _new_value(change, w.position[where], bounds)
    elif change.array == "aspiration":
        old, floor = w.aspiration[where], p.aspiration_floor[where]
        # down to the floor and not below, as concession (a set below it is refused at load)
        w.aspiration[where] = np.maximum(_new_value(change, old, bounds), np.minimum(old, floor))
    elif change.array == "control0":
        (f,) = change.index
        live = ~w.decided[:, f]
        new = _new_value(change, w.control[:, f], bounds)
        w.control[:, f] = np.where(live, new, w.control[:, f])
        full = np.zeros_like(w.decided)
        full[:, f] = live & ((new <= 0.0) | (new >= 1.0))
        if full.any():
            won = np.full(full.shape, -1, dtype=np.int8)
            won[full] = w.control[full] >= 1.0
            w.decide(change.day, full, won)
    elif change.array == "status_quo":
        (k,) = change.index
        new = _new_value(change, w.status_quo[:, k], bounds)
        w.status_quo[:, k] = np.where(w.settled[:, k], w.status_quo[:, k], new)
    elif change.array == "opening":
        (k,) = change.index
        p.opening[:, k] = _new_value(change, p.opening[:, k], bounds)
        # tracks yet to table anything, with no opening of their own, on unsettled issues
        waiting = (w.tablings == 0) & ~p.track_own_opening[None, :, k] & ~w.settled[:, k, None]
        w.package[:, :, k] = np.where(waiting, p.opening[:, k, None], w.package[:, :, k])
    else:
        target = p.array(change.array)
        target[where] = _new_value(change, target[where], bounds)
