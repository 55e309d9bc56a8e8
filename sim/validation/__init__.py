"""`ceasefire check`: the model's patterns and base rates, pre-registered and measured.

validation/patterns.toml states each check (sim.validation.patterns); generic.py draws the
random scenarios; measures.py turns runs into statistics with intervals; suite.py runs
the units on a process pool and writes the table; command.py is the CLI command.
"""
