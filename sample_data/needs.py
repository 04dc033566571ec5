"""Primary need of EHC plans: a mix that reproduces the JSNA's Table 1 by group.

Each group (sex, age band, district, ethnicity group) publishes its three most frequent
needs; the rest of the group follows the county mix, capped below the third. Iterative
proportional fitting then finds need probabilities per combination of groups whose
margins match those tables, ending on the county total so that it holds exactly.
"""
from __future__ import annotations

import numpy as np

from sample_data.codes import NEEDS
from sample_data.sampling import probabilities

FITTING_ROUNDS = 25


def group_mix(top: dict, total: np.ndarray) -> np.ndarray:
    """A full need mix from a group's published top needs and the county mix."""
    mix = np.zeros(len(NEEDS))
    listed = np.array([NEEDS.index(n) for n in top])
    mix[listed] = list(top.values())
    rest = np.setdiff1d(np.arange(len(NEEDS)), listed)
    cap = 0.95 * min(top.values())
    free = rest.copy()
    remaining = 1.0 - mix.sum()
    while len(free):
        share = remaining * total[free] / total[free].sum()
        over = share > cap
        if not over.any():
            mix[free] = share
            break
        mix[free[over]] = cap
        remaining -= cap * over.sum()
        free = free[~over]
    return mix / mix.sum()


def fit(groups: dict[str, np.ndarray], targets: dict[str, dict], total_mix: dict,
        weight: np.ndarray) -> np.ndarray:
    """Need probabilities (rows × NEEDS) for rows labelled by `groups` (dimension → label
    per row); `weight` marks the rows the targets describe (active county plans)."""
    total = probabilities(total_mix, NEEDS)
    keys = np.stack(list(groups.values()), axis=1)
    cells, row_cell = np.unique(keys, axis=0, return_inverse=True)
    row_cell = row_cell.ravel()
    cell_weight = np.bincount(row_cell, weights=weight, minlength=len(cells))
    p = np.tile(total, (len(cells), 1))
    margins = [(cells[:, i] == label, group_mix(top, total))
               for i, dim in enumerate(groups) for label, top in targets[dim].items()]
    margins.append((np.ones(len(cells), dtype=bool), total))
    for _ in range(FITTING_ROUNDS):
        for members, target in margins:
            w = cell_weight[members]
            if w.sum() == 0:
                continue
            current = w @ p[members] / w.sum()
            p[members] *= np.divide(target, current, out=np.ones_like(target), where=current > 0)
            p /= p.sum(axis=1, keepdims=True)
    return p[row_cell]


def draw(rng: np.random.Generator, p: np.ndarray, exclude: np.ndarray | None = None) -> np.ndarray:
    """One need per row from row probabilities, optionally never the `exclude` need."""
    if exclude is not None:
        p = p.copy()
        p[np.arange(len(p)), exclude] = 0
        p /= p.sum(axis=1, keepdims=True)
    cumulative = np.cumsum(p, axis=1)
    u = rng.random(len(p))[:, None] * cumulative[:, -1:]
    return np.minimum((u >= cumulative).sum(axis=1), len(NEEDS) - 1)
