"""`ceasefire calibrate`: ABC-SMC fits of scenario parameters to target statistics.

- :mod:`~sim.calibration.spec`: the calibration file (priors on dotted paths, targets);
- :mod:`sim.results.durability`: the shipped ETH/PRIO tables and the model's survival curves;
- :mod:`~sim.calibration.simulate`: statistics of many parameter sets per engine call;
- :mod:`~sim.calibration.abc`: the sampler; :mod:`~sim.calibration.runner`: directory,
  checkpoints, resume; :mod:`~sim.calibration.outputs`: posterior, checks, calibrated file.
"""
