"""The catalogue search interface: one query type, one result type, two interchangeable backends.

`get_backend()` returns the Elasticsearch backend when `ELASTICSEARCH_URL` is set (it falls back to
the database when the cluster is unreachable) and the database backend otherwise.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.vocabularies import MAX_AGE
from search import facets
from search.documents import ServiceDocument

SORTS: tuple[str, ...] = ("relevance", "price", "-price", "rating", "newest", "name")


class _FacetValues(Mapping):
    """{facet code: every value}, read from `search.facets.FACETS` at each use (in display order)."""

    def __getitem__(self, code: str) -> tuple[Any, ...]:
        return facets.FACETS[code].values

    def __iter__(self) -> Iterator[str]:
        return iter(facets.FACETS)

    def __len__(self) -> int:
        return len(facets.FACETS)


#: Facets in display order, with every value they can take (zero counts are returned too).
FACETS: Mapping[str, tuple[Any, ...]] = _FacetValues()
MAX_PAGE_SIZE = 100
MAX_QUERY_LENGTH = 200
#: Results reachable by paging (Elasticsearch's default max_result_window): deeper pages are refused.
MAX_RESULT_WINDOW = 10_000
MAX_ID = 2**63 - 1


class SearchQueryError(ValueError):
    """Invalid search parameters; `errors` maps each parameter to Italian messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


class SearchUnavailable(RuntimeError):
    """The search server cannot be reached (the caller logs it and retries later)."""


@dataclass(frozen=True, init=False)
class SearchQuery:
    """A validated search: text, filters (OR within a facet, AND across facets), sort and page.

    Each facet's selection is a keyword argument named after the facet's code (`category=frozenset({"arte"})`)
    and read back as an attribute (`query.category`) or with `selected(code)`; the facets are those of
    `search.facets.FACETS`. Raises SearchQueryError (Italian messages per parameter) when a value is invalid.
    """

    q: str = ""
    age: int | None = None
    provider: int | None = None
    sort: str = ""
    page: int = 1
    page_size: int = 20
    #: (facet code, selected values) of the facets with a selection, in the registry's order.
    filters: tuple[tuple[str, frozenset[Any]], ...] = ()

    def __init__(
        self,
        q: str = "",
        age: int | None = None,
        provider: int | None = None,
        sort: str = "",
        page: int = 1,
        page_size: int = 20,
        **selections: Iterable[Any],
    ):
        unknown = sorted(set(selections) - set(facets.FACETS))
        if unknown:
            raise TypeError(f"SearchQuery got unknown facets {unknown}")
        plain = {"q": q, "age": age, "provider": provider, "sort": sort, "page": page, "page_size": page_size}
        for name, value in plain.items():
            object.__setattr__(self, name, value)
        chosen = {code: frozenset(selections.get(code) or ()) for code in facets.FACETS}
        object.__setattr__(self, "filters", tuple((code, values) for code, values in chosen.items() if values))
        self.__post_init__()

    def __getattr__(self, name: str) -> frozenset[Any]:
        if name in facets.FACETS:
            return self.selected(name)
        raise AttributeError(name)

    def __post_init__(self) -> None:
        object.__setattr__(self, "q", " ".join((self.q or "").split()))
        errors: dict[str, list[str]] = {}
        for name, values in self.filters:
            allowed = facets.FACETS[name].vocabulary
            unknown = sorted(str(v) for v in values if v not in allowed)
            if unknown:
                errors[name] = [_("Valore non valido: %(values)s.") % {"values": ", ".join(unknown)}]
        if len(self.q) > MAX_QUERY_LENGTH:
            errors["q"] = [_("Il testo cercato può avere al massimo %(n)d caratteri.") % {"n": MAX_QUERY_LENGTH}]
        if self.age is not None and not 0 <= self.age <= MAX_AGE:
            errors["age"] = [_("L'età deve essere compresa tra 0 e %(max)d anni.") % {"max": MAX_AGE}]
        if self.sort and self.sort not in SORTS:
            errors["sort"] = [_("Ordinamento non valido: usa uno tra %(sorts)s.") % {"sorts": ", ".join(SORTS)}]
        if self.provider is not None and not 1 <= self.provider <= MAX_ID:
            errors["provider"] = [_("L'ente è indicato dal suo identificativo numerico.")]
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            errors["page_size"] = [_("Gli elementi per pagina vanno da 1 a %(max)d.") % {"max": MAX_PAGE_SIZE}]
        elif self.page < 1:
            errors["page"] = [_("La pagina deve essere un numero maggiore di zero.")]
        elif self.page * self.page_size > MAX_RESULT_WINDOW:
            errors["page"] = [
                _("Si possono sfogliare al massimo i primi %(n)d risultati: restringi la ricerca.")
                % {"n": MAX_RESULT_WINDOW}
            ]
        if errors:
            raise SearchQueryError(errors)

    @property
    def effective_sort(self) -> str:
        """Relevance only means something with text; without it the newest come first."""
        if self.sort:
            return "newest" if self.sort == "relevance" and not self.q else self.sort
        return "relevance" if self.q else "newest"

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    def selected(self, facet: str) -> frozenset[Any]:
        return dict(self.filters).get(facet, frozenset())

    def arguments(self) -> dict[str, Any]:
        """The keyword arguments that build this query again (facet selections by code)."""
        return {
            "q": self.q,
            "age": self.age,
            "provider": self.provider,
            "sort": self.sort,
            "page": self.page,
            "page_size": self.page_size,
            **dict(self.filters),
        }


