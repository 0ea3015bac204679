"""The SQL that loads a snapshot of the index or a patch of one (`snapshot.current` runs it, one statement per search).

- `_version_sql`: the statement every search runs, returning the index's version token and, only when it is not
  the snapshot's, either the changes since (a text starting with "P", applied by `snapshot.Snapshot.patched`) or
  the whole new snapshot (`_payload_sql`). Its parameters are written in as literals (`_literal`, `_inline`),
  but for three placeholders filled at each search (`MINE`, `LIMIT`, `WORDS`). On PostgreSQL the search calls
  the function `search_catalogue_version` (migration 0010) with those three and the statement as a text: the
  function reads the token and runs the statement (`EXECUTE ... USING`) only when the token is not the
  snapshot's, so the server parses and plans its ~10 KB only after a write, not on every search (that took it
  about 3 ms of CPU per search, for 0.2 ms of running it). SQLite runs the statement itself.
- `_payload_sql`: the whole snapshot as one JSON text built by the database: every id, each facet value's ids
  (the filters' own SQL, `tables.condition_sql`), each sort order's ids (`ordering.order_sql`), and per
  `GROUPED` column {value: ids}.

Both are cached per database vendor and facet declarations (`_declared`: a facet declared later needs new
statements). Ids are the services' primary keys; sort keys are as `ordering.Keys` describes them. The SQL is
PostgreSQL's or SQLite's (JSON1): any other vendor is given SQLite's.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import connection

from search.api import FACETS
from search.backends.database.ordering import ORDER_BY, order_sql
from search.backends.database.tables import CHANGES, ENTRY, FACETS_TABLE, VERSION, condition_sql, postgres
from search.facets import FACETS as DECLARED

#: The columns a snapshot keeps the services of per value (`snapshot.Snapshot`: age_min, age_max, providers).
GROUPED = ("age_min", "age_max", "provider_id")


def _aggregate(expression: str = "CAST(id AS TEXT)") -> str:
    return f"string_agg({expression}, ',')" if postgres() else f"group_concat({expression})"


def _list(aggregate: str) -> str:
    return f"'[' || COALESCE({aggregate}, '') || ']'"


def _declared() -> tuple[tuple[str, int], ...]:
    """The facet declarations a snapshot and its SQL were made for (a facet declared later needs new ones)."""
    return tuple((code, id(facet)) for code, facet in DECLARED.items())


@functools.lru_cache(maxsize=16)
def _payload_sql(vendor: str, declared: tuple[tuple[str, int], ...]) -> tuple[str, tuple[Any, ...]]:
    """The snapshot's data as one JSON array (built by the database, parsed by `json.loads` in C): every id,
    each facet value's ids, each sort order's ids, and per grouped column {value: ids} (see `Snapshot`)."""
    pieces, params = [_list(_aggregate())], []
    for facet, values in FACETS.items():
        for value in values:
            condition, condition_params = condition_sql(facet, [value], alias="f")
            pieces.append(_list(f"{_aggregate()} FILTER (WHERE {condition})"))
            params += condition_params
    comma = " || ',' || "
    subqueries = [f"(SELECT {comma.join(pieces)} FROM {FACETS_TABLE} f)"]
    for order in map(order_sql, ORDER_BY):
        if postgres():
            ordered = f"SELECT string_agg(CAST(id AS TEXT), ',' ORDER BY {order}) AS ids FROM {FACETS_TABLE}"
        else:  # SQLite before 3.44 has no ORDER BY in aggregates; it aggregates in the subquery's order
            ordered = f"SELECT group_concat(id) AS ids FROM (SELECT id FROM {FACETS_TABLE} ORDER BY {order})"
        subqueries.append(f"(SELECT {_list('ids')} FROM ({ordered}) o)")
    for column in GROUPED:
        groups = (
            f"SELECT '\"' || COALESCE(CAST({column} AS TEXT), '') || '\":[' || {_aggregate()} || ']' AS g"
            f" FROM {FACETS_TABLE} GROUP BY {column}"
        )
        subqueries.append(f"(SELECT '{{' || COALESCE({_aggregate('g')}, '') || '}}' FROM ({groups}) grouped)")
    return f"'[' || {comma.join(subqueries)} || ']'", tuple(params)


#: Placeholders of `_version_sql`'s parameters given at each search.
MINE, LIMIT, WORDS = object(), object(), object()
#: PostgreSQL's function that runs the version statement only when the version changed (migration 0010).
VERSION_FUNCTION = "search_catalogue_version"


def _key_columns(alias: str = "f") -> str:
    """A facet row's sort keys (`Keys`) as SQL: exact in JSON (SQLite's JSON writes 15 digits of a double:
    its 17-digit text instead), published as a number or text that sorts as the database sorts it."""
    if postgres():
        published = f"CAST(EXTRACT(EPOCH FROM {alias}.published_at) * 1000000 AS bigint)"
        return f"{alias}.sort_price, {alias}.rating_average, {alias}.rating_count, {published}, {alias}.title_sort"
    exact = "CASE WHEN {0} IS NULL THEN NULL ELSE printf('%%!.17g', {0}) END"
    return (
        f"{exact.format(f'{alias}.sort_price')}, {exact.format(f'{alias}.rating_average')}, {alias}.rating_count,"
        f" {alias}.published_at, {alias}.title_sort"
    )


def _json_rows(columns: str, rest: str) -> str:
    """`SELECT` of a JSON array of rows (arrays of `columns`) as text, '[]' for none."""
    if postgres():
        return f"COALESCE(CAST((SELECT json_agg(json_build_array({columns})) {rest}) AS TEXT), '[]')"
    return f"COALESCE((SELECT json_group_array(json_array({columns})) {rest}), '[]')"


@functools.lru_cache(maxsize=64)
def _version_sql(
    vendor: str, declared: tuple[tuple[str, int], ...], keys: bool, terms: bool, words: bool
) -> tuple[tuple[str, ...], tuple[Any, ...]]:
    """The statement every search runs: the index's version token and, only when it is not the snapshot's
    (`MINE`), either the changes since (a text starting with "P", see `Snapshot.patched`) or, when they cannot
    be patched, the whole new snapshot (`_payload_sql`). As `_inline` cuts it: `MINE`, `LIMIT` (the most
    changed services patched) and `WORDS` (the cached words' tsqueries as a JSON array) to fill in; on
    PostgreSQL, the call of `VERSION_FUNCTION` with them and the statement (its placeholders `$1`-`$3`).

    The changes are patched when the `CatalogueChange` rows since the snapshot's token are all there (the
    row whose `token_before` is that token was not pruned, and the last one leads to the current token),
    none is a rebuild, and they change at most `LIMIT` services. The patch: [changed ids, the facet rows of
    those still indexed ([id, flags ('1' per facet value it has, `condition_sql`), age_min, age_max,
    provider_id, *keys]), the cached words' holders among them ([word's position, id, title holds it]:
    PostgreSQL with `words`), their terms ([stems, folded]: with `terms`), every row's keys ([id, *keys]:
    with `keys`)]."""
    pg = vendor == "postgresql"
    params: list[Any] = [MINE]
    each = "json_array_elements_text(CAST(s.ids AS json)) j(value)" if pg else "json_each(s.ids) j"
    changed = f"SELECT DISTINCT CAST(j.value AS bigint) AS id FROM since s, {each}"
    with_sql = (
        f"WITH v AS (SELECT COALESCE((SELECT token FROM {VERSION} WHERE id = 1), 0) AS token),"
        f" since AS (SELECT id, token_after, ids FROM {CHANGES}"
        f" WHERE id >= (SELECT MIN(id) FROM {CHANGES} WHERE token_before = %s)),"
        f" changed AS ({changed})"
    )
    flags, flag_params = [], []
    for facet, values in FACETS.items():
        for value in values:
            condition, condition_params = condition_sql(facet, [value], alias="f")
            flags.append(f"CASE WHEN {condition} THEN '1' ELSE '0' END")
            flag_params += condition_params
    rows = _json_rows(
        f"f.id, {' || '.join(flags)}, f.age_min, f.age_max, f.provider_id, {_key_columns()}",
        f"FROM {FACETS_TABLE} f WHERE f.id IN (SELECT id FROM changed)",
    )
    pieces, piece_params = (
        [f"COALESCE(CAST((SELECT {_json_agg('id')} FROM changed) AS TEXT), '[]')", rows],
        [*flag_params],
    )
    if pg and words:
        pieces.append(
            _json_rows(
                "w.n, e.id, e.title_vector @@ w.q",
                f"FROM {ENTRY} e, (SELECT n, to_tsquery('simple', q) AS q"
                f" FROM json_array_elements_text(CAST(%s AS json)) WITH ORDINALITY AS w(q, n) OFFSET 0) w"
                f" WHERE e.id IN (SELECT id FROM changed) AND e.search_vector @@ w.q",
            )
        )
        piece_params.append(WORDS)
    else:
        pieces.append("'null'")
    pieces.append(
        _json_rows("e.text_stems, e.text_folded", f"FROM {ENTRY} e WHERE e.id IN (SELECT id FROM changed)")
        if terms
        else "'null'"
    )
    pieces.append(_json_rows(f"f.id, {_key_columns()}", f"FROM {FACETS_TABLE} f") if keys else "'null'")
    payload, payload_params = _payload_sql(vendor, declared)
    patchable = (
        "EXISTS (SELECT 1 FROM since) AND NOT EXISTS (SELECT 1 FROM since WHERE ids IS NULL)"
        " AND (SELECT token_after FROM since ORDER BY id DESC LIMIT 1) = v.token"
        " AND (SELECT COUNT(*) FROM changed) <= %s"
    )
    comma = " || ',' || "
    sql = (
        f"{with_sql} SELECT v.token, CASE WHEN v.token = %s THEN NULL WHEN {patchable}"
        f" THEN 'P[' || {comma.join(pieces)} || ']' ELSE {payload} END FROM v"
    )
    parts, slots = _inline(sql, (*params, MINE, LIMIT, *piece_params, *payload_params))
    if not pg:
        return parts, slots
    # PostgreSQL would parse and plan the whole statement on every search (~3 ms of its CPU for 0.2 ms of
    # running it): the function runs it, its placeholders numbered as the function's USING passes them, only
    # when the version changed. The search sends it as a literal, which costs the parser a scan of the text.
    numbered = {MINE: "$1", LIMIT: "$2", WORDS: "$3"}
    statement = parts[0] + "".join(numbered[slot] + part for slot, part in zip(slots, parts[1:], strict=True))
    call = (f"SELECT token, data FROM {VERSION_FUNCTION}(", ", ", ", ", f", {_literal(statement)})")
    return call, (MINE, LIMIT, WORDS)


def _literal(value: Any) -> str:
    """A value as an SQL literal, quoted by the database driver's own rules (psycopg; Django's for SQLite)."""
    if value is None:
        return "NULL"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if postgres():
        return connection.ops.compose_sql("%s", [value])
    return connection.schema_editor().quote_value(value)


def _inline(sql: str, params: tuple[Any, ...]) -> tuple[tuple[str, ...], tuple[Any, ...]]:
    """`sql` with its parameters written in as literals, cut where the placeholders (`MINE`, `LIMIT`, `WORDS`)
    are: (the text between them, the placeholders). A statement without parameters is sent as it is: its
    10 KB are not parsed for placeholders on every search (psycopg caches that only for short statements)."""
    pieces, parts, slots = sql.replace("%%", "\0").split("%s"), [], []
    text = pieces[0]
    for param, piece in zip(params, pieces[1:], strict=True):
        if param is MINE or param is LIMIT or param is WORDS:
            parts.append(text.replace("\0", "%"))
            slots.append(param)
            text = piece
        else:
            text += _literal(param) + piece
    parts.append(text.replace("\0", "%"))
    return tuple(parts), tuple(slots)


def _json_agg(expression: str) -> str:
    return f"json_agg({expression})" if postgres() else f"json_group_array({expression})"
