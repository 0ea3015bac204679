"""Small cells: no published count of 1 or 2 people, not even by subtracting from a total."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from monitoring.suppression import HIDDEN, suppress_cell, suppress_lines, suppress_table


def test_one_or_two_people_are_shown_as_less_than_three_and_zero_stays():
    assert [suppress_cell(v) for v in (0, 1, 2, 3, 40)] == [0, HIDDEN, HIDDEN, 3, 40]


def test_a_lone_small_cell_in_a_row_hides_its_smallest_neighbour_too():
    table = suppress_table([[2, 5, 9], [4, 4, 4]])
    # Row 0: 2 is hidden, so is 5 (else 16 - 5 - 9 = 2); column 0 then needs a second hidden cell too.
    assert table[0][:3] == [HIDDEN, HIDDEN, 9]
    assert table[0][3] == Decimal(16)
    assert sum(cell == HIDDEN for cell in (row[0] for row in table)) != 1


TABLES = st.integers(1, 5).flatmap(
    lambda width: st.lists(st.lists(st.integers(0, 12), min_size=width, max_size=width), min_size=1, max_size=5)
)


@given(TABLES)
def test_no_line_of_a_published_table_gives_a_hidden_cell_back(rows):
    table = suppress_table(rows)
    shown = [cell for row in table for cell in row if cell != HIDDEN]
    assert not any(0 < cell < 3 for cell in shown)
    lines = [list(row) for row in table] + [list(column) for column in zip(*table, strict=True)]
    for line in lines:
        assert sum(cell == HIDDEN for cell in line) != 1, line


LINES = st.lists(st.integers(0, 9), min_size=2, max_size=10).flatmap(
    lambda values: st.tuples(
        st.just(dict(enumerate(values))),
        st.lists(
            st.lists(st.integers(0, len(values) - 1), min_size=2, max_size=len(values), unique=True),
            min_size=1,
            max_size=4,
        ),
    )
)


@given(LINES)
def test_no_line_of_overlapping_groups_keeps_a_lone_hidden_count(case):
    values, lines = case
    shown = suppress_lines(values, lines)
    assert not any(value != HIDDEN and 0 < value < 3 for value in shown.values())
    for line in lines:
        hidden = {cell for cell in line if shown[cell] == HIDDEN}
        # A lone hidden cell is allowed only where nothing else in the line could be hidden (all zero).
        assert len(hidden) != 1 or all(values[cell] == 0 for cell in set(line) - hidden), (line, shown)