@dataclass(frozen=True)
class FacetValue:
    value: Any
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Suggestion:
    """An autocomplete entry: a service (with its URL) or a provider name."""

    label: str
    kind: Literal["service", "provider"]
    url: str = ""


@dataclass
class SearchResult:
    count: int
    hits: list[ServiceDocument]
    facets: dict[str, list[FacetValue]]
    query: SearchQuery
    backend: str = ""

    @property
    def ids(self) -> list[int]:
        return [hit.id for hit in self.hits]

    def facet_counts(self, facet: str) -> dict[Any, int]:
        return {fv.value: fv.count for fv in self.facets[facet]}


@dataclass
class Drift:
    """Differences between the documents that should be indexed and what the index holds."""

    missing: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.missing or self.extra or self.stale)


_LABELS: dict[tuple[str | None, int, Any], str] = {}


def facet_label(facet: str, value: Any) -> str:
    """The label of one value of a facet (from its vocabulary), translated once per language and process."""
    declared = facets.FACETS[facet]
    key = (get_language(), id(declared), value)
    if key not in _LABELS:
        _LABELS[key] = declared.value_label(value)
    return _LABELS[key]


def build_facets(query: SearchQuery, counts: dict[str, dict[Any, int]]) -> dict[str, list[FacetValue]]:
    """Every value of every facet, in a fixed order, zero counts and selections included."""
    return {
        facet: [
            FacetValue(
                value, facet_label(facet, value), counts.get(facet, {}).get(value, 0), value in query.selected(facet)
            )
            for value in values
        ]
        for facet, values in FACETS.items()
    }


class SearchBackend(abc.ABC):
    """What both backends implement; documents are upserted by id."""

    name: str = ""

    @abc.abstractmethod
    def index(self, docs: Iterable[ServiceDocument]) -> int:
        """Add or replace documents; returns how many were written."""

    @abc.abstractmethod
    def delete(self, ids: Iterable[int]) -> None: ...

    @abc.abstractmethod
    def search(self, query: SearchQuery) -> SearchResult: ...

    @abc.abstractmethod
    def autocomplete(self, prefix: str, limit: int = 8) -> list[Suggestion]: ...

    @abc.abstractmethod
    def rebuild(self, docs: Iterable[ServiceDocument], progress: Any = None) -> int:
        """Replace the whole index with `docs`; `progress(done)` is called as batches are written."""

    @abc.abstractmethod
    def check(self, docs: Iterable[ServiceDocument]) -> Drift: ...


def get_backend() -> SearchBackend:
    from search.backends.database import DatabaseBackend

    url = getattr(settings, "ELASTICSEARCH_URL", "")
    if not url:
        return DatabaseBackend()
    from search.backends.elasticsearch import ElasticsearchBackend

    return ElasticsearchBackend.from_settings(fallback=DatabaseBackend())
