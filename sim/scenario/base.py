"""Building blocks of the scenario schema: strict tables, cited evidence, bounded numbers.

Every table rejects unknown fields (a typo is an error, not a silently ignored line), and
every actor, stance, issue, threat and event states its basis: article paragraphs it
cites, or an assumption.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

Unit = Annotated[float, Field(ge=0.0, le=1.0)]


PARAGRAPH = re.compile(r"\bP\d+\b")
# A citation of a declared source: ``source:locator`` (``article:P6``, ``bdm1994:table-2``).
# The locator starts with a letter or digit and has no spaces; a colon followed by a space
# ("P6: ...") or a slash ("https://") is not a citation.
CITATION = re.compile(
    r"(?<![\w/.:-])([a-z][a-z0-9_]{0,39}):([A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9]|[A-Za-z0-9])"
)

# Ids are table keys and parts of dotted paths (``fronts.kursk.drift``), so a dot,
# a quote or a control character in one would make paths ambiguous or error lines unreadable.
ID_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
ID_RULE = "1 to 40 lowercase letters, digits or _, starting with a letter"
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]

# The calendar the engine and the charts can draw: every date of a run (start, plus up to
# ten years of days, schema.MAX_HORIZON_DAYS) must stay a valid date for numpy and
# matplotlib, and for any reader, so dates are kept to two centuries either side of now.
FIRST_DATE = dt.date(1800, 1, 1)
LAST_DATE = dt.date(2199, 12, 31)

# Length limits: text is drawn on charts and printed in reports, so a name of megabytes
# would hang drawing; the limits are far above anything a reader wants to see.
NAME_CHARS = 200
TEXT_CHARS = 5_000


def _control_character(text: str, allowed: str) -> str | None:
    return next((c for c in text if (c < " " or "\x7f" <= c <= "\x9f") and c not in allowed), None)


def _one_line(text: str) -> str:
    bad = _control_character(text, "")
    if bad is not None:
        raise ValueError(f"contains the control character {bad!r}; write one line of plain text")
    return text


def _plain_text(text: str) -> str:
    bad = _control_character(text, "\n\t")
    if bad is not None:
        raise ValueError(f"contains the control character {bad!r}; write plain text")
    return text


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be blank")
    return text


# A one-line name (charts, tables) and a longer text (descriptions, evidence).
Name = Annotated[
    str,
    Field(max_length=NAME_CHARS),
    AfterValidator(_one_line),
    AfterValidator(_not_blank),
]
Text = Annotated[str, Field(max_length=TEXT_CHARS), AfterValidator(_plain_text)]


def number_text(x: float) -> str:
    """A number as a user writes it in TOML: shortest exact form, no trailing ``.0``."""
    return repr(float(x)).removesuffix(".0")


def _cites_paragraph(text: str) -> str:
    if not PARAGRAPH.search(text) and not CITATION.search(text):
        raise ValueError("must cite a paragraph of the source, such as 'P6: ...'")
    return text


# Evidence is a citation and a paraphrase: ``source:locator`` of a declared source
# ("article:P6: Putin named Kursk", "bdm1994:table-2: ..."), or a bare paragraph ``P6`` as
# shorthand for the paragraph of the article (the scenario's only source, or the one named first).
Evidence = Annotated[Text, AfterValidator(_not_blank), AfterValidator(_cites_paragraph)]
# Why a value is assumed: a reason, so never empty.
Assumption = Annotated[Text, AfterValidator(_not_blank)]


class _Strict(BaseModel):
    """Unknown fields are errors (a typo must not be silently ignored), and values are not
    coerced between types: ``position = true`` or ``position = "0.5"`` is an error rather
    than 1.0 or 0.5. Dates (``Date``) still accept ISO strings as well as TOML dates."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class _Sourced(_Strict):
    """A statement backed either by a paragraph of a source or by a stated assumption."""

    evidence: Evidence | None = Field(
        None,
        description="The source and a paraphrase: `source:locator` of a source declared "
        "in `[scenario.sources]` (e.g. 'article:P6: Putin raised the Kursk question', "
        "'bdm1994:table-2: ...'), or a bare paragraph 'P6: ...' of the article. Give this "
        "or `assumption`, not both.",
    )
    assumption: Assumption | None = Field(
        None,
        description="Why the value is assumed when no paragraph states it, in one line. "
        "Give this or `evidence`, not both.",
    )

    @model_validator(mode="after")
    def _exactly_one_basis(self):
        if self.evidence is not None and self.assumption is not None:
            raise ValueError(
                "has both 'evidence' and 'assumption': keep exactly one "
                "(a paragraph reference such as 'P6: ...', or why the value is assumed)"
            )
        if self.evidence is None and self.assumption is None:
            raise ValueError(
                "has neither 'evidence' nor 'assumption': give exactly one "
                "(a paragraph reference such as 'P6: ...', or why the value is assumed)"
            )
        return self


def _date_input(value: object) -> object:
    """A TOML date or an ISO string; not a number (pydantic would read a Unix time) and not
    a date-time or a time of day (a round is a whole day)."""
    if isinstance(value, dt.datetime | dt.time) or not isinstance(value, dt.date | str):
        raise ValueError("must be a date like 2025-03-11")
    return value


Date = Annotated[
    dt.date,
    BeforeValidator(_date_input),
    Field(strict=False, ge=FIRST_DATE, le=LAST_DATE),
]


def reject_removed(data: object, removed: dict[str, str]) -> object:
    """Refuse version-1 fields that model 2 replaced, naming what replaced them.

    Used as a ``mode="before"`` model validator: without it a v1 file would get "unknown
    field" lines that do not say where the number went (docs/scenarios.md, "From version 1").
    All removed fields of the table are named on one line.
    """
    if isinstance(data, dict):
        found = [key for key in removed if key in data]
        if found:
            raise ValueError(
                "; ".join(f"`{key}` was removed in model 2: {removed[key]}" for key in found)
            )
    return data
