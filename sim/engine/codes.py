"""The engine's categorical outputs, named: answers, outcome classes, first violators.

Arrays and stored files hold the integer codes (int8 in sweep parts, int64 in npz); an
``IntEnum`` compares equal to its code, so ``outcome == Outcome.PARTIAL`` works on arrays
and nothing on disk changes. Every table a user sees prints the ``label``, never the code.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Answer(IntEnum):
    """A negotiator's reply to the mediator's proposal in one round."""

    REJECT = 0
    ACCEPT = 1
    CONDITIONAL = 2  # yes, if the partners it names (accepts_only_with) say yes too

    @property
    def label(self) -> str:
        return self.name.lower()


class Outcome(IntEnum):
    """The outcome class of a replicate, from the agreed scope (docs/model.md, 'Outputs')."""

    NONE = 0
    PARTIAL = 1
    COMPREHENSIVE = 2

    @property
    def label(self) -> str:
        """The name outcomes.csv and summaries use: none, partial, comprehensive."""
        return self.name.lower()


class Violator(IntEnum):
    """Sentinels of ``first_violator``; values >= 0 are actor indices."""

    NONE = -1  # no violation (or no agreement)
    SEVERAL = -2  # several parties violated on the first day of violations


class _Labelled(IntEnum):
    @property
    def label(self) -> str:
        """The name tables and summaries print (never the code)."""
        return self.name.lower()


class Coverage(_Labelled):
    """What a deal halts: some fronts (partial) or all of them (comprehensive)."""

    PARTIAL = 0
    COMPREHENSIVE = 1


class DealClass(_Labelled):
    """Bare, with compliance terms (monitoring), or definitive (linked to a settlement)."""

    BARE = 0
    COMPLIANCE = 1
    DEFINITIVE = 2


class Side(_Labelled):
    """Who is bound: one party (a unilateral truce), the two parties, or more."""

    UNILATERAL = 0
    BILATERAL = 1
    MULTILATERAL = 2


class EndReason(_Labelled):
    """Why a deal's row ended (or that it had not ended at the horizon)."""

    IN_FORCE_AT_HORIZON = 0
    BREAKDOWN = 1
    EXPIRED = 2
    REPLACED = 3
    LAPSED = 4
    PENDING_AT_HORIZON = 5


class Purpose(_Labelled):
    """What a track is for (MODEL.md section 7)."""

    GENERAL = 0
    SECTORAL = 1
    HUMANITARIAN = 2


OUTCOME_LABELS = tuple(o.label for o in Outcome)  # ("none", "partial", "comprehensive")
ANSWER_LABELS = tuple(a.label for a in Answer)  # ("reject", "accept", "conditional")


def violator_name(code: int, actor_ids: list[str] | tuple[str, ...]) -> str:
    """An actor id, ``several``, or empty for no violation (outcomes.csv spelling)."""
    code = int(code)
    if code == Violator.SEVERAL:
        return "several"
    return actor_ids[code] if code >= 0 else ""


def outcome_names(codes: np.ndarray) -> np.ndarray:
    """Labels for an array of outcome codes."""
    return np.asarray(OUTCOME_LABELS, dtype=object)[np.asarray(codes, dtype=np.int64)]
