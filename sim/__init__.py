"""ceasefire-sim: an agent-based simulator of multi-party ceasefire negotiations.

The Python API (docs/api.md) is this package's top level::

    import sim
    result = sim.simulate("scenarios/march-2025.toml", replicates=1000, seed=1)
    sim.summarise(result)   # a DataFrame: one row per outcome measure
    sim.outcomes(result)    # a DataFrame: one row per replicate, named categories
    sim.agreements(result)  # a DataFrame: one row per deal, named categories, dates

Names are imported on first use, so ``import sim`` (and the `ceasefire` command that
imports it) stays fast.
"""

from sim.version import __version__

_API = {
    "CeasefireModel",
    "agreements",
    "load_scenario",
    "outcomes",
    "plot",
    "simulate",
    "summarise",
    "sweep",
}
__all__ = ["__version__", *sorted(_API)]


def __getattr__(name: str):
    if name in _API:
        from sim import api  # lazy: importing the engine costs a second

        return getattr(api, name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
