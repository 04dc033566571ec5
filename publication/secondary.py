"""Secondary suppression: no withheld count can be worked out from the published ones.

Cells are the counts of rows: ``counts`` has one row per table row and one column per
measure (e.g. numerator and denominator), NaN where a row has no such count. A
``Relation`` says that the children's counts add up to the total's, measure by measure, each
child's count times its weight where the relation has weights (an apportioned district's count
is the sum of its sub-ICBs' counts, each times the crosswalk weight of the district in it).
A relation is used for a measure where every cell has that count and the children do
not exceed the total: children that leave part of the total uncounted (pupils living
outside the county) are cautiously treated as adding up to it, while children that
exceed it (shares that all carry the total as denominator) do not add up. Suppression
is by row: a withheld row hides all of its counts.

The reader is assumed, cautiously, to know every published count exactly (rounding to 5
hides more than that, and public percentages are computed from the rounded counts) and that
a withheld count is at least 1 (zeros are published, and never chosen for secondary suppression). A
withheld count is recoverable when

1. it is the only unknown of a relation: a lone withheld child, or a withheld total
   whose children are all published;
2. it is one of the withheld children of a published total that are all 1s (each is at
   least 1, so their known sum pins them);
3. it follows from several relations together, e.g. through a chain of district and
   breakdown totals: its unit vector lies in the row space of the relations restricted
   to the withheld cells.

The total of a weighted relation (an apportioned figure) is an estimate, the sub-ICBs' counts
times public weights, not a count of people: a weighted relation protects its children (the
sub-ICBs' counts), never its total, which the other relations protect as before.

``protect`` withholds further rows until none of these holds: for 1 and 2 the smallest
published non-zero child of the relation (its total if there is none), for 3 the smallest
published non-zero child of the relations that determine the count (else their total).
Not checked: bounds derived from several relations at once, and from a cell's 12-month counts
across reporting dates (each month's block is protected alone); rounding (a base of at least 3)
closes them, which the attack of ``tests/publication/test_attack.py`` shows.
"""
from typing import NamedTuple

import numpy as np

_TOLERANCE = 1e-9


class Relation(NamedTuple):
    """Row positions: the ``children`` (times ``weights``, all 1 if None) add up to the ``total``."""

    total: int
    children: np.ndarray
    weights: np.ndarray | None = None

    def coefficients(self) -> np.ndarray:
        return np.ones(len(self.children)) if self.weights is None else np.asarray(self.weights, dtype="float64")


def protect(counts: np.ndarray, suppressed: np.ndarray, relations: list[Relation]) -> np.ndarray:
    """The rows to withhold: ``suppressed`` (the primary suppressions) and enough more that
    no withheld count can be recovered through ``relations``."""
    equations = [(measure, relation) for relation in relations for measure in range(counts.shape[1])
                 if _adds_up(counts[:, measure], relation)]
    estimates = np.zeros(len(counts), dtype=bool)
    estimates[[relation.total for relation in relations if relation.weights is not None]] = True
    unweighted = [(measure, relation) for measure, relation in equations if relation.weights is None]
    protected = suppressed.copy()
    while True:
        _protect_relations(counts, protected, equations)
        row = _chain_exposure(counts, protected, equations, ~estimates)
        if row is None:  # estimates, through the relations other than the weighted ones
            row = _chain_exposure(counts, protected, unweighted, estimates)
        if row is None:
            return protected
        protected[row] = True


def _adds_up(values: np.ndarray, relation: Relation) -> bool:
    total, children = values[relation.total], values[relation.children]
    return bool(np.isfinite(total) and np.isfinite(children).all()
                and children @ relation.coefficients() <= total * (1 + _TOLERANCE) + _TOLERANCE)


def _protect_relations(counts: np.ndarray, suppressed: np.ndarray, equations: list) -> None:
    """Withholds rows (in place) until no relation exposes a count on its own (cases 1 and 2)."""
    changed = True
    while changed:
        changed = False
        for measure, relation in equations:
            values = counts[:, measure]
            if _exposes(values, suppressed, relation):
                row = _smallest_published(values, suppressed, [relation])
                if row is not None:
                    suppressed[row] = True
                    changed = True


def _exposes(values: np.ndarray, suppressed: np.ndarray, relation: Relation) -> bool:
    withheld_children = relation.children[suppressed[relation.children]]
    if suppressed[relation.total] + withheld_children.size == 1:
        return relation.weights is None or withheld_children.size == 1  # a weighted total is an estimate
    return (not suppressed[relation.total] and withheld_children.size > 0
            and bool((values[withheld_children] == 1).all()))


