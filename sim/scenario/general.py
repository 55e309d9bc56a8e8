"""The general format's pieces (issue 14): declared sources, and the optional tables filled
in before validation, so a plain bargaining case (no fronts, no tracks, no mediator) is a
valid scenario. Kept apart from sim/scenario/schema.py, which reads them."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from sim.scenario.base import Date, Name, _Strict


class Source(_Strict):
    """A source the scenario's evidence cites (``source:locator``): its bibliographic record,
    and the digest its locators are checked against where the project ships one."""

    title: Name = Field(description="Title of the source.")
    author: Name | None = Field(None, description="Author(s), as the source gives them.")
    outlet: Name | None = Field(
        None, description="Where it appeared: the journal, newspaper or book series."
    )
    publisher: Name | None = Field(None, description="Publisher (of a book or report).")
    year: Annotated[int, Field(ge=1800, le=2199)] | None = Field(
        None, description="Year of publication, where the source gives no full date."
    )
    url: Name | None = Field(None, description="Where to read it (URL), where known.")
    doi: Name | None = Field(None, description="Its DOI, where it has one.")
    file: Name | None = Field(
        None,
        description="The source's digest, relative to this file: a TOML file with its "
        "bibliographic record and a paraphrase of each paragraph (as in `sources/`; a name "
        "not found there is looked up in the project's `sources/`). Every paragraph the "
        "evidence cites must be in it.",
    )
    date: Date | None = Field(None, description="Publication date.")


DEFAULT_TRACK = "deal"


def general_format(data: object) -> object:
    """The optional tables of the general format, filled in before validation.

    A top-level ``[sources.<id>]`` table is read as ``[scenario.sources.<id>]`` (an id in
    both is an error); a file without ``[tracks]`` gets one track, ``deal``, deciding every
    issue and halting every front, so a plain bargaining case needs no ceasefire tables.
    """
    if not isinstance(data, dict):
        return data
    data = dict(data)
    top = data.pop("sources", None)
    if top is not None:
        meta = data.get("scenario")
        if not isinstance(top, dict) or not isinstance(meta, dict):
            raise ValueError("sources: must be a table of [sources.<id>] tables beside [scenario]")
        declared = meta.get("sources", {})
        both = sorted(set(top) & set(declared)) if isinstance(declared, dict) else []
        if both:
            raise ValueError(
                f"source '{both[0]}' is declared twice, in [sources] and [scenario.sources]"
            )
        data["scenario"] = {**meta, "sources": {**(declared or {}), **top}}
    if "tracks" not in data and isinstance(data.get("issues"), dict):
        data["tracks"] = {
            DEFAULT_TRACK: {
                "label": "Deal",
                "issues": list(data["issues"]),
                "assumption": "no [tracks] table: one deal decides every issue (the default track)",
            }
        }
    return data
