"""Simulation: parameter arrays in, outcome arrays out, many replicates at once; no files, no plots.

- :mod:`~sim.engine.rng`: counter-based random draws; :mod:`~sim.engine.rules`: the pure rules;
- :mod:`~sim.engine.codes`: named answers, outcome classes and violators;
- :mod:`~sim.engine.parameters`: a scenario -> arrays with a replicate axis;
- :mod:`~sim.engine.agents`, :mod:`~sim.engine.model`: the Mesa model, one round per step;
- :mod:`~sim.engine.ceasefire`: the implementation phase;
- :mod:`~sim.engine.recorder`: per-round quantile bands;
- :mod:`~sim.engine.outcomes`: the outcome columns of a model.
"""
