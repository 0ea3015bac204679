"""Text matching of the database backend: a query word's index terms, and the services holding them.

A word is matched on its exact terms (its stem in the stemmed field, its folded form in the folded one);
only a word whose exact terms occur in no service is expanded to the index terms within its typo distance
(`analysis.fuzzy_matches`: Elasticsearch's fuzziness, `prefix_length` and `max_expansions`), so "calcio"
stays "calcio" and its synonyms. The services holding a word's terms are found by the full-text index:
PostgreSQL's GIN index of `search_vector` (`@@ to_tsquery`), SQLite's FTS5 table (`MATCH`).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from search import analysis
from search.backends.database.tables import ENTRY, FTS, postgres
from search.models import CatalogueTerm


@dataclass(frozen=True)
class WordTerms:
    """The index terms a query word matches: stems (the stemmed field) and folded words."""

    stems: tuple[str, ...]
    folded: tuple[str, ...]


def exact_terms(word: str) -> WordTerms:
    """A query word's own terms, as the search analyzers turn it (no synonyms at query time)."""
    return WordTerms((analysis.query_stem(word),), (analysis.query_folded(word),))


class Vocabulary:
    """The index vocabulary grouped by term length, kept per index version with its fuzzy lookups.

    Loaded (one query) only when a query word needs typo tolerance; then a patched snapshot adds the terms of
    the services written since (`add`), as `writing.insert_terms` adds them to `CatalogueTerm`.
    """

    def __init__(self):
        self.by_length: dict[str, dict[int, set[str]]] = {CatalogueTerm.STEM: {}, CatalogueTerm.FOLDED: {}}
        for kind, term in CatalogueTerm.objects.values_list("kind", "term"):
            self.by_length[kind].setdefault(len(term), set()).add(term)
        self._fuzzy: dict[tuple[str, str], list[str]] = {}

    def with_terms(self, terms: Iterable[tuple[str, str]]) -> Vocabulary:
        """A copy of this vocabulary with more index terms: (kind, term) pairs, cut at 100 characters as
        `CatalogueTerm` stores them; its typo expansions are looked up afresh (a new term may be one).
        This vocabulary is left as it was (the sets of the lengths it gains are copied)."""
        new = copy.copy(self)
        new.by_length = {kind: dict(lengths) for kind, lengths in self.by_length.items()}
        new._fuzzy = {}
        copied: set[tuple[str, int]] = set()
        for kind, term in terms:
            term = term[:100]
            lengths = new.by_length[kind]
            if (kind, len(term)) not in copied:
                lengths[len(term)] = set(lengths.get(len(term), ()))
                copied.add((kind, len(term)))
            lengths[len(term)].add(term)
        return new

    def fuzzy(self, kind: str, term: str) -> list[str]:
        if (kind, term) not in self._fuzzy:
            limit = analysis.max_edits(term)
            candidates = [
                t for n in range(len(term) - limit, len(term) + limit + 1) for t in self.by_length[kind].get(n, ())
            ]
            self._fuzzy[kind, term] = analysis.fuzzy_matches(term, candidates)
        return self._fuzzy[kind, term]

    def forget_lookups(self) -> None:
        """Forget the typo expansions looked up so far (the vocabulary itself stays loaded)."""
        self._fuzzy.clear()

    def typo_terms(self, word: str) -> WordTerms | None:
        """The index terms within the word's typo distance, or None when there are none."""
        stems = self.fuzzy(CatalogueTerm.STEM, analysis.query_stem(word))
        folded = self.fuzzy(CatalogueTerm.FOLDED, analysis.query_folded(word))
        return WordTerms(tuple(stems), tuple(folded)) if stems or folded else None


def tsquery_terms(terms: WordTerms) -> str:
    """A word's terms as a raw `to_tsquery` operand: stems weight A, folded words weight B."""

    def lexeme(term: str, weight: str) -> str:
        return "'{}':{}".format(term.replace("\\", "\\\\").replace("'", "''"), weight)

    lexemes = [lexeme(t, "A") for t in terms.stems] + [lexeme(t, "B") for t in terms.folded]
    return "(" + " | ".join(lexemes) + ")"


def _fts_terms(terms: WordTerms, title: bool = False) -> str:
    """A word's terms as an FTS5 query over the stems and folded columns (or their title-only ones)."""

    def phrase(term: str) -> str:
        return '"' + term.replace('"', '""') + '"'

    stems, folded = ("title_stems", "title_folded") if title else ("stems", "folded")
    parts = [f"{stems} : ({' OR '.join(map(phrase, terms.stems))})"] if terms.stems else []
    parts += [f"{folded} : ({' OR '.join(map(phrase, terms.folded))})"] if terms.folded else []
    return "(" + " OR ".join(parts) + ")"


def holders_sql(words: list[WordTerms]) -> tuple[str, list[Any]]:
    """One statement, two columns per word: the ids of the services holding its terms, and of those whose
    title holds them (comma-separated text, NULL for none), found through the full-text index."""
    columns: list[str] = []
    params: list[Any] = []
    for terms in words:
        if postgres():
            match = "search_vector @@ to_tsquery('simple', %s)"
            title = "title_vector @@ to_tsquery('simple', %s)"
            columns.append(f"(SELECT string_agg(CAST(id AS TEXT), ',') FROM {ENTRY} WHERE {match})")
            columns.append(f"(SELECT string_agg(CAST(id AS TEXT), ',') FROM {ENTRY} WHERE {match} AND {title})")
            query = tsquery_terms(terms)
            params += [query, query, query]
        else:
            holding = f"(SELECT group_concat(rowid) FROM {FTS} WHERE {FTS} MATCH %s)"
            columns += [holding, holding]
            params += [_fts_terms(terms), _fts_terms(terms, title=True)]
    return f"SELECT {', '.join(columns)}", params
