"""Simulation: parameter arrays in, outcome arrays out, many replicates at once; no files, no plots.

- :mod:`~sim.engine.rng`: counter-based random draws; :mod:`~sim.engine.calendar`: the days;
- :mod:`~sim.engine.codes`: named answers, coverages, classes, sides, end reasons, purposes;
- :mod:`~sim.engine.inputs`, :mod:`~sim.engine.parameters`, :mod:`~sim.engine.spreads`: a
  scenario -> arrays with a replicate axis;
- :mod:`~sim.engine.rules`, :mod:`~sim.engine.talks`: the pure rules of the talks;
  :mod:`~sim.engine.session`: a day's talks on each track; :mod:`~sim.engine.coercion`:
  threats and promises with memory;
- :mod:`~sim.engine.battle`, :mod:`~sim.engine.beliefs`: fronts, beliefs, the value of a halt;
- :mod:`~sim.engine.deals`, :mod:`~sim.engine.hazards`, :mod:`~sim.engine.agreements`: the
  deal book, competing risks in force, the agreements table;
- :mod:`~sim.engine.world`, :mod:`~sim.engine.agents`, :mod:`~sim.engine.model`: the Mesa
  model, one calendar day per step, in blocks of replicates;
- :mod:`~sim.engine.recorder`: per-day series; :mod:`~sim.engine.outcomes`: the outcome columns.
"""
