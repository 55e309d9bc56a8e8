"""The installed package's version (run directories and sweep manifests record it)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ceasefire-sim")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"
