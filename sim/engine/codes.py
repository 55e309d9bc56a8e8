"""The engine's categorical outputs, named (model 2 outputs contract, coord/model2.md).

Arrays and stored files hold the integer codes (int8 in sweep parts, int64 in npz); an
``IntEnum`` compares equal to its code, so ``coverage == Coverage.PARTIAL`` works on arrays
and nothing on disk changes. Every table a user sees prints the ``label``, never the code.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class _Named(IntEnum):
    @property
    def label(self) -> str:
        """The spelling tables, CSV files and summaries use (lower case, underscores)."""
        return self.name.lower()

    @classmethod
    def labels(cls) -> tuple[str, ...]:
        return tuple(c.label for c in cls)

    @classmethod
    def names_of(cls, codes: np.ndarray) -> np.ndarray:
        """Labels for an array of codes."""
        return np.asarray(cls.labels(), dtype=object)[np.asarray(codes, dtype=np.int64)]


class Answer(_Named):
    """A negotiator's reply to the package tabled on one track at one session."""

    REJECT = 0
    ACCEPT = 1
    CONDITIONAL = 2  # yes, if the partners it names (accepts_only_with) say yes too


class Outcome(_Named):
    """The broadest ceasefire ever agreed in a replicate (bilateral or multilateral)."""

    NONE = 0
    PARTIAL = 1
    COMPREHENSIVE = 2


class Coverage(_Named):
    """A deal halts some fronts (partial) or all of them (comprehensive)."""

    PARTIAL = 0
    COMPREHENSIVE = 1


class DealClass(_Named):
    """Bare cessation, with compliance mechanisms, or definitive (ETH/PRIO ceasefire classes,
    Clayton et al. 2023), from the agreed terms and ``[outcomes]`` thresholds."""

    BARE = 0
    COMPLIANCE = 1
    DEFINITIVE = 2


class Side(_Named):
    """Declared by one party, agreed by two, or with more parties."""

    UNILATERAL = 0
    BILATERAL = 1
    MULTILATERAL = 2


class EndReason(_Named):
    """How a deal's life ended, or that it had not ended by the horizon."""

    IN_FORCE_AT_HORIZON = 0
    BREAKDOWN = 1
    EXPIRED = 2
    REPLACED = 3
    LAPSED = 4
    PENDING_AT_HORIZON = 5  # agreed, still waiting for an implementer's consent


class Purpose(_Named):
    """What a track is for (a scenario's ``tracks.*.purpose``)."""

    GENERAL = 0
    SECTORAL = 1
    HUMANITARIAN = 2


class Violator(IntEnum):
    """Sentinels of actor-index columns (``broken_by``, ``first_breakdown_by``)."""

    NONE = -1  # nobody
    SEVERAL = -2  # several parties on the same day


OUTCOME_LABELS = Outcome.labels()  # ("none", "partial", "comprehensive")
ANSWER_LABELS = Answer.labels()  # ("reject", "accept", "conditional")


def violator_name(code: int, actor_ids: list[str] | tuple[str, ...]) -> str:
    """An actor id, ``several``, or empty for nobody (CSV spelling)."""
    code = int(code)
    if code == Violator.SEVERAL:
        return "several"
    return actor_ids[code] if code >= 0 else ""


def outcome_names(codes: np.ndarray) -> np.ndarray:
    """Labels for an array of outcome codes."""
    return Outcome.names_of(codes)
