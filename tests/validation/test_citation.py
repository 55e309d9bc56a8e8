"""CITATION.cff: the fields cff-version 1.2.0 requires, and the project's version and licence
(a release bumps pyproject.toml; this fails until CITATION.cff follows). Read with a regex
on its top-level keys: the project has no YAML dependency."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_citation_names_the_project_version_and_licence():
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    top = dict(re.findall(r'^([a-z-]+):[ ]*"?([^"\n]*)"?$', text, flags=re.M))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert top["cff-version"] == "1.2.0"
    assert {"message", "title", "authors", "version", "license", "references"} <= set(top)
    assert top["version"] == project["version"]
    assert top["license"] == project["license"]
    assert '  - name: "ceasefire-sim contributors"' in text
    assert text.count("  - type: ") >= 10  # the key literature
