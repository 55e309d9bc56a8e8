"""Starting the dashboard: ``solara run sim.dashboard.app`` in a child process.

Solara is an optional extra (``pip install -e .[dashboard]``): this module only checks that
it is there, in the versions that render without a network, and runs its server. The
server is a child process so that Ctrl-C, a busy port or a crash of the web stack end with
one clear line instead of a traceback.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from sim.dashboard import SCENARIO_ENV
from sim.results.atomic import sigterm_as_interrupt

INSTALL_HINT = "run 'scripts/bootstrap dashboard' (or: pip install -e '.[dashboard]')"
# What renders offline on this project's machines (see pyproject.toml, extra 'dashboard'):
# solara-assets bundles the front-end that solara would otherwise fetch from a CDN, and its
# 1.58 front-end needs the Vue 2 widgets.
REQUIRED = {"solara": None, "solara-assets": None, "ipyvue": 3, "ipyvuetify": 3}
STARTUP_TIMEOUT = 90.0  # seconds; the first start compiles Solara's modules


class DashboardError(RuntimeError):
    """The dashboard cannot start; the message is one line for the user."""


def missing_packages() -> list[str]:
    """Packages of the ``dashboard`` extra that are absent or in a version that fails."""
    problems = []
    for name, below in REQUIRED.items():
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            problems.append(f"{name} is not installed")
            continue
        if below is not None and int(version.split(".")[0]) >= below:
            problems.append(f"{name} {version} is installed but the dashboard needs {name}<{below}")
    return problems


def check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as err:
            raise DashboardError(
                f"cannot listen on {host}:{port} ({err.strerror}); choose another with --port"
            ) from None


def _is_loopback(host: str) -> bool:
    """Whether every address ``host`` stands for is this machine's loopback interface."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(found) and all(ipaddress.ip_address(a[4][0]).is_loopback for a in found)


def exposure_warning(host: str, port: int) -> str | None:
    """One line naming what a non-loopback ``--host`` exposes, or None for this machine only.

    The dashboard has no authentication: whoever reaches the port can use the page, read
    the scenario and its evidence, and start simulations (10,000 replicates each) here.
    """
    if _is_loopback(host):
        return None
    try:
        unspecified = ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        unspecified = False
    where = (
        "every network interface of this machine"
        if unspecified
        else f"the network interface(s) that {host} names"
    )
    return (
        f"the dashboard on port {port} is served to {where}, without authentication: "
        "anyone who can reach the port can open the page, read the scenario and its "
        "evidence, and run simulations on this machine (--host 127.0.0.1 keeps it local)"
    )


def _accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def start(scenario: Path, host: str, port: int) -> subprocess.Popen:
    """Start the server for ``scenario`` and return once it accepts connections."""
    problems = missing_packages()
    if problems:
        raise DashboardError(
            f"the dashboard extra is missing ({'; '.join(problems)}): {INSTALL_HINT}"
        )
    check_port(host, port)
    env = os.environ | {
        SCENARIO_ENV: str(Path(scenario).resolve()),
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",  # no calls home
        # Solara warns on every page load that a local http server cannot set secure cookies.
        "PYTHONWARNINGS": "ignore:Cookies with samesite=none:UserWarning",
    }
    command = [
        sys.executable,
        "-m",
        "solara",
        "run",
        "sim.dashboard.app",
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--theme-loader",
        "plain",  # the default loader pins a 'runs on Solara' badge over the charts
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    try:
        while not _accepts(host, port):
            if server.poll() is not None:
                raise DashboardError(
                    f"the dashboard server stopped at start (exit code {server.returncode})"
                )
            if time.monotonic() > deadline:
                raise DashboardError(
                    f"the dashboard server did not start within {STARTUP_TIMEOUT:.0f} s"
                )
            time.sleep(0.2)
    except BaseException:  # including Ctrl-C while waiting: leave no server behind
        server.terminate()
        raise
    return server


def url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve(scenario: Path, host: str, port: int, echo=print) -> int:
    """Run the dashboard until Ctrl-C (or SIGTERM); returns the server's exit code.

    The server is stopped with this process however it is asked to end, so that no
    orphaned server keeps the port.
    """
    server = start(scenario, host, port)

    echo(f"Dashboard for {scenario} at {url(host, port)} (Ctrl-C to stop)")
    try:
        with sigterm_as_interrupt():
            return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
