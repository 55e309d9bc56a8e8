"""The negotiation's behavioural rules as small pure functions over numpy arrays.

Shapes: R replicates, N actors, K issues. Positions and saliences are (R, N, K), proposals
(R, K), per-actor quantities (R, N). Nothing here holds state or draws random numbers:
the model passes in the draws, so every rule is testable on its own and batches freely.
"""

from __future__ import annotations

import numpy as np

_TINY = 1e-12


def normalise_salience(salience: np.ndarray, absolute: bool = False) -> np.ndarray:
    """Saliences scaled to sum 1 over issues (MODEL.md section 1); ``absolute``: read as
    percent of the actor's attention, not normalised (``[scenario] salience``), so that a
    single-issue case keeps how much each actor cares (docs/scenarios.md)."""
    if absolute:
        return salience / 100.0
    total = salience.sum(axis=-1, keepdims=True)
    return salience / np.where(total > 0, total, 1.0)


def utility(proposal: np.ndarray, position: np.ndarray, salience: np.ndarray) -> np.ndarray:
    """u_i(p) = sum_k s_ik (1 - |p_k - x_ik|), in [0, 1]  -> (R, N).

    The salience-weighted city-block utility of the spatial bargaining literature
    (Bueno de Mesquita & Stokman, 'European Community Decision Making', 1994).
    """
    return 1.0 - shortfall(proposal, position, salience).sum(axis=-1)


def shortfall(proposal: np.ndarray, position: np.ndarray, salience: np.ndarray) -> np.ndarray:
    """Per-issue utility loss s_ik |p_k - x_ik|  -> (R, N, K)."""
    return salience * np.abs(proposal[:, None, :] - position)


def red_line_breaches(proposal: np.ndarray, red_low: np.ndarray, red_high: np.ndarray):
    """Issues on which the proposal lies beyond an actor's red line  -> (R, N, K) bool."""
    p = proposal[:, None, :]
    return (p < red_low - 1e-9) | (p > red_high + 1e-9)


def named_conditions(
    losses: np.ndarray, gap: np.ndarray, breaches: np.ndarray, rejects: np.ndarray
) -> np.ndarray:
    """The conditions a rejecting actor names  -> (R, N, K) bool.

    Issues crossing a red line are always named. Beyond those, the issues with the
    largest shortfall are taken in order until removing them would close the gap
    rho_i - u_i(p) (MODEL.md section 2). Ties keep issue order, so the answer is unique.
    """
    order = np.argsort(-losses, axis=-1, kind="stable")
    ranked = np.take_along_axis(losses, order, axis=-1)
    before = np.cumsum(ranked, axis=-1) - ranked  # loss removed by the issues ahead
    needed_ranked = (before < gap[..., None]) & (ranked > 0)
    needed = np.zeros_like(needed_ranked)
    np.put_along_axis(needed, order, needed_ranked, axis=-1)
    return (needed | breaches) & rejects[..., None]


def compromise_target(
    position: np.ndarray, salience: np.ndarray, capability: np.ndarray, weight: np.ndarray
) -> np.ndarray:
    """g_k = sum_i w_i c_i s_ik x_ik / sum_i w_i c_i s_ik  -> (R, K).

    The compromise model of collective decisions (Bueno de Mesquita & Stokman 1994;
    Achen's 'compromise model'): each actor pulls the outcome toward its position with
    its capability times salience. ``weight`` selects who sits at the table (parties 1,
    mediator its bias mu, supporters 0) and adds the mediator's focus on a holdout.
    """
    w = (weight * capability)[:, :, None] * salience
    total = w.sum(axis=1)
    pulled = (w * position).sum(axis=1)
    return np.where(total > _TINY, pulled / np.where(total > _TINY, total, 1.0), 0.5)


def nash_target(
    start: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    reservation: np.ndarray,
    include: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    passes: int = 3,
    grid: int = 21,
    iterations: int = 30,
) -> np.ndarray:
    """The package maximising prod_i (u_i(p) - rho_i) over the box [low, high]  -> (R, K).

    Nash's bargaining solution (Nash, 'The Bargaining Problem', Econometrica 1950) over
    the parties in ``include`` (R, N). Coordinate ascent: each issue in turn is set by
    a grid search that brackets the best value, then refined by golden-section search.
    Each log-surplus is concave in one coordinate where positive, so the refinement
    converges; below zero a smooth floor keeps the objective informative, steering the
    package toward the region where every included party gains.
    """
    p = start.copy()
    inc = include.astype(float)
    softness = 0.02

    def objective(u: np.ndarray) -> np.ndarray:
        z = (u - reservation[..., None]) / softness
        surplus = softness * np.logaddexp(0.0, z)  # softplus: ~ max(u - rho, 0), smooth
        return (inc[..., None] * np.log(surplus + _TINY)).sum(axis=1)

    invphi = (np.sqrt(5.0) - 1.0) / 2.0
    K = p.shape[1]
    for _ in range(passes):
        for k in range(K):
            u_now = utility(p, position, salience)  # (R, N)
            s_k = salience[:, :, k][..., None]  # (R, N, 1)
            x_k = position[:, :, k][..., None]
            here = np.abs(p[:, k][:, None, None] - x_k)

            def u_at(v, u_now=u_now, s_k=s_k, here=here, x_k=x_k):  # (R, G) -> (R, N, G)
                return u_now[..., None] + s_k * (here - np.abs(v[:, None, :] - x_k))

            lo_k, hi_k = low[:, k][:, None], high[:, k][:, None]
            vals = lo_k + (hi_k - lo_k) * np.linspace(0.0, 1.0, grid)[None, :]
            best = np.argmax(objective(u_at(vals)), axis=1)
            step = (hi_k - lo_k)[:, 0] / (grid - 1)
            a = np.clip(vals[np.arange(len(best)), best] - step, lo_k[:, 0], hi_k[:, 0])
            b = np.clip(vals[np.arange(len(best)), best] + step, lo_k[:, 0], hi_k[:, 0])
            for _ in range(iterations):
                c = b - invphi * (b - a)
                d = a + invphi * (b - a)
                fc = objective(u_at(c[:, None]))[:, 0]
                fd = objective(u_at(d[:, None]))[:, 0]
                left = fc >= fd
                b = np.where(left, d, b)
                a = np.where(left, a, c)
            p[:, k] = 0.5 * (a + b)
    return p


def clip_to_red_lines(position: np.ndarray, red_low: np.ndarray, red_high: np.ndarray):
    """Positions never cross a red line (nor leave [0, 1], the default red lines)."""
    # red_low >= 0 and red_high <= 1 by the schema's bounds
    return np.minimum(np.maximum(position, red_low), red_high)


def feasible_box(red_low: np.ndarray, red_high: np.ndarray, parties: np.ndarray):
    """Per issue, the values no party has ruled out  -> (low, high), each (R, K).

    Where the parties' red lines leave no common ground on an issue, the box is the whole
    [0, 1] interval: the mediator cannot satisfy both and the deadlock shows in responses.
    """
    low = red_low[:, parties, :].max(axis=1)
    high = red_high[:, parties, :].min(axis=1)
    empty = low > high
    return np.where(empty, 0.0, low), np.where(empty, 1.0, high)
