"""`ceasefire calibrate`: bad files, the sampler on a problem with a known answer, resume
after SIGKILL and worker-count invariance (bit for bit), and the directory's outputs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from sim.calibration.runner import run_calibration
from sim.calibration.spec import load_calibration
from sim.engine.model import CeasefireModel
from sim.results.durability import curves, deal_durations, group_mask
from sim.scenario.load import load_scenario
from sim.scenario.schema import Scenario
from tests.commands.inprocess import ceasefire

DATA = Path(__file__).resolve().parents[2] / "data"
TWO_PARTY = DATA / "two-party.toml"

BASE = """
[calibration]
scenario = "{scenario}"
seed = 3
particles = {particles}
proposals = {proposals}
generations = {generations}
replicates = {replicates}
batch = 200

[parameters."implementation.violation_rate"]
prior = "loguniform"
low = 0.002
high = 0.2
{extra}
[targets.bare_breakdown_30]
statistic = "cum_breakdown"
group = "class=bare"
day = 30
observed = {observed}
sd = {sd}
"""


def write(folder: Path, name="cal.toml", **kw) -> Path:
    fields = {"scenario": TWO_PARTY, "particles": 8, "proposals": 16, "generations": 3,
              "replicates": 6, "extra": "", "observed": 0.2, "sd": 0.05} | kw  # fmt: skip
    path = folder / name
    path.write_text(BASE.format(**fields), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"extra": '[parameters."implementation.no_such"]\nlow = 0\nhigh = 1\n'},
         'parameters."implementation.no_such"'),
        ({"extra": '[parameters."implementation.major_share"]\nlow = 0.1\nhigh = 1.5\n'},
         'parameters."implementation.major_share".high: prior outside the field\'s bounds'),
    ],
    ids=["unknown-path", "prior-outside-bounds"],
)  # fmt: skip
def test_bad_calibration_file_is_one_line_exit_2(tmp_path, change, expected):
    path = write(tmp_path, **change)
    result = ceasefire("calibrate", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) >= 1 and all(line.startswith("error: ") for line in lines)
    assert expected in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_validate_checks_a_calibration_file_as_calibrate_does(tmp_path):
    """`ceasefire validate` knows a calibration file: OK for a good one; for a bad one the
    same one-line error `calibrate` gives, exit 2, and nothing written."""
    good = write(tmp_path)
    result = ceasefire("validate", str(good))
    assert result.returncode == 0 and f"OK: {good} (calibration file)" in result.stdout
    bad = write(
        tmp_path, "bad.toml",
        extra='[parameters."implementation.major_share"]\nlow = 0.1\nhigh = 1.5\n',
    )  # fmt: skip
    result = ceasefire("validate", str(bad))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {bad}: ")
    assert "prior outside the field's bounds" in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml", "cal.toml"]


def test_run_on_a_calibration_file_says_which_command_takes_it(tmp_path):
    path = write(tmp_path)
    result = ceasefire("run", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and not (tmp_path / "out").exists()
    assert f"{path}: this is a calibration file; use ceasefire calibrate" in result.stderr


def test_unknown_statistic_names_the_allowed_ones(tmp_path):
    text = write(tmp_path).read_text().replace('"cum_breakdown"', '"hazard_ratio"')
    (tmp_path / "cal.toml").write_text(text)
    result = ceasefire("calibrate", str(tmp_path / "cal.toml"), "--out", str(tmp_path / "o"))
    assert result.returncode == 2
    assert "targets.bare_breakdown_30.statistic" in result.stderr
    assert "survival" in result.stderr and "cum_breakdown" in result.stderr


def test_curves_agree_with_hand_computed_incidence():
    """Aalen-Johansen by hand: 4 deals, breakdown day 2, expiry day 3, censored day 5, day 6."""
    ag = {"replicate": np.zeros(4, int), "day_in_force": np.zeros(4, int),
          "day_ended": np.array([2, 3, -1, 6]), "end_reason": np.array([1, 2, 0, 1])}  # fmt: skip
    live, duration, cause = deal_durations(ag, horizon=5)
    c = curves(np.zeros(4, int), duration, cause, 1, 6)
    assert c["survival"][0, 1] == 1.0 and c["survival"][0, 2] == 0.75
    assert c["survival"][0, 3] == 0.5  # censored on day 5, one left at risk after
    assert c["cum_breakdown"][0, 2] == 0.25 and c["cum_expired"][0, 3] == 0.25
    assert np.isnan(curves(np.zeros(0, int), duration[:0], cause[:0], 1, 6)["survival"]).all()


def _truth(scenario: Scenario, rate: float, replicates: int) -> tuple[float, float]:
    """The statistic at the true value, over a large ensemble: (value, deals of the group)."""
    ids = np.arange(10**6, 10**6 + replicates)
    model = CeasefireModel(scenario, ids, 11, overrides={"implementation.violation_rate":
                           np.full(replicates, rate)}, record="none")  # fmt: skip
    model.run_model()
    ag = model.agreements()
    live, d, c = deal_durations(ag, model.params.horizon)
    keep = live & group_mask(ag, "class=bare")
    curve = curves(np.zeros(keep.sum(), int), d[keep], c[keep], 1, 30)
    return float(curve["cum_breakdown"][0, 30]), int(keep.sum())


def test_posterior_covers_the_true_value(tmp_path):
    """Synthetic problem: targets simulated at violation_rate = 0.03; the posterior's
    median lies within 2 posterior sd of it, and the posterior is narrower than the prior."""
    scenario = load_scenario(TWO_PARTY)
    truth = 0.03
    observed, _ = _truth(scenario, truth, 1500)
    reps = 30  # about 30 bare deals per parameter set: binomial sd of the statistic
    sd = max(np.sqrt(observed * (1 - observed) / reps), 0.02)
    path = write(tmp_path, particles=30, proposals=90, generations=3, replicates=reps,
                 observed=round(observed, 6), sd=round(sd, 6))  # fmt: skip
    run_calibration(path, tmp_path / "out", workers=1, progress=False)
    post = pq.read_table(tmp_path / "out" / "posterior.parquet").to_pydict()
    x = np.log(np.array(post["implementation.violation_rate"]))
    w = np.array(post["weight"])
    mean = w @ x
    width = np.sqrt(w @ (x - mean) ** 2)
    assert abs(np.median(np.repeat(x, np.round(w * 1000).astype(int))) - np.log(truth)) < 2 * width
    assert width < (np.log(0.2) - np.log(0.002)) / np.sqrt(12)  # narrower than the prior
    written = ("distances.csv", "ppc.csv", "identifiability.csv", "correlations.csv")
    for name in (
        *written,
        "calibrated-scenario.toml",
        "charts/ppc.png",
        "charts/identifiability.png",
    ):
        assert (tmp_path / "out" / name).is_file(), name
    text = (tmp_path / "out" / "calibrated-scenario.toml").read_text()
    assert 'calibrated = "ETH/PRIO durations, ' in text
    from sim.scenario.load import load_scenario_text

    calibrated = tmp_path / "out" / "calibrated-scenario.toml"
    s = load_scenario_text(calibrated)[0]
    assert s.implementation.calibrated and s.implementation.calibrated.startswith("ETH/PRIO")
    # its value is the accepted particle with the smallest distance, one joint set
    post = pq.read_table(tmp_path / "out" / "posterior.parquet").to_pandas()
    best = post["implementation.violation_rate"][post["distance"].idxmin()]
    assert s.implementation.violation_rate == pytest.approx(best, rel=1e-5)
    assert "# calibrated: best fit (distance " in text and "posterior median" in text


def _start(path: Path, out: Path, workers: int = 1) -> subprocess.Popen:
    command = [sys.executable, "-m", "sim.cli", "calibrate", str(path), "--out", str(out)]
    return subprocess.Popen([*command, "--workers", str(workers)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=os.environ.copy())  # fmt: skip


def _posterior(out: Path) -> dict:
    return pq.read_table(out / "posterior.parquet").to_pydict()


def test_killed_calibration_resumes_bit_for_bit_and_workers_do_not_matter(tmp_path):
    path = write(tmp_path, extra='[parameters."implementation.major_share"]\nlow = 0.05\n'
                 "high = 0.9\n")  # fmt: skip
    run_calibration(path, tmp_path / "reference", workers=1, progress=False)
    reference = _posterior(tmp_path / "reference")

    proc = _start(path, tmp_path / "killed")
    first = tmp_path / "killed" / "generation-000.npz"
    deadline = time.monotonic() + 120
    while not first.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert proc.poll() is None, proc.communicate()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (tmp_path / "killed" / "posterior.parquet").exists()
    result = ceasefire("calibrate", str(path), "--out", str(tmp_path / "killed"), "-w", "2")
    assert result.returncode == 0, result.stderr
    assert _posterior(tmp_path / "killed") == reference
    for g in range(3):
        a = np.load(tmp_path / "reference" / f"generation-{g:03d}.npz")
        b = np.load(tmp_path / "killed" / f"generation-{g:03d}.npz")
        assert all(np.array_equal(a[k], b[k]) for k in a.files)


def test_another_calibration_in_the_directory_is_refused(tmp_path):
    run_calibration(write(tmp_path, generations=1), tmp_path / "out", progress=False)
    other = write(tmp_path, name="other.toml", generations=1, observed=0.3)
    result = ceasefire("calibrate", str(other), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "holds another calibration" in result.stderr
    result = ceasefire("calibrate", str(other), "--out", str(tmp_path / "out"), "--replace")
    assert result.returncode == 0, result.stderr
    assert load_calibration(tmp_path / "out" / "calibration.toml").observed == (0.3,)


def test_report_shows_the_fit_and_a_run_draws_survival_against_the_data(tmp_path):
    run_calibration(write(tmp_path, generations=1), tmp_path / "cal", progress=False)
    result = ceasefire("report", str(tmp_path / "cal"))
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "cal" / "report.html").read_text()
    assert "Fit, target by target" in html and "chart-ppc" in html
    assert "chart-identifiability" in html and "class=bare" in html
    # --replace takes the directory back: everything in it is the tool's
    result = ceasefire("calibrate", str(tmp_path / "cal.toml"), "-o", str(tmp_path / "cal"),
                       "--replace")  # fmt: skip
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", ["calibrate-durability.toml", "calibrate-durability-quick.toml"])
def test_shipped_calibrations_load_with_targets_from_the_table(name):
    cal = load_calibration(Path(__file__).resolve().parents[3] / "experiments" / name)
    assert len(cal.paths) >= 5 and all(0 < sd < 0.05 for sd in cal.sd)
    assert cal.observed[cal.target_names.index("bare_breakdown_30")] == 0.0946  # the table's
