"""Input: what a scenario file is, how it is read and checked, and how its numbers are addressed.

- :mod:`~sim.scenario.schema`: the pydantic models (types, bounds, descriptions);
- :mod:`~sim.scenario.load`: TOML -> a validated scenario, and ``modified`` copies;
- :mod:`~sim.scenario.errors`: one-line error messages;
- :mod:`~sim.scenario.files`: reading TOML input with one-line errors;
- :mod:`~sim.scenario.sources`: source digests, and the check of every cited paragraph;
- :mod:`~sim.scenario.checks`: problems that span fields;
- :mod:`~sim.scenario.paths`: dotted paths -> parameter arrays and bounds (the only schema reader);
- :mod:`~sim.scenario.facts`, :mod:`~sim.scenario.describe`: what reports and charts show of it;
- :mod:`~sim.scenario.docs`: the field reference in docs/scenarios.md.
"""
