"""What a run produced, in memory and on disk: statistics, measures, summaries, result directories.

- :mod:`~sim.results.stats`: Wilson, Newcombe, Welch and Kaplan–Meier intervals;
- :mod:`~sim.results.measures`: model 2's headline measures (over outcomes and agreements);
- :mod:`~sim.results.deals`: the agreements table over the calendar (in force, durations);
- :mod:`~sim.results.tables`: the CSV tables, with names instead of codes and dates;
- :mod:`~sim.results.summary`: summary.json and the headline;
- :mod:`~sim.results.atomic`: all-or-nothing writes, and SIGTERM as Ctrl-C;
- :mod:`~sim.results.run_dir`, :mod:`~sim.results.sweep_dir`: run and sweep directories;
- :mod:`~sim.results.open`: open either kind, with one-line errors.
"""
