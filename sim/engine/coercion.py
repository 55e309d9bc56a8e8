"""Coercion with memory: threats and promises with deadlines (MODEL.md section 4).

A threat is a commitment to raise the target's costs if it has not complied by a deadline
(Schelling 1966, 'Arms and Influence'). Its force is its credibility, and credibility is a
reputation the threatener builds or spends (Sechser 2011, 'Militarized compellent threats'):
per (replicate, threatener) a factor c starts at 1; effective credibility = drawn credibility
x c. A deadline that passes unenforced, or is moved, multiplies c by (1 - erosion); a threat
carried out raises it by boost x (1 - c). Carrying it out adds ``severity`` to the target's
daily cost of war (sanctions are a flow) and hardens it (its concession rate x (1 -
resolve)). Compliance (the target accepts a package on the threat's track) withdraws the
threat: coercion works only if compliance is rewarded. A promise is the mirror image: an
inducement worth cred x severity to the target while pending, paid when it complies.

State lives in :class:`Coercion` (replicate axis first); every draw is addressed by
(seed, replicate, day, "threat", threatener, threat), so a replicate's threats play out the
same alone or in any batch.
"""

from __future__ import annotations

import numpy as np

from sim.engine import rng
from sim.engine.inputs import MOVE_DAYS, Parameters


class Coercion:
    """The threats of one model: (R, H) flags and deadlines, (R, N) credibility and costs."""

    def __init__(self, p: Parameters):
        R, N, H = p.replicates, len(p.actor_ids), len(p.threat_ids)
        self.deadline = np.tile(p.threat_deadline, (R, 1)).astype(np.int64)
        self.pending = np.zeros((R, H), dtype=bool)
        self.resolved = np.zeros((R, H), dtype=bool)  # complied, called or withdrawn
        self.called = np.zeros((R, H), dtype=bool)  # deadline reached without compliance
        self.carried_out = np.zeros((R, H), dtype=bool)
        self.complied = np.zeros((R, H), dtype=bool)
        self.factor = np.ones((R, N))  # credibility memory per threatener
        self.sanctions = np.zeros((R, N))  # daily cost added by carried-out threats
        self.count = np.zeros(R, dtype=np.int64)  # threats carried out: escalation
        self.is_promise = np.array([k == "promise" for k in p.threat_kind], dtype=bool)

    def credibility(self, p: Parameters) -> np.ndarray:
        """Effective credibility of each threat  -> (R, H)."""
        if not p.mechanisms.coercion_memory or not len(p.threat_ids):
            return p.threat_credibility
        return p.threat_credibility * self.factor[:, p.threat_by]

    def day(self, p: Parameters, day: int) -> None:
        """Issue, move and call the threats dated today (step 5 of the day)."""
        memory = p.mechanisms.coercion_memory
        for h in range(len(p.threat_ids)):
            by, target = p.threat_by[h], p.threat_target[h]
            if p.threat_issued[h] == day:
                self.pending[:, h] = ~self.resolved[:, h]
            if day in p.threat_moved[h]:
                moving = self.pending[:, h]
                self.deadline[:, h] += np.where(moving, MOVE_DAYS, 0)
                if memory:
                    erode = 1.0 - p.threat_erosion[:, h]
                    self.factor[:, by] *= np.where(moving, erode, 1.0)
            due = self.pending[:, h] & (self.deadline[:, h] == day)
            if not due.any():
                continue
            self.called[:, h] |= due
            self.pending[:, h] &= ~due
            self.resolved[:, h] |= due
            if self.is_promise[h]:
                continue  # an inducement not taken lapses; nothing to enforce
            cred = self.credibility(p)[:, h]
            draw = rng.uniform(p.seed, p.replicate, day, "threat", by, h)
            done = due & (draw < cred)
            self.carried_out[:, h] |= done
            self.count += done
            self.sanctions[:, target] += np.where(done, p.threat_severity[:, h], 0.0)
            p.concession_rate[:, target] *= np.where(done, 1.0 - p.threat_resolve[:, h], 1.0)
            if memory:
                f = self.factor[:, by]
                boosted = f + p.threat_boost[:, h] * (1.0 - f)
                eroded = f * (1.0 - p.threat_erosion[:, h])
                self.factor[:, by] = np.where(done, boosted, np.where(due, eroded, f))

    def comply(self, p: Parameters, rows: np.ndarray, track: int, accepted: np.ndarray) -> None:
        """The target accepted a package on ``track`` in replicates ``rows`` (accepted (S, N)):
        its pending threats on that track are withdrawn, its pending promises paid."""
        for h in range(len(p.threat_ids)):
            if p.threat_track[h] != track:
                continue
            yes = accepted[:, p.threat_target[h]] & self.pending[rows, h]
            if not yes.any():
                continue
            hit = rows[yes]
            self.pending[hit, h] = False
            self.resolved[hit, h] = True
            self.complied[hit, h] = True
            if self.is_promise[h]:
                self.carried_out[hit, h] = True

    def deal_terms(self, p: Parameters, rows: np.ndarray, track: int) -> np.ndarray:
        """What pending threats and promises add to each actor's gain from a deal on
        ``track``  -> (S, N): cred x severity x H_i for a threat (the expected cost it
        avoids by complying, over its planning horizon), cred x severity for a promise."""
        out = np.zeros((rows.shape[0], len(p.actor_ids)))
        for h in range(len(p.threat_ids)):
            if p.threat_track[h] != track:
                continue
            target = p.threat_target[h]
            value = self.credibility(p)[rows, h] * p.threat_severity[rows, h]
            if not self.is_promise[h]:
                value = value * p.planning_horizon[rows, target]
            out[:, target] += np.where(self.pending[rows, h], value, 0.0)
        return out

    def outside_load(self, p: Parameters) -> np.ndarray:
        """The threat terms of every track's first threat load per actor  -> (R, N): the
        expected cost of pending threats over the horizon (for the 'outside option' series)."""
        out = np.zeros((p.replicates, len(p.actor_ids)))
        for h in range(len(p.threat_ids)):
            t = p.threat_target[h]
            value = self.credibility(p)[:, h] * p.threat_severity[:, h]
            if not self.is_promise[h]:
                value = value * p.planning_horizon[:, t]
            out[:, t] += np.where(self.pending[:, h], value, 0.0)
        return out
