"""Statistical disclosure control for published tables, as the Department for Education does it.

A count from 1 to 5 is shown as ``c`` (primary suppression). Then enough
other cells are suppressed that none of the hidden ones can be worked out
from the totals or the other cells of the table (secondary suppression).
A rate is suppressed when what it is made from is; ``0`` is shown only for a
true zero.

Why the secondary rule is what it is: write every cell of a table with its
margins as an edge of a graph whose nodes are the table's lines (each row
and each column that has a total). A line's cells add up to its total, so a
hidden value can be worked out exactly when its edge is a *bridge* of the
graph of hidden cells: when no cycle of other hidden cells runs through it.
A hidden cell on a cycle can move up or down by one, its partners moving the
other way, and every line still adds up; as a hidden count is never below 1,
that keeps every value a possible count, so at least two values fit. The
usual rule, "a line with exactly one hidden cell hides its next smallest",
removes the bridges at the ends of chains; two blocks of hidden cells joined
by one cell need another cell joining them, which :func:`control_counts`
also adds. A cell in only one line (a column with a total but rows without)
is an edge to a free node that stands for "no constraint". Only when no
shown non-zero cell can close a cycle is a zero hidden instead; the property
tests in tests/domain/test_disclosure.py check the outcome either way.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

SUPPRESSED = "c"
NOT_APPLICABLE = "x"
SMALLEST_SHOWN = 6  # counts from 1 to SMALLEST_SHOWN - 1 are suppressed

Cell = int | float | str | None
Position = tuple[int, int]
# A node of the constraint graph: ("row", i), ("column", j), or FREE.
Node = tuple[str, int]
FREE: Node = ("free", 0)
Ends = Callable[[Position], tuple[Node, Node]]


def is_small(count: int) -> bool:
    """Return whether a count is small enough to identify someone (1 to 5)."""
    return 0 < count < SMALLEST_SHOWN


@dataclass(frozen=True)
class ControlledCounts:
    """A table of counts with its totals, each a number or ``SUPPRESSED``."""

    cells: list[list[Cell]]
    row_totals: list[Cell] | None
    column_totals: list[Cell] | None
    grand_total: Cell | None


def control_counts(
    counts: Sequence[Sequence[int]],
    *,
    row_totals: bool = True,
    column_totals: bool = True,
    forced: Iterable[Position] = (),
    width: int | None = None,
) -> ControlledCounts:
    """Return a table of counts with its totals, small counts and what gives them away hidden.

    ``counts`` is the body of the table (rows by columns). Its row totals are
    the sums of its rows, its column totals the sums of its columns; in the
    augmented table the row totals are column ``len(counts[0])`` and the
    column totals row ``len(counts)``, and ``forced`` may name cells of it to
    hide whatever their value (a total already hidden in a linked table).
    ``width`` gives the number of columns when there are no rows.
    """
    body_columns = len(counts[0]) if counts else (width or 0)
    grid = _augmented(counts, body_columns, row_totals=row_totals, column_totals=column_totals)
    hidden = suppression(grid, row_totals=row_totals, column_totals=column_totals, forced=forced)
    shown: list[list[Cell]] = [
        [SUPPRESSED if (i, j) in hidden else value for j, value in enumerate(row)]
        for i, row in enumerate(grid)
    ]
    body_rows = len(counts)
    return ControlledCounts(
        cells=[row[:body_columns] for row in shown[:body_rows]],
        row_totals=[row[body_columns] for row in shown[:body_rows]] if row_totals else None,
        column_totals=shown[body_rows][:body_columns] if column_totals else None,
        grand_total=shown[body_rows][body_columns] if row_totals and column_totals else None,
    )


def _augmented(
    counts: Sequence[Sequence[int]], columns: int, *, row_totals: bool, column_totals: bool
) -> list[list[int]]:
    if any(len(row) != columns for row in counts):
        raise ValueError("every row of the table needs the same number of cells")
    for row in counts:
        for value in row:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError("counts are whole numbers of at least 0")
    grid = [list(row) + ([sum(row)] if row_totals else []) for row in counts]
    if column_totals:
        width = columns + (1 if row_totals else 0)
        grid.append([sum(row[j] for row in grid) for j in range(width)])
    return grid


def lines_of(
    grid: Sequence[Sequence[int]], *, row_totals: bool, column_totals: bool
) -> list[list[Position]]:
    """Return each line of an augmented table: the cells that add up to a total."""
    rows, columns = len(grid), len(grid[0]) if grid else 0
    lines = []
    if row_totals:
        lines += [[(i, j) for j in range(columns)] for i in range(rows)]
    if column_totals:
        lines += [[(i, j) for i in range(rows)] for j in range(columns)]
    return lines


def suppression(
    grid: Sequence[Sequence[int]],
    *,
    row_totals: bool,
    column_totals: bool,
    forced: Iterable[Position] = (),
) -> set[Position]:
    """Return the cells of an augmented table to hide: small counts, then secondary ones."""
    rows, columns = len(grid), len(grid[0]) if grid else 0
    cells = [(i, j) for i in range(rows) for j in range(columns)]
    hidden = {cell for cell in cells if is_small(grid[cell[0]][cell[1]])} | set(forced)
    if not (row_totals or column_totals):
        return hidden
    lines = lines_of(grid, row_totals=row_totals, column_totals=column_totals)

    def ends(cell: Position) -> tuple[Node, Node]:
        i, j = cell
        return (("row", i) if row_totals else FREE, ("column", j) if column_totals else FREE)

    def smallest(candidates: Iterable[Position]) -> Position | None:
        # Prefer a cell that is not zero: hiding a true zero says less than it seems to.
        ranked = sorted(candidates, key=lambda c: (grid[c[0]][c[1]] == 0, grid[c[0]][c[1]], c))
        return ranked[0] if ranked else None

    while True:
        added = False
        for line in lines:
            in_line = [cell for cell in line if cell in hidden]
            if len(in_line) == 1:
                choice = smallest(c for c in line if c not in hidden and grid[c[0]][c[1]])
                if choice is not None:
                    hidden.add(choice)
                    added = True
        if added:
            continue
        bridge = next((cell for cell in sorted(hidden) if _is_bridge(cell, hidden, ends)), None)
        if bridge is None:
            return hidden
        side = _reachable(ends(bridge)[0], hidden - {bridge}, ends)
        joining = [
            cell
            for cell in cells
            if cell not in hidden and ((ends(cell)[0] in side) != (ends(cell)[1] in side))
        ]
        choice = smallest(joining)
        if choice is None:  # cannot happen in a table of counts; hide everything rather than leak
            return hidden | {cell for cell in cells if grid[cell[0]][cell[1]]}
        hidden.add(choice)


def _reachable(start: Node, edges: set[Position], ends: Ends) -> set[Node]:
    adjacent: dict[Node, list[Node]] = defaultdict(list)
    for cell in edges:
        a, b = ends(cell)
        adjacent[a].append(b)
        adjacent[b].append(a)
    seen, queue = {start}, deque([start])
    while queue:
        for neighbour in adjacent[queue.popleft()]:
            if neighbour not in seen:
                seen.add(neighbour)
                queue.append(neighbour)
    return seen


def _is_bridge(cell: Position, hidden: set[Position], ends: Ends) -> bool:
    a, b = ends(cell)
    if a == b:  # a cell in no line at all cannot be worked out from lines
        return False
    return b not in _reachable(a, hidden - {cell}, ends)


def _rounded(value: float, places: int = 1) -> float:
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def percentage(numerator: Cell, denominator: Cell) -> Cell:
    """Return numerator as a percentage of denominator, to one decimal place.

    Suppressed when either part is; not applicable when there is nothing to
    take a share of.
    """
    share = rate(numerator, denominator)
    if isinstance(share, float):
        return _rounded(100 * _raw_rate(numerator, denominator))
    return share


def rate(numerator: Cell, denominator: Cell, *, places: int = 1) -> Cell:
    """Return numerator per denominator, rounded; suppressed when either part is."""
    if SUPPRESSED in (numerator, denominator):
        return SUPPRESSED
    if not isinstance(numerator, int | float) or not isinstance(denominator, int | float):
        return NOT_APPLICABLE
    if denominator == 0:
        return NOT_APPLICABLE
    return _rounded(_raw_rate(numerator, denominator), places)


def _raw_rate(numerator: Cell, denominator: Cell) -> float:
    assert isinstance(numerator, int | float) and isinstance(denominator, int | float)
    return numerator / denominator


def statistic(value: float | None, based_on: int) -> Cell:
    """Return a median or average of ``based_on`` values, hidden when they are few.

    A statistic of one to five values can describe someone as surely as a
    count can, so it is suppressed like one; of none it is not applicable.
    """
    if based_on == 0 or value is None:
        return NOT_APPLICABLE
    if is_small(based_on):
        return SUPPRESSED
    return _rounded(value)
