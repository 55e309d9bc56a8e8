"""Self-contained HTML pages and chart files drawn from stored results: report, plot, compare.

- :mod:`~sim.report.html`: CSS, tables and the page frame; :mod:`~sim.report.sections`: scenario,
  evidence, timeline and reproduce sections; :mod:`~sim.report.references`: the bibliography
  (sim/data/references.toml) and the works a short cite names;
- :mod:`~sim.report.run`, :mod:`~sim.report.sweep`: the run and sweep reports;
- :mod:`~sim.report.compare`: compare.html and the comparison directory;
- :mod:`~sim.report.plot`: `ceasefire plot` (chart files).
"""
