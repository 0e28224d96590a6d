"""Disclosure control: small counts hidden, and nothing hidden can be worked out again.

The property tests attack each controlled table the way a reader could: with
every shown cell and total, solve for the hidden ones. Two independent
attacks: exact linear algebra (is a hidden cell fixed by the sums alone?) on
tables up to 5 by 4, and a search over whole-number solutions (counts are
never negative) on small tables, which also catches a value pinned by zeros.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.domain.disclosure import (
    NOT_APPLICABLE,
    SUPPRESSED,
    Cell,
    ControlledCounts,
    control_counts,
    percentage,
    rate,
    statistic,
)

Grid = list[list[int]]
Position = tuple[int, int]


def augmented(counts: Grid, row_totals: bool, column_totals: bool) -> Grid:
    grid = [[*row, sum(row)] if row_totals else list(row) for row in counts]
    if column_totals:
        grid.append([sum(row[j] for row in grid) for j in range(len(grid[0]))])
    return grid


def shown_grid(table: ControlledCounts) -> list[list[object]]:
    rows: list[list[object]] = [
        [*cells, *([table.row_totals[i]] if table.row_totals else [])]
        for i, cells in enumerate(table.cells)
    ]
    if table.column_totals is not None:
        rows.append(
            [*table.column_totals, *([table.grand_total] if table.row_totals is not None else [])]
        )
    return rows


def constraints(
    rows: int, columns: int, row_totals: bool, column_totals: bool
) -> list[dict[Position, int]]:
    """Each line of an augmented table as {cell: coefficient}, adding up to zero."""
    lines = []
    if row_totals:
        for i in range(rows):
            lines.append({**{(i, j): 1 for j in range(columns - 1)}, (i, columns - 1): -1})
    if column_totals:
        for j in range(columns):
            lines.append({**{(i, j): 1 for i in range(rows - 1)}, (rows - 1, j): -1})
    return lines


def hidden_cells(shown: list[list[object]]) -> list[Position]:
    return [(i, j) for i, row in enumerate(shown) for j, v in enumerate(row) if v == SUPPRESSED]


def rank(matrix: list[list[Fraction]]) -> int:
    rows = [row[:] for row in matrix]
    found = 0
    width = len(rows[0]) if rows else 0
    for column in range(width):
        pivot = next((r for r in range(found, len(rows)) if rows[r][column] != 0), None)
        if pivot is None:
            continue
        rows[found], rows[pivot] = rows[pivot], rows[found]
        for r in range(len(rows)):
            if r != found and rows[r][column] != 0:
                factor = rows[r][column] / rows[found][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[found], strict=True)]
        found += 1
    return found


def fixed_by_the_sums(lines: list[dict[Position, int]], hidden: list[Position]) -> list[Position]:
    """Return the hidden cells whose value the line sums alone determine."""
    matrix = [[Fraction(line.get(cell, 0)) for cell in hidden] for line in lines]
    matrix = [row for row in matrix if any(row)]
    base = rank(matrix) if matrix else 0
    fixed = []
    for k in range(len(hidden)):
        unit = [Fraction(int(k == m)) for m in range(len(hidden))]
        if rank([*matrix, unit]) == base:
            fixed.append(hidden[k])
    return fixed


def another_solution_exists(
    grid: Grid, lines: list[dict[Position, int]], hidden: list[Position], target: Position
) -> bool:
    """Search whole numbers >= 0 for the hidden cells that fit every line, with target changed."""
    bound = max(max(row) for row in grid) + 2
    truth = {cell: grid[cell[0]][cell[1]] for cell in hidden}
    known = {
        (i, j): v for i, row in enumerate(grid) for j, v in enumerate(row) if (i, j) not in truth
    }
    steps = 0

    def consistent(values: dict[Position, int]) -> tuple[bool, dict[Position, int]]:
        values = dict(values)
        changed = True
        while changed:
            changed = False
            for line in lines:
                unknown = [c for c in line if c not in values]
                total = sum(
                    coefficient * values[c] for c, coefficient in line.items() if c in values
                )
                if not unknown:
                    if total != 0:
                        return False, values
                elif len(unknown) == 1:
                    cell = unknown[0]
                    value = -total * line[cell]  # coefficients are +1 or -1
                    if value < 0 or value > bound or (cell == target and value == truth[cell]):
                        return False, values
                    values[cell] = value
                    changed = True
        return True, values

    def search(values: dict[Position, int]) -> bool:
        nonlocal steps
        steps += 1
        assert steps < 200_000, "the search ran too long to decide"
        ok, values = consistent(values)
        if not ok:
            return False
        open_cells = [cell for cell in hidden if cell not in values]
        if not open_cells:
            return True
        cell = open_cells[0]
        near = sorted(range(bound + 1), key=lambda v: (abs(v - truth[cell]), v))
        for value in near:
            if cell == target and value == truth[cell]:
                continue
            if search({**values, cell: value}):
                return True
        return False

    return search(dict(known))


def counts_tables(max_rows: int, max_columns: int, top: int) -> st.SearchStrategy[Grid]:
    # Many small values, so suppression has plenty to do.
    value = st.one_of(st.integers(0, 7), st.integers(0, top))
    return st.integers(1, max_rows).flatmap(
        lambda rows: st.integers(1, max_columns).flatmap(
            lambda columns: st.lists(
                st.lists(value, min_size=columns, max_size=columns),
                min_size=rows,
                max_size=rows,
            )
        )
    )


def check_nothing_recoverable(counts: Grid, row_totals: bool, column_totals: bool) -> None:
    table = control_counts(counts, row_totals=row_totals, column_totals=column_totals)
    grid = augmented(counts, row_totals, column_totals)
    shown = shown_grid(table)
    # What is shown is the truth, and every small count is hidden.
    for i, row in enumerate(shown):
        for j, value in enumerate(row):
            if value != SUPPRESSED:
                assert value == grid[i][j]
            assert not (1 <= grid[i][j] <= 5 and value != SUPPRESSED)
    lines = constraints(len(grid), len(grid[0]), row_totals, column_totals)
    hidden = hidden_cells(shown)
    for line in lines:
        assert sum(1 for cell in line if cell in hidden) != 1, (
            "a line gives away its one hidden cell"
        )
    assert fixed_by_the_sums(lines, hidden) == []


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts=counts_tables(5, 4, 60), row_totals=st.booleans(), column_totals=st.booleans())
def test_no_hidden_cell_is_fixed_by_the_totals(
    counts: Grid, row_totals: bool, column_totals: bool
) -> None:
    check_nothing_recoverable(counts, row_totals, column_totals)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts=counts_tables(2, 3, 12))
def test_no_hidden_cell_has_only_one_possible_count(counts: Grid) -> None:
    table = control_counts(counts)
    grid = augmented(counts, True, True)
    hidden = hidden_cells(shown_grid(table))
    lines = constraints(len(grid), len(grid[0]), True, True)
    for cell in hidden:
        assert another_solution_exists(grid, lines, hidden, cell), f"{cell} can be worked out"


def test_two_blocks_joined_by_one_hidden_cell_are_joined_again() -> None:
    # The counts of 3 make two 2 by 2 blocks of hidden cells that share the
    # middle row; the "one hidden cell in a line" rule alone leaves the block
    # edges each with two, yet the blocks' sums give the joining cell away.
    counts = [
        [3, 3, 50, 50],
        [3, 3, 3, 50],
        [50, 50, 3, 3],
        [50, 50, 3, 3],
    ]
    table = control_counts(counts)
    grid = augmented(counts, True, True)
    hidden = hidden_cells(shown_grid(table))
    lines = constraints(len(grid), len(grid[0]), True, True)
    assert fixed_by_the_sums(lines, hidden) == []


def test_a_single_small_count_takes_the_next_smallest_of_its_row_and_column() -> None:
    table = control_counts([[3, 40, 70], [20, 30, 90]])
    assert table.cells == [[SUPPRESSED, SUPPRESSED, 70], [SUPPRESSED, SUPPRESSED, 90]]
    assert table.row_totals == [113, 140]
    assert table.column_totals == [23, 70, 160]
    assert table.grand_total == 253


def test_a_team_column_with_one_small_count_hides_the_next_smallest_team() -> None:
    table = control_counts([[40], [2], [11], [9]], row_totals=False)
    assert [row[0] for row in table.cells] == [40, SUPPRESSED, 11, SUPPRESSED]
    assert table.column_totals == [62]


def test_true_zeros_stay_zero_and_a_small_total_is_hidden() -> None:
    table = control_counts([[0, 0], [0, 4]], row_totals=True, column_totals=True)
    assert table.cells[0] == [0, 0]
    assert table.row_totals is not None and table.row_totals[0] == 0
    assert table.cells[1][1] == SUPPRESSED and table.grand_total == SUPPRESSED


def test_counts_must_be_whole_and_not_negative() -> None:
    with pytest.raises(ValueError):
        control_counts([[1, -1]])
    with pytest.raises(ValueError):
        control_counts([[1, 2], [3]])


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (1, 3, 33.3),
        (2, 3, 66.7),
        (1, 8, 12.5),
        (0, 40, 0.0),
        (SUPPRESSED, 40, SUPPRESSED),
        (12, SUPPRESSED, SUPPRESSED),
        (0, 0, NOT_APPLICABLE),
    ],
)
def test_percentages_have_one_decimal_place_and_follow_their_parts(
    numerator: Cell, denominator: Cell, expected: Cell
) -> None:
    assert percentage(numerator, denominator) == expected


def test_rates_and_statistics() -> None:
    assert rate(25, 10) == 2.5
    assert rate(7, 3, places=2) == 2.33
    assert rate(SUPPRESSED, 10) == SUPPRESSED
    assert statistic(12.25, 40) == 12.3
    assert statistic(4.0, 3) == SUPPRESSED
    assert statistic(None, 0) == NOT_APPLICABLE


@settings(max_examples=100, deadline=None)
@given(numerator=st.integers(0, 10_000), denominator=st.integers(1, 10_000))
def test_a_percentage_is_within_a_twentieth_of_the_truth(numerator: int, denominator: int) -> None:
    shown = percentage(numerator, denominator)
    assert isinstance(shown, float)
    assert abs(shown - 100 * numerator / denominator) <= 0.05 + 1e-9
    assert round(shown, 1) == shown
