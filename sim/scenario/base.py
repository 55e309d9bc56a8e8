"""Building blocks of the scenario schema: strict tables, cited evidence, bounded numbers.

Every table rejects unknown fields (a typo is an error, not a silently ignored line), and
every actor, stance, issue, threat and event states its basis: article paragraphs it
cites, or an assumption.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

Unit = Annotated[float, Field(ge=0.0, le=1.0)]


PARAGRAPH = re.compile(r"\bP\d+\b")


def number_text(x: float) -> str:
    """A number as a user writes it in TOML: shortest exact form, no trailing ``.0``."""
    return repr(float(x)).removesuffix(".0")


def _cites_paragraph(text: str) -> str:
    if not PARAGRAPH.search(text):
        raise ValueError("must cite a paragraph of the source, such as 'P6: ...'")
    return text


# Evidence is a paragraph reference and a paraphrase ("P6: Putin named Kursk").
Evidence = Annotated[str, AfterValidator(_cites_paragraph)]


class _Strict(BaseModel):
    """Unknown fields are errors (a typo must not be silently ignored), and values are not
    coerced between types: ``position = true`` or ``position = "0.5"`` is an error rather
    than 1.0 or 0.5. Dates (``Date``) still accept ISO strings as well as TOML dates."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class _Sourced(_Strict):
    """A statement backed either by a paragraph of a source or by a stated assumption."""

    evidence: Evidence | None = Field(
        None,
        description="The source: a paragraph of the article and a paraphrase, e.g. "
        "'P6: Putin raised the Kursk question'. Give this or `assumption`, not both.",
    )
    assumption: str | None = Field(
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


Date = Annotated[dt.date, Field(strict=False)]
