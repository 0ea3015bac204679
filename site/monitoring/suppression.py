"""Small-cell suppression for everything the monitoring publishes (public page and open data).

The rule (the City's, following ISTAT's practice for tables about people): a published count of
fewer than 3 people (1 or 2) is shown as "<3". Zero reveals nobody and stays. Where a table publishes
totals, suppressing one cell is not enough: the total minus the other cells would give it back. So
`suppress_table` also hides, in any row or column (its total included) that has exactly one hidden
cell, the smallest other non-zero cell (secondary suppression), until no line has a lone hidden cell.
"""

from decimal import Decimal

THRESHOLD = 3
HIDDEN = "<3"


def is_small(value) -> bool:
    """True for a count of people that must not be published: 1 or 2."""
    return 0 < Decimal(value) < THRESHOLD


def suppress_cell(value):
    """One figure with no totals around it: the value, or "<3"."""
    return HIDDEN if is_small(value) else value


def with_totals(rows: list[list]) -> list[list]:
    """The table with a total column at the right and a total row at the bottom (grand total in the corner)."""
    table = [[*row, sum((Decimal(v) for v in row), Decimal(0))] for row in rows]
    width = len(table[0]) if table else 1
    table.append([sum((Decimal(row[c]) for row in table), Decimal(0)) for c in range(width)])
    return table


def _hide_lone_cells(hidden: set, lines: list[list], value, tie) -> None:
    """Secondary suppression, in place: in any line with exactly one cell in `hidden`, add its smallest other
    non-zero cell (`value(cell)` its count; equal counts: the smallest `tie(cell)`), until no line has a lone hidden
    cell."""
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(cell in hidden for cell in line) != 1:
                continue
            candidates = [cell for cell in line if cell not in hidden and value(cell) > 0]
            if candidates:
                hidden.add(min(candidates, key=lambda cell: (value(cell), tie(cell))))
                changed = True


def suppress_table(rows: list[list]) -> list[list]:
    """Suppress a table of counts and its totals: returns `with_totals(rows)` with hidden cells as "<3".

    Every row and column, its total included, is a line where the cells add up: a line with exactly one
    hidden cell gives it back by subtraction, so the smallest other non-zero cell of that line is hidden
    too, until no line has a lone hidden cell.
    """
    table = with_totals(rows)
    height, width = len(table), len(table[0])
    hidden = {(r, c) for r in range(height) for c in range(width) if is_small(table[r][c])}
    lines = [[(r, c) for c in range(width)] for r in range(height)]
    lines += [[(r, c) for r in range(height)] for c in range(width)]
    _hide_lone_cells(hidden, lines, lambda cell: table[cell[0]][cell[1]], lambda cell: cell)
    return [[HIDDEN if (r, c) in hidden else value for c, value in enumerate(row)] for r, row in enumerate(table)]


def suppress_lines(values: dict, lines: list[list]) -> dict:
    """Suppress counts published in groups that overlap or add up to a published total: `values` is {cell: count},
    `lines` the lists of cells one could subtract from each other (a total and its parts: the project and its
    challenges, the project and its municipi). Returns {cell: count or "<3"}: small counts hidden, then, in any line
    with exactly one hidden cell, its smallest other non-zero cell too, until no line has a lone hidden cell. Where
    parts overlap (a micro-project in two municipi) the sums are only near the total; hiding as if they were exact
    errs on the safe side."""
    hidden = {cell for cell, value in values.items() if is_small(value)}
    _hide_lone_cells(hidden, lines, values.__getitem__, str)
    return {cell: HIDDEN if cell in hidden else value for cell, value in values.items()}