def _chain_exposure(counts: np.ndarray, suppressed: np.ndarray, equations: list, targets: np.ndarray) -> int | None:
    """The row to withhold so that fewer of the ``targets`` rows' counts follow from several
    relations (case 3), or None.

    The withheld cells and the relations between them fall apart into independent blocks (a
    relation joins only the cells it names), so each block's linear algebra is done alone: a
    count follows from the relations exactly when it follows from its own block's."""
    equations = [(m, r) for m, r in equations if suppressed[[r.total, *r.children]].any()]
    terms = [[((row, measure), coefficient)
              for row, coefficient in ((relation.total, 1.0), *zip(relation.children, -relation.coefficients()))
              if suppressed[row]] for measure, relation in equations]
    variables = sorted({variable for equation in terms for variable, _ in equation})
    column = {variable: j for j, variable in enumerate(variables)}
    blocks = _blocks(len(variables), [[column[variable] for variable, _ in equation] for equation in terms])
    for j, variable in enumerate(variables):
        if not targets[variable[0]]:
            continue
        block = blocks[j]
        if block.determined is None:
            block.solve(terms, column)
        if block.determined[j]:
            used = [equations[i][1] for i in block.relations_determining(j)]
            row = _smallest_published(counts[:, variable[1]], suppressed, used)
            if row is not None:
                return row
    return None


class _Block:
    """The withheld cells (``variables``, positions in the sorted list) and the relations
    (``equations``, positions in the equation list) of one independent part of the system."""

    def __init__(self) -> None:
        self.variables: list[int] = []
        self.equations: list[int] = []
        self.determined: dict[int, bool] | None = None

    def solve(self, terms: list, column: dict) -> None:
        """Which of the block's cells the relations pin: those in the relations' row space.

        One eigendecomposition of the relations' Gram matrix (relations x relations, smaller
        than cells x cells) gives the row space and, for ``relations_determining``, the
        least-squares solution."""
        local = {j: k for k, j in enumerate(self.variables)}
        matrix = np.zeros((len(self.equations), len(self.variables)))
        for i, equation in enumerate(self.equations):
            for variable, coefficient in terms[equation]:
                matrix[i, local[column[variable]]] += coefficient
        eigenvalues, eigenvectors = np.linalg.eigh(matrix @ matrix.T)
        rank = eigenvalues > _TOLERANCE * max(1.0, eigenvalues.max())
        self.singular_values = np.sqrt(eigenvalues[rank])
        self.left = eigenvectors[:, rank]
        self.right = matrix.T @ self.left / self.singular_values  # an orthonormal basis of the row space
        outside = 1.0 - np.square(self.right).sum(axis=1)  # each cell's squared distance from it
        self.local = local
        self.determined = {j: bool(outside[k] < 1e-10) for j, k in local.items()}

    def relations_determining(self, j: int) -> list[int]:
        """The relations whose combination gives cell ``j`` (the least-squares weights' support)."""
        weights = self.left @ (self.right[self.local[j]] / self.singular_values)
        return [self.equations[i] for i in np.flatnonzero(np.abs(weights) > 1e-6)]


def _blocks(size: int, equations: list[list[int]]) -> list[_Block]:
    """The block of each variable: variables joined by a shared equation are in one block."""
    parent = list(range(size))

    def root(j: int) -> int:
        while parent[j] != j:
            parent[j] = parent[parent[j]]
            j = parent[j]
        return j

    for equation in equations:
        for j in equation[1:]:
            parent[root(j)] = root(equation[0])
    blocks: dict[int, _Block] = {}
    for j in range(size):
        blocks.setdefault(root(j), _Block()).variables.append(j)
    for i, equation in enumerate(equations):
        blocks[root(equation[0])].equations.append(i)
    return [blocks[root(j)] for j in range(size)]


def _smallest_published(values: np.ndarray, suppressed: np.ndarray, relations: list[Relation]) -> int | None:
    """The published non-zero child with the smallest count (lowest position on ties), else such a total."""
    children = np.unique(np.concatenate([relation.children for relation in relations]))
    totals = np.unique([relation.total for relation in relations])
    for rows in (children, totals):
        rows = rows[~suppressed[rows] & (values[rows] > 0)]
        if rows.size:
            return int(rows[np.argmin(values[rows])])
    return None
